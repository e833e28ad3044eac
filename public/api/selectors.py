"""What the API reads: the public pages' querysets, annotated so that every list costs the same queries whatever
its length (tests/public/test_api_queries.py).

Bases: every certified base with its status (the base's own state, so a revoked base is never "active"); the list
view leaves revoked ones out unless asked for them (?status=revoked, with the date), as the public 名单 does, and a
revoked base's own record stays readable (an open-data user must be able to learn that a base lost its title).
Notices: published or closed (never a draft), without objections. Results: published or closed rounds only.
"""

from __future__ import annotations

from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db.models import Count, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.http import Http404

from applications.models import Partner
from evaluations.models import EvaluationResult, EvaluationRound, Rectification, ResultSource, Revocation
from evaluations.models.consequences import UNRESOLVED_RECTIFICATION, RevocationState
from evaluations.selectors_results import PUBLIC_STATES
from pilotbase.models import Base, BaseStatus, Certificate, Organization, TransitionLog
from reviews.models import NoticeEntry, NoticeEntryState, PublicNotice
from reviews.selectors.certification import notices_public
from sharing.selectors import public_offerings


def _published_grades() -> QuerySet[EvaluationResult]:
    """Grades the public may read: imported ones (published before the portal) and those of published rounds."""
    published_years = EvaluationRound.objects.filter(state__in=PUBLIC_STATES).values("year")
    return EvaluationResult.objects.filter(
        Q(source=ResultSource.IMPORTED) | Q(source=ResultSource.EVALUATED, year__in=published_years))


def bases(filters: dict[str, Any] | None = None) -> QuerySet[Base]:
    filters = filters or {}
    open_rect = Rectification.objects.filter(base=OuterRef("pk"), state__in=UNRESOLVED_RECTIFICATION).order_by("-id")
    revocation = Revocation.objects.filter(base=OuterRef("pk"), state=RevocationState.REVOKED).order_by("-id")
    latest = _published_grades().filter(base=OuterRef("pk")).order_by("-year")
    qs = (
        Base.objects.select_related("lead_unit", "certificate")
        .prefetch_related(Prefetch("partner_units", queryset=Organization.objects.only("id", "name").order_by("name")))
        .annotate(
            rectifying_since=Subquery(open_rect.values("opened_at")[:1]),
            rectification_deadline=Subquery(open_rect.values("deadline")[:1]),
            revoked_on=Coalesce(Subquery(revocation.values("revoked_on")[:1]), "certificate__revoked_on"),
            latest_grade_year=Subquery(latest.values("year")[:1]),
            latest_grade=Subquery(latest.values("grade")[:1]),
        )
    )
    qs = _with_services(qs)
    if filters.get("q"):
        q = filters["q"]
        qs = qs.filter(Q(name__icontains=q) | Q(lead_unit__name__icontains=q) | Q(certificate__number__icontains=q)
                       | Q(pk__in=Base.objects.filter(partner_units__name__icontains=q).values("pk")))
    for key, lookup in (("city", "city__code"), ("industry", "industry__code"), ("status", "state"),
                        ("batch", "batch"), ("year", "certified_on__year")):
        if filters.get(key) not in (None, ""):
            qs = qs.filter(**{lookup: filters[key]})
    return qs.order_by("-certified_on", "batch", "id")


def _with_services(qs: QuerySet[Base]) -> QuerySet[Base]:
    """The catalogue's public entries (`sharing.selectors.public_offerings`: not hidden, of a base not revoked)."""
    return qs.prefetch_related(Prefetch("service_offerings", queryset=public_offerings(), to_attr="public_services"))


def base_get(pk: int) -> Base:
    try:
        return bases().get(pk=pk)
    except Base.DoesNotExist as exc:
        raise Http404 from exc


def notices_list() -> QuerySet[PublicNotice]:
    return notices_public().select_related("call", "evaluation_round")


def notices() -> QuerySet[PublicNotice]:
    """With their public lines: applications (拟认定名单) or bases (考核结果公示), removed lines left out."""
    entries = (NoticeEntry.objects.exclude(state=NoticeEntryState.REMOVED)
               .select_related("application__applicant", "application__authority", "base__lead_unit")
               .prefetch_related(Prefetch("application__partners",
                                          queryset=Partner.objects.select_related("organization").order_by("id")),
                                 Prefetch("base__partner_units", queryset=Organization.objects.order_by("name")))
               .order_by("order", "id"))
    return notices_list().prefetch_related(Prefetch("entries", queryset=entries, to_attr="public_entries"))


def notice_get(pk: int) -> PublicNotice:
    try:
        return notices().get(pk=pk)
    except PublicNotice.DoesNotExist as exc:
        raise Http404 from exc


def rounds() -> QuerySet[EvaluationRound]:
    published_at = (TransitionLog.objects.filter(record_type=ContentType.objects.get_for_model(EvaluationRound),
                                                 record_id=OuterRef("pk"), transition="publish")
                    .order_by("-at").values("at")[:1])
    return (EvaluationRound.objects.filter(state__in=PUBLIC_STATES)
            .annotate(base_count=Count("round_bases", filter=Q(round_bases__included=True)),
                      published_at=Subquery(published_at))
            .order_by("-year"))


def round_get(year: int) -> EvaluationRound:
    try:
        return rounds().get(year=year)
    except EvaluationRound.DoesNotExist as exc:
        raise Http404 from exc


def certificate_by_number(number: str) -> Certificate:
    if "\x00" in number:  # no number has one, and PostgreSQL cannot compare it (a 500 instead of the 404)
        raise Http404
    try:
        return Certificate.objects.select_related("base__lead_unit").get(
            number=number.strip())
    except Certificate.DoesNotExist as exc:
        raise Http404 from exc


__all__ = ["BaseStatus", "bases", "base_get", "notices", "notices_list", "notice_get", "rounds", "round_get",
           "certificate_by_number", "public_offerings"]
