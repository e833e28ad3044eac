"""Reads of the evaluations (scores and grades), scoped to the user (what the user may not see does not exist: the
page answers 404).

Who sees what: staff every evaluation; the agency those of the rounds commissioned to it; a base's lead unit its
own evaluation once the round's results are published; nobody else.
"""

from __future__ import annotations

from django.db.models import Count, Prefetch, QuerySet

from pilotbase.models import User
from pilotbase.rules import is_agency, is_applicant, is_staff_side

from .models import AnnualReport, Evaluation, EvaluationRound, RoundState

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


def _round_rows(user: User, rnd: EvaluationRound) -> QuerySet[Evaluation]:
    """The round's evaluations the user may see, in the pages' order (by city, batch, base), nothing joined."""
    return (evaluations_visible(user).select_related(None).filter(round=rnd)
            .order_by("base__city__order", "base__batch", "base_id"))


def round_evaluations(user: User, rnd: EvaluationRound) -> QuerySet[Evaluation]:
    """The round's evaluations as its list shows them: their own short columns, the base's name and city, the
    scorer's name; each report's state read by id for the page's rows only. Why: with the round, report, unit and
    both users joined, PostgreSQL planned the page's query in ~6 ms and ran it in ~28 ms (it hashed all 18,000
    wide reports before the sort kept 50 rows); the rows' objects do not know their round (the page has it)."""
    reports = Prefetch("report", queryset=AnnualReport.objects.only("id", "state"))
    return (
        _round_rows(user, rnd)
        .select_related("base", "scored_by")
        .only("id", "report_id", "base_id", "state", "total", "fail_reason", "proposed_grade", "grade",
              "scored_by_id", "base__name", "base__city_id", "base__batch",
              "scored_by__username", "scored_by__first_name", "scored_by__last_name")
        .prefetch_related(reports)
    )


GRADE_PAGE_FIELDS = (
    "round_id", "base_id", "state", "total", "fail_reason", "proposed_grade", "placed_grade", "quota_note", "grade",
    "change_reason", "base__name",
)


def round_grade_evaluations(user: User, rnd: EvaluationRound) -> QuerySet[Evaluation]:
    """The round's evaluations for the grades page, which shows each one's own columns and its base's name: not
    the report, round, city, unit and users (a national round is 3,000 evaluations: 24,000 instances built, 0.7 s),
    and only the columns the page and the quotas read (the rows a page sorts are narrower: its 50 of 3,000 in 3.1 ms
    instead of 4.9)."""
    return _round_rows(user, rnd).select_related("base").only(*GRADE_PAGE_FIELDS)


def evaluation_state_counts(qs: QuerySet[Evaluation]) -> dict[str, int]:
    """Evaluations per state in `qs`, in one query: ``COUNT(*)``, read from the index `evaluation_round_state`
    alone for a round (no evaluation row)."""
    return {row["state"]: row["n"] for row in qs.order_by().values("state").annotate(n=Count("*"))}


def evaluation_sheet(evaluation: Evaluation) -> list[tuple]:
    """The round's indicator rows with this evaluation's own score row (the staff mode's; None in the experts mode,
    whose sheets are the seats'), in the sheet's order."""
    scores = {s.indicator_id: s for s in evaluation.scores.filter(seat__isnull=True)}
    return [(ind, scores.get(ind.pk)) for ind in evaluation.round.indicators.all()]
