"""Reads of the certified bases for the base list, the base's page and the programme dashboard, scoped to the
user who asks (what the user may not see does not exist: 404).

Who sees a base:
- department staff and the system administrator: every base;
- a recommending authority: the bases of its region, i.e. whose lead unit is one of its applicant units, or
  whose application it recommended (the same authority in practice; the second covers a unit moved since);
- an applicant unit's users: the bases their unit leads or co-builds (牵头单位 / 共建单位);
- whoever later stages open a base to through `pilotbase.registry.register_reader(Base, …)`;
- nobody else (experts, agencies, other units, other authorities).
Kept in its own module beside `selectors.py` so the stages of issue 8 can grow their reads without one file
for all.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Count, FilteredRelation, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import ExtractYear
from django.http import Http404

from pilotbase import registry
from pilotbase.models import Base, BaseStatus, City, Industry, Role
from pilotbase.subqueries import InSubquery

from .models import EvaluationResult, EvaluationState, ReportState, RoundState
from .selectors_rounds import rounds_visible

LIST_RELATED = ("lead_unit", "certificate")


def bases_visible_to(user: Any) -> QuerySet[Base]:
    qs = Base.objects.all()
    if not getattr(user, "is_authenticated", False):
        return qs.none()
    if user.role in (Role.DEPARTMENT, Role.ADMIN) or user.is_superuser:
        return qs
    org = user.organization_id
    own = Q(pk__in=[])
    if org and user.role == Role.APPLICANT:
        partner_of = Base.partner_units.through.objects.filter(organization_id=org).values("base_id")
        own = Q(lead_unit_id=org) | InSubquery("pk", partner_of)
    elif org and user.role == Role.AUTHORITY:
        own = Q(lead_unit__authority_id=org) | Q(application__authority_id=org)
    for extra in registry.readable_extra(Base, user):
        own |= Q(pk__in=extra.values("pk"))
    return qs.filter(own)


def base_for(user: Any, pk: int, **annotations: Any) -> Base:
    """The base's page: one base the user may see, with what the page shows in the same query (its application
    with its call and authority, the facts of the later stages' panels, the page's own `annotations`); else 404."""
    qs = bases_visible_to(user).select_related(*LIST_RELATED, "lead_unit__authority", "application__call",
                                              "application__authority")
    base = registry.with_detail_facts(Base, qs).annotate(**annotations).filter(pk=pk).first()
    if base is None:
        raise Http404
    return base


def _latest(field: str) -> Subquery:
    return Subquery(EvaluationResult.objects.filter(base=OuterRef("pk")).order_by("-year").values(field)[:1])


def base_list(user: Any, *, filters: dict[str, Any] | None = None) -> QuerySet[Base]:
    """The list's rows: scoped, filtered, with the related rows, the partners (one prefetch) and the latest
    year's result (two subqueries) in constant queries."""
    filters = filters or {}
    qs = bases_visible_to(user).select_related(*LIST_RELATED).prefetch_related("partner_units")
    q = (filters.get("q") or "").strip()
    if q:
        partners = Base.partner_units.through.objects.filter(organization__name__icontains=q).values(
            "base_id"
        )
        qs = qs.filter(
            Q(name__icontains=q)
            | Q(lead_unit__name__icontains=q)
            | Q(pk__in=partners)
            | Q(certificate__number__icontains=q)
        )
    for key in ("state", "city", "industry", "platform_type", "batch"):
        if filters.get(key):
            qs = qs.filter(**{key: filters[key]})
    qs = qs.annotate(latest_year=_latest("year"), latest_grade=_latest("grade"))
    return qs.order_by(*SORTS.get(filters.get("sort") or "", SORTS[""]))


SORTS = {
    "": ("batch", "certified_on", "id"),
    "-certified": ("-certified_on", "-id"),
    "name": ("name", "id"),
    "city": ("city__order", "city_id", "batch", "id"),
}


def base_state_counts(qs: QuerySet[Base]) -> list[tuple[str, str, int]]:
    """(state, label, count) of a (filtered) list: the counts strip, summing to the total. ``COUNT(*)`` like the
    other strips; no index of its own: the 3,000 bases are 72 pages (0.6 ms)."""
    rows = dict(qs.order_by().values_list("state").annotate(n=Count("*")))
    return [(value, label, rows[value]) for value, label in BaseStatus.choices if rows.get(value)]


def base_batches(user: Any) -> list[int]:
    return list(bases_visible_to(user).order_by("batch").values_list("batch", flat=True).distinct())


# ---- the programme dashboard: every figure one aggregated query ---------------------------------------------
def _per(scope: QuerySet[Base], field: str, items: QuerySet) -> list[tuple[Any, int]]:
    """(item, number of bases not revoked) for every active reference item, zeros included, in its order;
    an inactive item still holding bases is kept."""
    counts = dict(
        scope.exclude(state=BaseStatus.REVOKED).order_by().values_list(field).annotate(n=Count("id"))
    )
    return [(item, counts.get(item.pk, 0)) for item in items if item.is_active or counts.get(item.pk)]


def bases_per_city(scope: QuerySet[Base]) -> list[tuple[City, int]]:
    return _per(scope, "city", City.objects.order_by("order", "id"))


def bases_per_industry(scope: QuerySet[Base]) -> list[tuple[Industry, int]]:
    return _per(scope, "industry", Industry.objects.order_by("order", "id"))


def certified_per_year(scope: QuerySet[Base]) -> dict[int, int]:
    """Bases certified in each year (revoked ones included: they were certified)."""
    return dict(
        scope.order_by().annotate(y=ExtractYear("certified_on")).values_list("y").annotate(n=Count("id"))
    )


def state_totals(scope: QuerySet[Base]) -> dict[str, int]:
    return dict(scope.order_by().values_list("state").annotate(n=Count("id")))


def grades_per_year(scope: QuerySet[Base]) -> dict[int, dict[str, int]]:
    """year → grade → number of bases, from every year's result (imported or evaluated)."""
    out: dict[int, dict[str, int]] = {}
    rows = (
        EvaluationResult.objects.filter(base__in=scope.values("pk"))
        .order_by()
        .values_list("year", "grade")
        .annotate(n=Count("id"))
    )
    for year, grade, n in rows:
        out.setdefault(year, {})[grade] = n
    return out


# ---- the programme dashboard: the current round's progress ---------------------------------------------------
def dashboard_round(user: Any) -> Any:
    """The round whose progress the dashboard shows: the latest year past 筹备中 and not yet 已结束 that the
    user may see (`selectors_rounds.rounds_visible`), or None (no panel)."""
    return (
        rounds_visible(user)
        .exclude(state__in=[RoundState.DRAFT, RoundState.CLOSED])
        .order_by("-year", "-id")
        .first()
    )


PROGRESS_STEPS = ("included", "filed", "confirmed", "accepted", "scored", "graded")


def round_progress(scope: QuerySet[Base], rnd: Any) -> dict[str, int]:
    """How far the round's bases in `scope` are, in one aggregated query over the round's included entries
    (each joined to its one report of the round and that report's one evaluation):
    included; filed (submitted, confirmed or accepted: a returned or late report is not); confirmed by the
    authority (confirmed, or accepted after a confirmation); accepted; scored (the evaluation scored or its grade
    confirmed); graded (staff confirmed the grade)."""
    filed = [ReportState.SUBMITTED, ReportState.CONFIRMED, ReportState.ACCEPTED]
    rows = (
        rnd.round_bases.filter(included=True, base__in=scope.values("pk"))
        .annotate(rep=FilteredRelation("base__annual_reports", condition=Q(base__annual_reports__round=rnd)))
        .aggregate(
            included=Count("id"),
            filed=Count("rep", filter=Q(rep__state__in=filed)),
            confirmed=Count(
                "rep",
                filter=Q(rep__state=ReportState.CONFIRMED)
                | Q(rep__state=ReportState.ACCEPTED, rep__confirmed_at__isnull=False),
            ),
            accepted=Count("rep", filter=Q(rep__state=ReportState.ACCEPTED)),
            scored=Count(
                "rep__evaluation",
                filter=Q(rep__evaluation__state__in=[EvaluationState.SCORED, EvaluationState.CONFIRMED]),
            ),
            graded=Count("rep__evaluation", filter=Q(rep__evaluation__state=EvaluationState.CONFIRMED)),
        )
    )
    return {step: rows[step] or 0 for step in PROGRESS_STEPS}
