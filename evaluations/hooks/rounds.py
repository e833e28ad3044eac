"""What the round and the annual reports contribute to pilotbase.registry: nav links, dashboard panels (the
reports that wait for each role), the base page's panel of its reports, the reminder sweeper and the seeders."""

from __future__ import annotations

from typing import Any

from django.db.models import Exists, OuterRef, Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from pilotbase.dashboard import head_and_count
from pilotbase.models import Base, Role
from pilotbase.registry import (
    NavLink,
    Panel,
    known_none,
    register_detail_panel,
    register_nav,
    register_panel,
    register_seeder,
    register_sweeper,
)

STAFF = frozenset({Role.DEPARTMENT, Role.ADMIN})

register_nav(
    NavLink(_("年度绩效考核"), "evaluations:round_list", STAFF | {Role.AGENCY, Role.AUTHORITY}, order=55)
)
register_nav(NavLink(_("年度报告"), "evaluations:report_mine", frozenset({Role.APPLICANT}), order=13))


def _panel(user: Any, *, title, empty, url: str, where: Q, order: int) -> Panel:
    from ..models import RoundState
    from ..selectors_rounds import reports_visible

    qs = (
        reports_visible(user)
        .filter(where, round__state=RoundState.REPORTS_OPEN)
        .order_by("round__report_deadline", "id")
    )
    reports, count = head_and_count(qs)
    items = [
        {
            "label": f"{r.base.name} · {r.round.year}",
            "url": reverse("evaluations:report_detail", args=[r.pk]),
            "meta": r.round.report_deadline,
        }
        for r in reports
    ]
    return Panel(title=str(title), count=count, url=url, items=items, empty_text=str(empty), order=order)


def base_reports_panel(user: Any) -> Panel | None:
    from ..models.report import OPEN_REPORT_STATES

    return _panel(
        user,
        title=_("待填报的年度报告"),
        empty=_("没有待填报的年度报告。"),
        url=reverse("evaluations:report_mine"),
        where=Q(
            state__in=OPEN_REPORT_STATES, base__lead_unit_id=user.organization_id
        ),  # partners do not file
        order=15,
    )


def authority_reports_panel(user: Any) -> Panel | None:
    from ..models import ReportState

    return _panel(
        user,
        title=_("待确认的年度报告"),
        empty=_("没有待确认的年度报告。"),
        url=reverse("evaluations:round_list"),
        where=Q(state=ReportState.SUBMITTED, round__authority_confirms=True),
        order=15,
    )


def reviewer_reports_panel(user: Any) -> Panel | None:
    from ..models import ReportState

    waiting = Q(state=ReportState.CONFIRMED) | Q(state=ReportState.SUBMITTED, round__authority_confirms=False)
    return _panel(
        user,
        title=_("待受理的年度报告"),
        empty=_("没有待受理的年度报告。"),
        url=reverse("evaluations:round_list"),
        where=waiting,
        order=45,
    )


register_panel({Role.APPLICANT}, base_reports_panel)
register_panel({Role.AUTHORITY}, authority_reports_panel)
register_panel({Role.AGENCY, Role.DEPARTMENT}, reviewer_reports_panel)


def _sweep() -> int:
    from ..services.report_reminders import report_reminders_sweep

    return report_reminders_sweep()


register_sweeper(_sweep)


def _seed(core: dict) -> None:
    from ..demo_rounds import seed_rounds

    seed_rounds(core)


def _seed_past(core: dict) -> None:
    from ..demo_rounds import seed_past_round

    seed_past_round(core)


# Before 整改与撤销认定 (37): the revoked base's second fail is its 2025 不合格.
register_seeder(36, "2025年度绩效考核（结果已公布）", _seed_past)
register_seeder(38, "年度绩效考核（报告填报中）", _seed)


def base_reports_panel_detail(request, base: Base):
    """年度报告与考核: the base's report of every round and, where the viewer may read it, its score and grade
    (the base's units only once the round is published); one query whatever the number of years: each report
    with its evaluation joined and whether `evaluations_visible` lets the viewer read it."""
    from ..selectors_rounds import reports_visible
    from ..selectors_scoring import evaluations_visible

    if known_none(base, "report_has_rows"):
        return None
    readable = evaluations_visible(request.user).select_related(None).filter(report_id=OuterRef("pk"))
    reports = list(reports_visible(request.user).filter(base=base).select_related("evaluation")
                   .annotate(evaluation_readable=Exists(readable)).order_by("-round__year", "-id"))
    if not reports:
        return None
    rows = [{"report": r, "evaluation": getattr(r, "evaluation", None) if r.evaluation_readable else None}
            for r in reports]
    return "evaluations/_base_reports.html", {"rows": rows}


def _report_facts() -> dict:
    from ..models import AnnualReport

    return {"report_has_rows": Exists(AnnualReport.objects.filter(base=OuterRef("pk")))}


register_detail_panel(Base, base_reports_panel_detail, facts=_report_facts)
