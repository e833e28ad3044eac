"""Reads of 整改 and 摘牌, scoped to the user: what a user may not see does not exist (404).

- Rectifications: staff all; a recommending authority its region's bases (its applicants' bases); a base's
  units (lead and partners) their own; an agency those opened from a 整改 grade of a round commissioned to it.
- Revocations: staff all (the list and the deliberation); the base's units and its authority only a confirmed
  one (the deliberation before it is internal).
"""

from __future__ import annotations

from typing import Any

from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet
from django.http import Http404

from pilotbase import registry
from pilotbase.models import Base
from pilotbase.rules import is_agency, is_applicant, is_authority, is_staff_side

from .models import (
    EvaluationResult,
    EvaluationRound,
    Grade,
    Rectification,
    RectificationFile,
    RectificationState,
    ResultSource,
    Revocation,
    RevocationState,
)
from .models.consequences import UNRESOLVED_REVOCATION


def _base_scope(user: Any, prefix: str = "base__") -> Q | None:
    """The bases `user` may read as a Q on `prefix` (None: all; Q(pk__in=[]): none)."""
    if is_staff_side(user):
        return None
    if is_authority(user):
        return Q(**{f"{prefix}lead_unit__authority_id": user.organization_id})
    if is_applicant(user):
        return Q(**{f"{prefix}lead_unit_id": user.organization_id}) | Q(
            **{f"{prefix}pk__in": Base.objects.filter(partner_units=user.organization_id).values("pk")}
        )
    return Q(pk__in=[])


def rectifications_visible_to(user: Any) -> QuerySet[Rectification]:
    qs = Rectification.objects.exclude(state=RectificationState.NEW).select_related("base__lead_unit", "result")
    if is_agency(user):  # the re-check of its rounds' 整改 grades (rules.is_rectification_agency)
        return qs.filter(
            result__source=ResultSource.EVALUATED,
            result__year__in=EvaluationRound.objects.filter(agency_id=user.organization_id).values("year"),
        )
    scope = _base_scope(user)
    return qs if scope is None else qs.filter(scope)


def rectification_get(user: Any, pk: int) -> Rectification:
    try:
        return (
            rectifications_visible_to(user)
            .prefetch_related(
                Prefetch("files", queryset=RectificationFile.objects.select_related("uploaded_by"))
            )
            .get(pk=pk)
        )
    except Rectification.DoesNotExist as exc:
        raise Http404 from exc


def _search(qs: QuerySet, q: str) -> QuerySet:
    q = (q or "").strip()
    return qs.filter(Q(base__name__icontains=q) | Q(base__lead_unit__name__icontains=q)) if q else qs


def rectification_list(user: Any, *, state: str = "", q: str = "") -> QuerySet[Rectification]:
    qs = _search(rectifications_visible_to(user), q)
    if state:
        qs = qs.filter(state=state)
    return qs.order_by("deadline", "id")


def results_awaiting_rectification() -> QuerySet[EvaluationResult]:
    """整改 grades of the portal's rounds without a rectification yet (imported ones were settled on paper)."""
    return (
        EvaluationResult.objects.filter(
            grade=Grade.RECTIFY, source=ResultSource.EVALUATED, rectification__isnull=True
        )
        .select_related("base__lead_unit")
        .order_by("-year", "base__name")
    )


def revocations_visible_to(user: Any) -> QuerySet[Revocation]:
    qs = Revocation.objects.exclude(state=RevocationState.NEW).select_related(
        "base__lead_unit", "base__certificate", "proposed_by", "confirmed_by"
    )
    scope = _base_scope(user)
    return qs if scope is None else qs.filter(scope, state=RevocationState.REVOKED)


def revocation_get(user: Any, pk: int) -> Revocation:
    try:
        return revocations_visible_to(user).get(pk=pk)
    except Revocation.DoesNotExist as exc:
        raise Http404 from exc


def revocation_list(user: Any, *, state: str = "", q: str = "") -> QuerySet[Revocation]:
    """Staff's revocation list: by default what waits (listed candidates and proposals)."""
    qs = _search(revocations_visible_to(user), q)
    qs = qs.filter(state=state) if state else qs.filter(state__in=UNRESOLVED_REVOCATION)
    return qs.order_by("state", "-listed_at", "-id")


def revocation_evidence(revocation: Revocation) -> list[dict]:
    """Both years' results (and their rectifications) behind a consecutive-fail listing."""
    if revocation.first_year is None:
        return []
    years = [revocation.first_year, revocation.second_year]
    results = {r.year: r for r in revocation.base.evaluation_results.filter(year__in=years)}
    rects: dict[int, list[Rectification]] = {}
    for rec in revocation.base.rectifications.filter(year__in=years).exclude(state=RectificationState.NEW):
        rects.setdefault(rec.year, []).append(rec)
    return [{"year": y, "result": results.get(y), "rectifications": rects.get(y, [])} for y in years]


def revocations_for_recovery() -> QuerySet[Revocation]:
    """Confirmed revocations flagged for recovering the regional funds (六.三): what the subsidies stage reads."""
    return (
        Revocation.objects.filter(state=RevocationState.REVOKED, recovery_flagged=True)
        .select_related("base")
        .order_by("revoked_on", "id")
    )


def base_consequences(base: Base, user: Any) -> dict:
    """A base's rectifications and revocations as `user` may see them (the base page's panel)."""
    none = registry.known_none
    return {
        "rectifications": [] if none(base, "rectification_has_rows") else
        list(rectifications_visible_to(user).filter(base=base).order_by("-year", "-id")),
        "revocations": [] if none(base, "revocation_has_rows") else
        list(revocations_visible_to(user).filter(base=base).order_by("-id")),
    }


def base_consequences_facts() -> dict[str, Any]:
    """Whether a base has any rectification or revocation at all (the base page reads them with the base)."""
    return {
        "rectification_has_rows": Exists(Rectification.objects.filter(base=OuterRef("pk"))),
        "revocation_has_rows": Exists(Revocation.objects.filter(base=OuterRef("pk"))),
    }
