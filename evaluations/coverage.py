"""The programme's coverage figures (布局与覆盖、认定进度) against the notice's targets, for any scope of bases:
the staff dashboard passes the bases the user may see, the public coverage page the public directory's bases
(`reviews.selectors.certification.bases_public`: never a revoked one). One place for the targets, the counting
and the charts, so the two pages cannot drift apart.

The targets are the notice's (一、二: "2021年认定自治区级中试基地5家以上，到2025年认定50家以上 … 力争实现重点
细分行业、各设区市全覆盖"); they are defaults that settings.PROGRAMME_TARGETS may override, never law in code.
Each figure is one aggregated query, so the count of queries does not grow with the bases.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from django.conf import settings
from django.db.models import QuerySet
from django.utils.translation import gettext as _

from pilotbase.charts import bar_chart, hbar_chart
from pilotbase.models import Base

from . import selectors_bases as sel

DEFAULT_TARGETS = {
    "start_year": 2021,  # the notice's first year: the year axis starts here
    "year_targets": {2021: 5, 2025: 50},  # at least this many certified by the end of the year (cumulative)
    "per_city": 1,  # every 设区市 covered
    "per_industry": 1,  # every key industry field covered
}


def targets() -> dict:
    return {**DEFAULT_TARGETS, **getattr(settings, "PROGRAMME_TARGETS", {})}


@dataclass
class TargetRow:
    label: str
    required: str
    actual: str
    status: str  # reached / pending / missed
    status_label: str


def target_rows(
    *, cumulative: dict[int, int], cities: list, industries: list, goal: dict, year: int
) -> list[TargetRow]:
    rows = []
    labels = {"reached": _("已达到"), "pending": _("进行中"), "missed": _("未达到")}
    for target_year, n in sorted(goal["year_targets"].items()):
        have = cumulative.get(min(target_year, year), 0) if target_year >= goal["start_year"] else 0
        status = "reached" if have >= n else ("pending" if year <= target_year else "missed")
        rows.append(
            TargetRow(
                _("到%(year)d年认定中试基地") % {"year": target_year},
                _("≥ %(n)d 家") % {"n": n},
                _("%(n)d 家") % {"n": have},
                status,
                labels[status],
            )
        )
    for label, items, per, unit in (
        (_("设区市全覆盖"), cities, goal["per_city"], _("个设区市")),
        (_("重点产业领域全覆盖"), industries, goal["per_industry"], _("个产业领域")),
    ):
        covered = sum(1 for _i, n in items if n >= per)
        status = "reached" if items and covered == len(items) else "pending"
        rows.append(
            TargetRow(
                label,
                _("%(n)d %(unit)s") % {"n": len(items), "unit": unit},
                _("%(n)d %(unit)s") % {"n": covered, "unit": unit},
                status,
                labels[status],
            )
        )
    return rows


def target_table(rows: list[TargetRow]) -> tuple[list[str], list[list[str]]]:
    """The targets' table as an export writes it: (headers, rows)."""
    return [_("目标"), _("要求"), _("现状"), _("状态")], [[t.label, t.required, t.actual, t.status_label] for t in rows]


def coverage(scope: QuerySet[Base], *, today: date, with_targets: bool, years_title: str = "") -> dict[str, Any]:
    """Bases per city (every city, zeros included) and per industry, not revoked, against the per-item aim;
    bases certified per year, cumulative, against the year targets when `with_targets` (the programme's, not a
    region's); and the targets' table then. Returns {"charts": {cities, industries, years}, "targets": [...],
    "cumulative": {year: n}}."""
    goal = targets()
    cities, industries = sel.bases_per_city(scope), sel.bases_per_industry(scope)
    per_year = sel.certified_per_year(scope)
    last_year = max([today.year, *per_year, *(goal["year_targets"] if with_targets else [])])
    first_year = min([goal["start_year"], *per_year])
    years = list(range(first_year, last_year + 1))
    cumulative, running = {}, 0
    for y in years:
        running += per_year.get(y, 0)
        cumulative[y] = running
    charts = {
        "cities": hbar_chart(
            key="chart-cities",
            title=_("各设区市中试基地数（不含已撤销）"),
            items=[(str(c), n) for c, n in cities],
            label_header=_("设区市"),
            value_header=_("基地数"),
            target=goal["per_city"],
            target_label=_("每市至少 %(n)d 家") % {"n": goal["per_city"]},
        ),
        "industries": hbar_chart(
            key="chart-industries",
            title=_("各产业领域中试基地数（不含已撤销）"),
            items=[(str(i), n) for i, n in industries],
            label_header=_("产业领域"),
            value_header=_("基地数"),
            target=goal["per_industry"],
            color="#009E73",
            target_label=_("每个领域至少 %(n)d 家") % {"n": goal["per_industry"]},
        ),
        "years": bar_chart(
            key="chart-years",
            title=years_title or _("累计认定中试基地数（按年度）"),
            categories=[str(y) for y in years],
            series=[(_("累计认定"), [cumulative[y] for y in years])],
            category_header=_("年度"),
            targets={str(y): n for y, n in goal["year_targets"].items() if y in cumulative}
            if with_targets
            else None,
        ),
    }
    rows = (
        target_rows(cumulative=cumulative, cities=cities, industries=industries, goal=goal, year=today.year)
        if with_targets
        else []
    )
    return {"charts": charts, "targets": rows, "cumulative": cumulative}
