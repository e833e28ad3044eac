"""What the public may read: calls once published (never drafts), the current notices."""

from __future__ import annotations

from typing import Any

from django.db.models import Case, Prefetch, QuerySet, When
from django.http import Http404
from django.utils import timezone

from applications.models import Call, CallState, RequiredAttachment
from reviews.models import NoticeState
from reviews.selectors.certification import notices_public


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
