"""What 评估论证 contributes to pilotbase.registry: nav links, dashboard panels, the experts who may read the
applications they score, the experts' seats kept off the applicant's and the authority's timeline, the reminder
sweeper and the demo seeder (its code in reviews.demo)."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from applications.models import Application
from pilotbase.formats import days_left_text, days_until
from pilotbase.models import Role
from pilotbase.registry import (
    NavLink,
    Panel,
    register_nav,
    register_panel,
    register_reader,
    register_seeder,
    register_sweeper,
    restrict,
)

from ..models import ExpertAssignment

STAFF = frozenset({Role.DEPARTMENT, Role.ADMIN})

register_nav(NavLink(_("评估委托"), "reviews:assess_commissions", STAFF, order=32))
register_nav(NavLink(_("评估排名"), "reviews:assess_ranked", STAFF, order=33))
register_nav(NavLink(_("评估任务"), "reviews:assess_commissions", frozenset({Role.AGENCY}), order=20))
register_nav(NavLink(_("专家库"), "reviews:assess_experts", STAFF | {Role.AGENCY}, order=34))
register_nav(NavLink(_("我的评审"), "reviews:assess_my", frozenset({Role.EXPERT}), order=20))


def _days_text(due_on) -> str:
    return days_left_text(days_until(due_on))


def _agency_state_panel(user: Any, *, state: str, title: str, empty: str, order: int) -> Panel:
    """The agency's assessments waiting in `state`: the first five and the total, in one query."""
    from pilotbase.dashboard import head_and_count

    from ..selectors.assessment import assessments_for

    rows, count = head_and_count(assessments_for(user).filter(state=state))
    items = [{"label": f"{a.application} · {a.application.applicant}", "url": reverse("reviews:assess_detail", args=[a.pk])}
             for a in rows]
    return Panel(title=title, count=count, url=reverse("reviews:assess_commissions"), items=items, empty_text=empty,
                 order=order)


def agency_panel_panel(user: Any) -> Panel | None:
    from ..models import AssessmentState

    return _agency_state_panel(user, state=AssessmentState.PANEL, title=str(_("待组建专家组")),
                               empty=str(_("没有待抽取专家的评估项目。")), order=10)


def agency_conclude_panel(user: Any) -> Panel | None:
    from ..models import AssessmentState

    return _agency_state_panel(user, state=AssessmentState.SITE_VISIT, title=str(_("待现场核查及作出结论")),
                               empty=str(_("没有待作出结论的评估项目。")), order=11)


def _expert_panel(user: Any, state: str, title: str, empty: str, order: int) -> Panel:
    from pilotbase.dashboard import head_and_count

    from ..selectors.assessment import assignments_for

    qs = assignments_for(user).filter(state=state).select_related("assessment__application")
    seats, count = head_and_count(qs)
    items = [{"label": f"{s.assessment.application}（{_days_text(s.due_on)}）",
              "url": reverse("reviews:assess_assignment", args=[s.pk])} for s in seats]
    return Panel(title=title, count=count, url=reverse("reviews:assess_my"), items=items, empty_text=empty,
                 order=order)


def expert_invited_panel(user: Any) -> Panel:
    return _expert_panel(user, "invited", str(_("评审邀请")), str(_("没有待回复的评审邀请。")), 10)


def expert_scoring_panel(user: Any) -> Panel:
    return _expert_panel(user, "accepted", str(_("待提交评分")), str(_("没有待提交的评分。")), 11)


def department_ranked_panel(user: Any) -> Panel | None:
    from django.db.models import Count, Q

    from applications.models import Call

    calls = (Call.objects.filter(commissions__isnull=False).distinct()
             .annotate(n=Count("commissions__assessments", distinct=True),
                       done=Count("commissions__assessments", distinct=True,
                                  filter=Q(commissions__assessments__state__in=["passed", "failed"])))
             .order_by("-year", "-id")[:5])
    calls = list(calls)  # once: the items and the count read the same five rows
    items = [{"label": str(_("%(call)s：已完成 %(done)d / %(n)d")) % {"call": c.title, "done": c.done, "n": c.n},
              "url": f"{reverse('reviews:assess_ranked')}?call={c.pk}"} for c in calls]
    return Panel(title=str(_("评估论证进度与排名")), count=sum(c.done for c in calls),
                 url=reverse("reviews:assess_ranked"), items=items,
                 empty_text=str(_("尚未委托第三方机构评估。")), order=12)


register_panel({Role.AGENCY}, agency_panel_panel)
register_panel({Role.AGENCY}, agency_conclude_panel)
register_panel({Role.EXPERT}, expert_invited_panel)
register_panel({Role.EXPERT}, expert_scoring_panel)
register_panel({Role.DEPARTMENT}, department_ranked_panel)


# ---- experts read the applications they assess (record page and PDF, read only) -----------------
def expert_reader(user: Any):
    """An expert holding an accepted or submitted seat reads the whole application it scores."""
    if user.role != Role.EXPERT:
        return None
    from ..models import AssignmentState

    return Application.objects.filter(
        assessment__assignments__expert__user=user,
        assessment__assignments__state__in=[AssignmentState.ACCEPTED, AssignmentState.SUBMITTED])


register_reader(Application, expert_reader)

# Who assessed an application stays with the department and the agency (off the applicant's and authority's view).
restrict(ExpertAssignment, visible_to={Role.DEPARTMENT, Role.AGENCY})


def assessment_reminders_sweep() -> int:
    from ..services.assessment import assignment_reminders_send

    return assignment_reminders_send()


register_sweeper(assessment_reminders_sweep)


def _seed(core: dict) -> None:
    from ..demo import seed_assessment

    seed_assessment(core)


register_seeder(30, "评估论证", _seed)
