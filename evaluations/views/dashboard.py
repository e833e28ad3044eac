"""The programme dashboard (基地建设统计): staff see the whole programme, an authority its region.

Bases per city (all 14, zeros included) and per industry against the notice's coverage aim, bases certified
per year against its numeric targets, and the grade distribution per year (from `EvaluationResult`, imported
and evaluated alike). Every chart is server-rendered SVG (`pilotbase.charts`) with its table beside it, and
every table is an Excel download. Each figure is one aggregated query, so the page's query count does not
grow with the bases.

The targets are the notice's (一、二: "2021年认定自治区级中试基地5家以上，到2025年认定50家以上 … 力争实现重点
细分行业、各设区市全覆盖"); they are defaults that settings.PROGRAMME_TARGETS may override, never law in code.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _

from pilotbase.actions import page
from pilotbase.charts import Chart, bar_chart, hbar_chart
from pilotbase.models import BaseStatus
from pilotbase.rules import is_authority, is_staff_side
from pilotbase.xlsx import xlsx_response

from .. import selectors_bases as sel
from ..models import Grade

may_see_dashboard = is_staff_side | is_authority

DEFAULT_TARGETS = {
    "start_year": 2021,  # the notice's first year: the year axis starts here
    "year_targets": {2021: 5, 2025: 50},  # at least this many certified by the end of the year (cumulative)
    "per_city": 1,  # every 设区市 covered
    "per_industry": 1,  # every key industry field covered
}
GRADE_COLORS = {
    Grade.EXCELLENT: "#009E73",
    Grade.GOOD: "#0072B2",
    Grade.PASS: "#56B4E9",
    Grade.RECTIFY: "#E69F00",
    Grade.FAIL: "#D55E00",
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


def _target_rows(
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


def _round_chart(rnd, progress: dict[str, int]) -> Chart:
    """The current round's progress: how many of its bases (in the user's scope) reached each step; the
    authority's confirmation only when the round asks for it."""
    labels = {
        "included": _("参评基地"),
        "filed": _("已提交年度报告"),
        "confirmed": _("推荐单位已确认"),
        "accepted": _("已受理"),
        "scored": _("已评分"),
        "graded": _("等次已确认"),
    }
    steps = [s for s in sel.PROGRESS_STEPS if s != "confirmed" or rnd.authority_confirms]
    included = progress["included"]
    title = _("%(round)s 进度") % {"round": rnd.title}
    return hbar_chart(
        key="chart-round",
        title=title,
        items=[(str(labels[s]), progress[s]) for s in steps],
        label_header=_("环节"),
        value_header=_("基地数"),
        color="#0072B2",
        summary=_("%(title)s：参评 %(n)d 家，%(parts)s。")
        % {
            "title": title,
            "n": included,
            "parts": _("，").join(
                _("%(step)s %(n)d 家") % {"step": labels[s], "n": progress[s]}
                for s in steps
                if s != "included"
            ),
        },
    )


def _figures(request: HttpRequest) -> dict:
    scope = sel.bases_visible_to(request.user)
    goal = targets()
    today = timezone.localdate()
    cities, industries = sel.bases_per_city(scope), sel.bases_per_industry(scope)
    per_year = sel.certified_per_year(scope)
    last_year = max([today.year, *per_year, *(goal["year_targets"] if is_staff_side(request.user) else [])])
    first_year = min([goal["start_year"], *per_year])
    years = list(range(first_year, last_year + 1))
    cumulative, running = {}, 0
    for y in years:
        running += per_year.get(y, 0)
        cumulative[y] = running
    grades = sel.grades_per_year(scope)
    staff = is_staff_side(request.user)
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
            title=_("累计认定中试基地数（按年度）"),
            categories=[str(y) for y in years],
            series=[(_("累计认定"), [cumulative[y] for y in years])],
            category_header=_("年度"),
            targets={str(y): n for y, n in goal["year_targets"].items() if y in cumulative}
            if staff
            else None,
        ),
    }
    grade_years = sorted(grades)
    charts["grades"] = bar_chart(
        key="chart-grades",
        title=_("年度考核等次分布"),
        categories=[str(y) for y in grade_years],
        series=[
            (str(label), [grades[y].get(value, 0) for y in grade_years]) for value, label in Grade.choices
        ],
        colors=[GRADE_COLORS[value] for value, _l in Grade.choices],
        category_header=_("考核年度"),
        total_header=_("参评基地数"),
    )
    rnd = sel.dashboard_round(request.user)
    if rnd is not None:
        charts["round"] = _round_chart(rnd, sel.round_progress(scope, rnd))
    states = sel.state_totals(scope)
    return {
        "charts": charts,
        "round": rnd,
        "grade_years": grade_years,
        "staff": staff,
        "today": today,
        "total": sum(states.values()),
        "revoked": states.get(BaseStatus.REVOKED, 0),
        "active": states.get(BaseStatus.ACTIVE, 0),
        "rectifying": states.get(BaseStatus.RECTIFYING, 0),
        "targets": _target_rows(
            cumulative=cumulative, cities=cities, industries=industries, goal=goal, year=today.year
        )
        if staff
        else [],
        "region": None if staff else request.user.organization,
    }


@page(visible=may_see_dashboard)
def dashboard(request: HttpRequest) -> HttpResponse:
    return render(request, "evaluations/dashboard.html", _figures(request))


EXPORTS = ("cities", "industries", "years", "grades", "targets", "round")


@page(visible=may_see_dashboard)
def dashboard_export(request: HttpRequest, table: str) -> HttpResponse:
    """One chart's table (or the targets' table) as Excel: the same numbers the page shows."""
    if table not in EXPORTS or (table == "targets" and not is_staff_side(request.user)):
        raise Http404
    figures = _figures(request)
    today = timezone.localdate().isoformat()
    scope_line = figures["region"].name if figures["region"] else _("全区")
    if table == "targets":
        return xlsx_response(
            filename=f"基地建设目标-{today}.xlsx",
            title=_("建设目标"),
            headers=[_("目标"), _("要求"), _("现状"), _("状态")],
            rows=[[t.label, t.required, t.actual, t.status_label] for t in figures["targets"]],
            heading=[_("中试基地建设目标完成情况"), scope_line],
            widths=(30, 16, 16, 10),
        )
    if table not in figures["charts"]:  # the round's progress when no round is under way
        raise Http404
    chart: Chart = figures["charts"][table]
    return xlsx_response(
        filename=f"{chart.title}-{today}.xlsx",
        title=chart.title[:31],
        headers=chart.headers,
        rows=chart.rows,
        heading=[chart.title, scope_line],
        widths=[30] + [12] * (len(chart.headers) - 1),
    )
