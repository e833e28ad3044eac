"""Reads for the assessment stage, each scoped to the user (not visible → the view answers 404)."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from django.db.models import Count, Prefetch, Q, QuerySet, Window
from django.db.models.functions import RowNumber

from applications.models import Application, ApplicationState, Call
from pilotbase.models import ExpertProfile, Organization, Role
from pilotbase.panels import APPLICATION_NOUNS, ScoreRule, SubjectFacts, panel_score
from pilotbase.rules import is_staff_side

from ..models import (
    Assessment,
    AssessmentState,
    AssignmentState,
    Commission,
    ExpertAssignment,
    FormalCheckState,
    IndicatorScore,
    PanelDraw,
    SiteVisitFile,
)
from ..models.assessment import GONE_SEATS, OPEN_SEATS

SCORE_RULE = ScoreRule.TRIMMED  # 评估论证: the highest and the lowest total dropped from five experts on


def applications_commissionable(*, call: Call) -> QuerySet[Application]:
    """Applications of the call that passed the formal check and have no assessment yet."""
    return (
        Application.objects.filter(call=call, state=ApplicationState.UNDER_REVIEW,
                                   formal_check__state=FormalCheckState.PASSED, assessment__isnull=True)
        .select_related("applicant").order_by("acceptance_no", "id")
    )


def expert_pool(*, kind: str = "", industry: Any = None, city: Any = None, available: bool | None = None,
                q: str = "") -> QuerySet[ExpertProfile]:
    qs = ExpertProfile.objects.select_related("user__organization").prefetch_related("industries")
    if kind:
        qs = qs.filter(kind=kind)
    if industry:
        qs = qs.filter(industries=industry)
    if city:
        qs = qs.filter(city=city)
    if available is not None:
        qs = qs.filter(available=available)
    if q:
        qs = qs.filter(Q(user__last_name__contains=q) | Q(user__first_name__contains=q)
                       | Q(user__organization__name__contains=q))
    return qs.filter(user__is_active=True).order_by("kind", "id").distinct()


def application_facts(*, assessment: Assessment) -> SubjectFacts:
    """The application as the panel draw sees it (pilotbase.panels): lead unit, partners, industry, seats, agency."""
    app = assessment.application
    return SubjectFacts(
        lead_id=app.applicant_id, nouns=APPLICATION_NOUNS,
        partner_ids=frozenset(app.partners.values_list("organization_id", flat=True)),
        industry_id=app.industry_id,
        seated=frozenset(assessment.assignments.values_list("expert_id", flat=True)),
        agency_id=assessment.commission.agency_id,
    )


COMMISSION_PREVIEW = 5  # assessments shown under each commission of the list; the rest on the commission's page


def commission_assessments(commission: Commission | None = None) -> QuerySet[Assessment]:
    """Assessments as the commission pages list them (their panel's progress: with_progress, once paginated)."""
    qs = (Assessment.objects.select_related("application__applicant")
          .only("id", "application_id", "commission_id", "state", "total_score",
                "application__name", "application__applicant_id", "application__applicant__name")
          .order_by("id"))
    return qs.filter(commission=commission) if commission is not None else qs


def with_progress(assessments: list[Assessment]) -> list[Assessment]:
    """Sets `seat_count` (seats that count) and `submitted_count` (sheets in) on each, in one query over their
    seats. Counted for the rows shown only: as an annotation under the per-commission slice, PostgreSQL grouped
    every seat of every commission before the window kept ten rows each (0.7 s at 150,000 seats)."""
    counts = {row["assessment_id"]: row for row in ExpertAssignment.objects
              .filter(assessment__in=[a.pk for a in assessments]).values("assessment_id")
              .annotate(seats=Count("id", filter=~Q(state__in=GONE_SEATS)),
                        submitted=Count("id", filter=Q(state=AssignmentState.SUBMITTED))).order_by()}
    for a in assessments:
        row = counts.get(a.pk, {})
        a.seat_count, a.submitted_count = row.get("seats", 0), row.get("submitted", 0)
    return assessments


def commissions_for(user: Any) -> QuerySet[Commission]:
    """The commissions the user may see, with their agency (a page of them gets its first assessments and their
    number from with_preview)."""
    qs = Commission.objects.select_related("agency").order_by("-created_at", "-id")
    if is_staff_side(user):
        return qs
    if user.role == Role.AGENCY and user.organization_id:
        return qs.filter(agency_id=user.organization_id)
    return qs.none()


def with_preview(commissions: list[Commission]) -> list[Commission]:
    """Sets `preview` on each: its first COMMISSION_PREVIEW assessments with their progress, and
    `assessment_count`. A commission holds every application of a call sent to the agency, hundreds at national
    scale, so a page of commissions never carries them all. The ids and the counts come from one window over the
    assessments' own narrow rows; as a sliced prefetch the window ran over every assessment joined to its
    application and unit (190 ms at 8,900 assessments), and the count as an annotation of the commissions grouped
    their join to every assessment twice (the page and the paginator's count, 9 ms at full scale)."""
    firsts = (Assessment.objects.filter(commission__in=commissions)
              .annotate(position=Window(RowNumber(), partition_by="commission_id", order_by="id"),
                        of=Window(Count("id"), partition_by="commission_id"))
              .filter(position__lte=COMMISSION_PREVIEW).order_by().values_list("id", "commission_id", "of"))
    counts = {}
    ids = []
    for pk, commission_id, of in firsts:
        ids.append(pk)
        counts[commission_id] = of
    rows = with_progress(list(commission_assessments().filter(pk__in=ids)))
    for c in commissions:
        c.preview = [a for a in rows if a.commission_id == c.pk]
        c.assessment_count = counts.get(c.pk, 0)
    return commissions


def assessments_for(user: Any) -> QuerySet[Assessment]:
    qs = Assessment.objects.select_related("application__applicant", "application__call", "commission__agency")
    if is_staff_side(user):
        return qs
    if user.role == Role.AGENCY and user.organization_id:
        return qs.filter(commission__agency_id=user.organization_id)
    return qs.none()


def assessment_detail(*, user: Any, pk: int) -> Assessment:
    """Raises Assessment.DoesNotExist when the user may not see it."""
    return assessments_for(user).select_related("site_visit").get(pk=pk)


def assessment_seats(*, assessment: Assessment) -> list[ExpertAssignment]:
    return list(assessment.assignments.select_related("expert__user__organization", "draw")
                .prefetch_related("scores__indicator").order_by("id"))


def assessment_draws(*, assessment: Assessment) -> list[PanelDraw]:
    return list(assessment.draws.select_related("drawn_by", "replaces__expert__user").order_by("drawn_at", "id"))


def expert_names(ids: set[int]) -> dict[int, ExpertProfile]:
    return {e.pk: e for e in ExpertProfile.objects.filter(pk__in=ids).select_related("user__organization")}


def assignments_for(user: Any) -> QuerySet[ExpertAssignment]:
    """An expert's own seats only, by due date; nothing joined but the expert's profile it is scoped by (each page
    selects what it shows)."""
    if user.role != Role.EXPERT:
        return ExpertAssignment.objects.none()
    return ExpertAssignment.objects.filter(expert__user=user).order_by("due_on", "id")


def my_seats(user: Any) -> QuerySet[ExpertAssignment]:
    """The expert's seats as their list shows them: the seat, its application's name and its commission; the
    units' names come after from with_units (one query for the page's rows). Why: with the application's unit and
    call, the commission's agency and the profile joined, PostgreSQL planned the page's query in ~4.3 ms and ran it
    in 0.2 ms."""
    return (assignments_for(user).select_related("assessment__application", "assessment__commission")
            .only("id", "assessment_id", "expert_id", "state", "due_on",
                  "assessment__application_id", "assessment__commission_id",
                  "assessment__application__name", "assessment__application__applicant_id",
                  "assessment__commission__agency_id"))


def assignment_detail(*, user: Any, pk: int) -> ExpertAssignment:
    """The expert's seat with its assessment, application, call and commission, and its sheet's scores; the
    units' names from with_units. Raises ExpertAssignment.DoesNotExist when it is not the user's."""
    scores = Prefetch("scores", queryset=IndicatorScore.objects.select_related("indicator"))
    seat = (assignments_for(user).select_related("assessment__application__call", "assessment__commission")
            .prefetch_related(scores).get(pk=pk))
    with_units([seat])
    return seat


def with_units(seats: list[ExpertAssignment]) -> list[ExpertAssignment]:
    """Sets each seat's application's applicant and its commission's agency (their names, for the page) from one
    query over their ids, instead of two more joins of the organizations in the seats' query."""
    assessments = [s.assessment for s in seats]
    ids = {a.application.applicant_id for a in assessments} | {a.commission.agency_id for a in assessments}
    units = Organization.objects.only("id", "name").in_bulk(ids)
    for a in assessments:
        a.application.applicant = units[a.application.applicant_id]
        a.commission.agency = units[a.commission.agency_id]
    return seats


def site_visit_file_for(*, user: Any, pk: int) -> SiteVisitFile:
    assessments = assessments_for(user).values("pk")
    return SiteVisitFile.objects.select_related("site_visit").get(pk=pk, site_visit__assessment__in=assessments)


def peers_visible(*, assignment: ExpertAssignment) -> list[ExpertAssignment]:
    """Other experts' submitted sheets, only when the call is not blind and this expert submitted."""
    call = assignment.assessment.application.call
    if call.blind_scoring or assignment.state != AssignmentState.SUBMITTED:
        return []
    return list(assignment.assessment.assignments.filter(state=AssignmentState.SUBMITTED)
                .exclude(pk=assignment.pk).select_related("expert__user").order_by("id"))


@dataclass(frozen=True)
class Ranked:
    """An assessment's place in its call's ranking, from its narrow row and its submitted sheets' totals."""

    pk: int
    rank: int | None  # None while unfinished
    provisional_score: Decimal | None
    provisional_veto: bool


def ranking_order(*, call: Call) -> list[Ranked]:
    """Every assessment of the call in ranking order: concluded ones ranked (passed by score, then failed), open
    ones after, by what their submitted sheets give now (the agency page's preview). Two queries over ids, states
    and scores only, so that a page of the ranking builds its rows for that page alone (ranked_assessments)."""
    sheets: dict[int, list] = defaultdict(list)
    for assessment_id, total, vetoed in (ExpertAssignment.objects
                                         .filter(assessment__commission__call=call, state=AssignmentState.SUBMITTED)
                                         .values_list("assessment_id", "total", "vetoed").order_by()):
        sheets[assessment_id].append((total, vetoed))
    concluded = (AssessmentState.PASSED, AssessmentState.FAILED)
    keyed = []
    for pk, state, vetoed, total_score in (Assessment.objects.filter(commission__call=call)
                                           .values_list("pk", "state", "vetoed", "total_score")):
        if state in concluded:
            keyed.append(((concluded.index(state), vetoed, -(total_score or 0), pk), pk, None, False))
            continue
        mine = sheets.get(pk, [])
        score = panel_score((t for t, _v in mine if t is not None), rule=SCORE_RULE)
        veto = any(v for _t, v in mine)
        keyed.append(((len(concluded), veto, -(score or 0), pk), pk, score, veto))
    keyed.sort(key=lambda row: row[0])
    # concluded rows come first, so a concluded row's position is its rank
    return [Ranked(pk, position if key[0] < len(concluded) else None, score, veto)
            for position, (key, pk, score, veto) in enumerate(keyed, start=1)]


def ranked_assessments(*, call: Call, order: list[Ranked] | None = None) -> list[Assessment]:
    """The assessments of `order` (a page of ranking_order; all of the call's without it) in that order, each with
    ``rank``, ``provisional_score`` and ``provisional_veto`` (see Ranked) and its submitted sheets."""
    order = ranking_order(call=call) if order is None else order
    places = {r.pk: (position, r) for position, r in enumerate(order)}
    # what the page and the export show: the application's number, name and unit, the visit's conclusion, each
    # sheet's total and expert (not the commission, the wide application or the users' other columns)
    sheets = (ExpertAssignment.objects.filter(state=AssignmentState.SUBMITTED).select_related("expert__user")
              .only("id", "assessment_id", "expert_id", "total", "expert__user_id", "expert__user__username",
                    "expert__user__first_name", "expert__user__last_name").order_by("id"))
    rows = list(
        Assessment.objects.filter(pk__in=list(places))
        .select_related("application__applicant", "site_visit")
        .only("id", "application_id", "state", "total_score", "vetoed", "concluded_at",
              "application__name", "application__acceptance_no", "application__applicant_id",
              "application__applicant__name", "site_visit__id", "site_visit__assessment_id",
              "site_visit__conclusion")
        .prefetch_related(Prefetch("assignments", queryset=sheets, to_attr="submitted"))
    )
    for a in rows:
        r = places[a.pk][1]
        a.rank, a.provisional_score, a.provisional_veto = r.rank, r.provisional_score, r.provisional_veto
    rows.sort(key=lambda a: places[a.pk][0])
    return rows


def assignments_due(*, until: date, states=OPEN_SEATS) -> QuerySet:
    """Open seats due by `until`, as the reminder sweep needs them: a row of ids per seat, no model instances (the
    sweep reads names only for the reminders it sends)."""
    return (ExpertAssignment.objects.filter(state__in=states, due_on__lte=until)
            .values_list("pk", "due_on", "state", "assessment_id", "assessment__application_id", "expert__user_id",
                         "assessment__commission__agency_id", named=True)
            .order_by("pk"))


def agency_counts(user: Any) -> dict[str, int]:
    qs = assessments_for(user)
    return {"panel": qs.filter(state=AssessmentState.PANEL).count(),
            "to_conclude": qs.filter(state=AssessmentState.SITE_VISIT).count()}
