"""Scoring and grades in the registry: the expert's 我的考核评分 link and the dashboard panels of what waits for
the agency (evaluations to score) and for an expert (考核 invitations to answer and sheets to submit)."""

from typing import Any

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from pilotbase.dashboard import head_and_count
from pilotbase.models import Role
from pilotbase.registry import NavLink, Panel, register_nav, register_panel

register_nav(NavLink(_("考核评分"), "evaluations:seat_mine", frozenset({Role.EXPERT}), order=55))


def agency_scoring_panel(user: Any) -> Panel:
    """The commissioned agency's evaluations still to score, in rounds in 评价打分."""
    from ..models import EvaluationState, RoundState
    from ..selectors_scoring import evaluations_visible

    qs = evaluations_visible(user).filter(state=EvaluationState.PENDING, round__state=RoundState.SCORING)
    rows, count = head_and_count(qs.order_by("round__year", "base_id"))
    items = [
        {
            "label": f"{ev.base.name} · {ev.round.year}",
            "url": reverse("evaluations:evaluation_detail", args=[ev.pk]),
        }
        for ev in rows
    ]
    return Panel(
        title=str(_("待评分的年度绩效评价")),
        count=count,
        url=reverse("evaluations:round_list"),
        items=items,
        empty_text=str(_("没有待评分的年度绩效评价。")),
        order=46,
    )


def expert_seats_panel(user: Any) -> Panel:
    """An expert's 考核 seats to answer or to score, in rounds in 评价打分."""
    from ..models import RoundState
    from ..models.seats import EvaluationSeat, SeatState

    qs = EvaluationSeat.objects.select_related("evaluation__round", "evaluation__base").filter(
        expert__user=user,
        state__in=(SeatState.INVITED, SeatState.ACCEPTED),
        evaluation__round__state=RoundState.SCORING,
    )
    rows, count = head_and_count(qs.order_by("evaluation__round__year", "id"))
    items = [
        {
            "label": f"{seat.evaluation.base.name} · {seat.evaluation.round.year} · {seat.get_state_display()}",
            "url": reverse("evaluations:seat_detail", args=[seat.pk]),
        }
        for seat in rows
    ]
    return Panel(
        title=str(_("待完成的考核评分")),
        count=count,
        url=reverse("evaluations:seat_mine"),
        items=items,
        empty_text=str(_("没有待完成的考核评分。")),
        order=25,
    )


register_panel({Role.AGENCY}, agency_scoring_panel)
register_panel({Role.EXPERT}, expert_seats_panel)
