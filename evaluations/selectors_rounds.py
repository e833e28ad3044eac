"""Reads of the round and the annual reports, each scoped to the user (what the user may not see does not exist:
the page answers 404).

Who sees what: staff every round and report; the agency the rounds commissioned to it and their reports; a
recommending authority the reports of the bases whose lead unit it supervises (六.(一)), in rounds past draft that
include at least one of them (a round without any of its region's bases does not exist for it: 404);
a base's users their own base's reports: the lead unit's (牵头单位) applicant-role users, who file them, and the
partner units' (共建单位), who read them (the base's page shows both the base; only the lead unit edits, submits
or attaches: `rules.is_report_base`).
"""

from __future__ import annotations

from typing import Any

from django.db.models import Count, Q, QuerySet

from pilotbase.models import Base, BaseStatus, User
from pilotbase.rules import is_agency, is_applicant, is_authority, is_staff_side
from pilotbase.subqueries import InSubquery

from .models import AnnualReport, EvaluationRound, ReportState, RoundBase, RoundState
from .models.report import OPEN_REPORT_STATES


def rounds_visible(user: User) -> QuerySet[EvaluationRound]:
    qs = EvaluationRound.objects.select_related("agency")
    if is_staff_side(user):
        return qs
    if is_agency(user):
        return qs.filter(agency_id=user.organization_id)
    if is_authority(user):  # past draft, and only a round with one of its region's bases in it (else 404)
        region = RoundBase.objects.filter(included=True, base__lead_unit__authority_id=user.organization_id)
        return qs.exclude(state=RoundState.DRAFT).filter(pk__in=region.values("round_id"))
    return qs.none()


def round_managed(user: User) -> QuerySet[EvaluationRound]:
    """The rounds whose detail page the user may open: staff all, the agency its commissioned ones."""
    return (
        rounds_visible(user) if (is_staff_side(user) or is_agency(user)) else EvaluationRound.objects.none()
    )


def reports_visible(user: User) -> QuerySet[AnnualReport]:
    qs = AnnualReport.objects.select_related("round", "base__lead_unit")
    if is_staff_side(user):
        return qs
    if is_agency(user):
        return qs.filter(round__agency_id=user.organization_id)
    if is_authority(user):
        return qs.filter(base__lead_unit__authority_id=user.organization_id)
    if is_applicant(user):  # the lead unit files the report; its partner units (共建单位) read it
        return qs.filter(InSubquery("base_id", Base.ids_of_unit(user.organization_id)))
    return qs.none()


NOT_FILED = "not_filed"  # the filter value for "has not filed": drafts and returned reports
WAITING = "waiting"  # filed, awaiting the authority's confirmation or the agency's acceptance


def report_list(user: User, rnd: EvaluationRound, *, filters: dict[str, Any]) -> QuerySet[AnnualReport]:
    qs = reports_visible(user).filter(round=rnd)
    state = filters.get("state")
    if state == NOT_FILED:
        qs = qs.filter(state__in=OPEN_REPORT_STATES)
    elif state:
        qs = qs.filter(state=state)
    if filters.get("city"):
        qs = qs.filter(base__city=filters["city"])
    if filters.get("q"):
        q = filters["q"]
        qs = qs.filter(Q(base__name__contains=q) | Q(base__lead_unit__name__contains=q))
    return qs.order_by("base__city__order", "base__batch", "base_id")


def report_state_counts(qs: QuerySet[AnnualReport]) -> dict[str, int]:
    """Reports per state in `qs` (one query), plus the not-filed count and the total. ``COUNT(*)``: a round's
    counts are read from the index `annualreport_round_state` alone (no report row)."""
    counts = {row["state"]: row["n"] for row in qs.order_by().values("state").annotate(n=Count("*"))}
    counts[NOT_FILED] = sum(counts.get(s, 0) for s in OPEN_REPORT_STATES)
    counts[WAITING] = counts.get(ReportState.SUBMITTED, 0) + counts.get(ReportState.CONFIRMED, 0)
    counts["total"] = sum(n for s, n in counts.items() if s in ReportState.values)
    return counts


def round_entries(rnd: EvaluationRound) -> QuerySet[RoundBase]:
    """The round's bases, included first, for the round's page: the base joined (its batch orders them), the one
    who decided a change read for the page's rows only (joining the users hashed all of them: 11 → 3 ms)."""
    return rnd.round_bases.select_related("base").prefetch_related("decided_by").order_by(
        "-included", "base__batch", "base_id"
    )


def round_entry_tally(rnd: EvaluationRound) -> dict[str, int]:
    """The round's bases and how many of them are included: one aggregate."""
    return rnd.round_bases.aggregate(entries=Count("*"), included=Count("pk", filter=Q(included=True)))


def bases_addable(rnd: EvaluationRound) -> QuerySet[Base]:
    """Bases that may still be put into the round (not revoked, not already included)."""
    included = rnd.round_bases.filter(included=True).values("base_id")
    return (
        Base.objects.filter(state__in=[BaseStatus.ACTIVE, BaseStatus.RECTIFYING])
        .exclude(pk__in=included)
        .order_by("name")
    )


def bases_in(rnd: EvaluationRound) -> QuerySet[Base]:
    """Bases now included in the round."""
    return Base.objects.filter(round_entries__round=rnd, round_entries__included=True).order_by("name")
