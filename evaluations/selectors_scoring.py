"""Reads of the evaluations (scores and grades), scoped to the user (what the user may not see does not exist: the
page answers 404).

Who sees what: staff every evaluation; the agency those of the rounds commissioned to it; a base's lead unit its
own evaluation once the round's results are published; nobody else.
"""

from __future__ import annotations

from django.db.models import Count, QuerySet

from pilotbase.models import User
from pilotbase.rules import is_agency, is_applicant, is_staff_side

from .models import Evaluation, EvaluationRound, RoundState

PUBLISHED_STATES = (RoundState.PUBLISHED, RoundState.CLOSED)


def evaluations_visible(user: User) -> QuerySet[Evaluation]:
    qs = Evaluation.objects.select_related("round", "report", "base__lead_unit")
    if is_staff_side(user):
        return qs
    if is_agency(user):
        return qs.filter(round__agency_id=user.organization_id)
    if is_applicant(user):
        return qs.filter(base__lead_unit_id=user.organization_id, round__state__in=PUBLISHED_STATES)
    return qs.none()


def round_evaluations(user: User, rnd: EvaluationRound) -> QuerySet[Evaluation]:
    return (
        evaluations_visible(user)
        .filter(round=rnd)
        .select_related("scored_by", "confirmed_by")
        .order_by("base__city__order", "base__batch", "base_id")
    )


GRADE_PAGE_FIELDS = (
    "round_id", "base_id", "state", "total", "fail_reason", "proposed_grade", "placed_grade", "quota_note", "grade",
    "change_reason", "base__name",
)


def round_grade_evaluations(user: User, rnd: EvaluationRound) -> QuerySet[Evaluation]:
    """The round's evaluations for the grades page, which shows each one's own columns and its base's name: not
    the report, round, city, unit and users `round_evaluations` joins (a national round is 3,000 evaluations: 24,000
    instances built, 0.7 s), and only the columns the page and the quotas read (the rows a page sorts are narrower:
    its 50 of 3,000 in 3.1 ms instead of 4.9)."""
    return round_evaluations(user, rnd).select_related(None).select_related("base").only(*GRADE_PAGE_FIELDS)


def evaluation_state_counts(qs: QuerySet[Evaluation]) -> dict[str, int]:
    """Evaluations per state in `qs`, in one query: ``COUNT(*)``, read from the index `evaluation_round_state`
    alone for a round (no evaluation row)."""
    return {row["state"]: row["n"] for row in qs.order_by().values("state").annotate(n=Count("*"))}


def evaluation_sheet(evaluation: Evaluation) -> list[tuple]:
    """The round's indicator rows with this evaluation's own score row (the staff mode's; None in the experts mode,
    whose sheets are the seats'), in the sheet's order."""
    scores = {s.indicator_id: s for s in evaluation.scores.filter(seat__isnull=True)}
    return [(ind, scores.get(ind.pk)) for ind in evaluation.round.indicators.all()]
