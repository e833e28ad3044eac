"""What the public may read: calls once published (never drafts), the current notices."""

from __future__ import annotations

from typing import Any

from django.db.models import Case, OuterRef, Prefetch, Q, QuerySet, Subquery, When
from django.http import Http404
from django.utils import timezone

from applications.models import Call, CallState, RequiredAttachment
from evaluations.models import EvaluationResult, EvaluationRound, ResultSource
from evaluations.selectors_results import PUBLIC_STATES
from pilotbase.models import Base, Organization
from reviews.models import NoticeState
from reviews.selectors.certification import notices_public
from sharing.selectors import public_offerings


def _calls() -> QuerySet[Call]:
    return Call.objects.exclude(state=CallState.DRAFT)


def calls_current(at: Any = None) -> QuerySet[Call]:
    """Published calls not yet closed (open now or opening later), the nearest deadline first."""
    at = at or timezone.now()
    attachments = Prefetch("required_attachments", queryset=RequiredAttachment.objects.order_by("order", "id"))
    return (_calls().filter(state=CallState.PUBLISHED, closes_at__gt=at).prefetch_related(attachments)
            .order_by("closes_at", "id"))


def call_public_get(pk: int) -> Call:
    """A call the public may read: published or closed; a draft (or no such call) is a 404."""
    try:
        return _calls().prefetch_related("platform_types", "industries", "required_attachments").get(pk=pk)
    except Call.DoesNotExist as exc:
        raise Http404 from exc


def notices_latest(limit: int = 5) -> list:
    """The latest public notices, those still in their 公示期 first."""
    in_progress = Case(When(state=NoticeState.PUBLISHED, then=0), default=1)
    return list(notices_public().annotate(in_progress=in_progress).order_by("in_progress", "-starts_on", "-id")[:limit])


def with_public_services(qs: QuerySet[Base]) -> QuerySet[Base]:
    """Each base with its public catalogue entries as `public_services` (one query for the page)."""
    return qs.prefetch_related(Prefetch("service_offerings", queryset=public_offerings(), to_attr="public_services"))


def base_public_get(pk: int) -> Base:
    """A certified base's public page: its reference data, partner units, the latest published grade (imported, or
    of a round the public may read) and its public catalogue (none when revoked); no such base → 404."""
    published_years = EvaluationRound.objects.filter(state__in=PUBLIC_STATES).values("year")
    latest = (EvaluationResult.objects.filter(base=OuterRef("pk"))
              .filter(Q(source=ResultSource.IMPORTED) | Q(source=ResultSource.EVALUATED, year__in=published_years))
              .order_by("-year"))
    qs = (with_public_services(Base.objects.select_related("lead_unit", "certificate"))
          .prefetch_related(Prefetch("partner_units", queryset=Organization.objects.order_by("name")))
          .annotate(latest_grade_year=Subquery(latest.values("year")[:1]),
                    latest_grade=Subquery(latest.values("grade")[:1])))
    try:
        return qs.get(pk=pk)
    except Base.DoesNotExist as exc:
        raise Http404 from exc
