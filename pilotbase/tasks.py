"""Thin Celery tasks: fetch by id, call a service, retry on transient errors."""

from datetime import timedelta

from celery import shared_task
from django.db.models import Q
from django.utils import timezone

from . import registry
from .models import Delivery, DeliveryStatus
from .notifications import MAX_ATTEMPTS, delivery_send_now


@shared_task(name="pilotbase.delivery_send", bind=True, max_retries=MAX_ATTEMPTS - 1, default_retry_delay=60)
def delivery_send(self, *, delivery_id: int) -> str:
    try:
        return delivery_send_now(delivery_id)
    except Exception as exc:
        if self.request.is_eager:
            return "failed"
        raise self.retry(exc=exc, countdown=60 * (2 ** self.request.retries)) from exc


@shared_task(name="pilotbase.deliveries_retry")
def deliveries_retry() -> int:
    """Re-enqueue mail left pending or failed (e.g. the broker was down at commit time)."""
    stale = timezone.now() - timedelta(minutes=10)
    ids = list(
        Delivery.objects.filter(
            Q(status=DeliveryStatus.PENDING, created_at__lt=stale)
            | Q(status=DeliveryStatus.FAILED, attempts__lt=MAX_ATTEMPTS)
            | Q(status=DeliveryStatus.SENDING, claimed_at__lt=stale)
        ).values_list("pk", flat=True)[:500]
    )
    Delivery.objects.filter(pk__in=ids, status=DeliveryStatus.SENDING).update(status=DeliveryStatus.FAILED)
    for pk in ids:
        delivery_send.delay(delivery_id=pk)
    return len(ids)


@shared_task(name="pilotbase.reminders_sweep")
def reminders_sweep() -> int:
    """Runs every registered sweeper; each sends its reminders through remind_once (idempotent)."""
    return sum(sweeper() for sweeper in registry.sweepers())


@shared_task(name="pilotbase.ping")
def ping(*, value: int) -> int:
    """Used by /healthz checks and the production smoke test: proves a worker executes tasks."""
    return value * 2
