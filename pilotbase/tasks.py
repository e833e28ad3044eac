"""Thin Celery tasks: fetch by id, call a service, retry on transient errors."""

from datetime import timedelta

from celery import shared_task
from django.conf import settings
from django.db.models import Q
from django.utils import timezone

from . import registry
from .models import Delivery, DeliveryStatus
from .notifications import MAX_ATTEMPTS, delivery_send_now
from .queue import enqueue


@shared_task(name="pilotbase.delivery_send", bind=True, max_retries=MAX_ATTEMPTS - 1)
def delivery_send(self, *, delivery_id: int) -> str:
    """Send one Delivery; a transport error is recorded on the row (status, attempts, last error: visible to
    staff in the admin) and tried again after 1, 2, 4, 8 × PILOTBASE_DELIVERY_RETRY_SECONDS."""
    try:
        return delivery_send_now(delivery_id)
    except Exception as exc:
        if self.request.is_eager:
            return "failed"
        countdown = settings.PILOTBASE_DELIVERY_RETRY_SECONDS * (2 ** self.request.retries)
        raise self.retry(exc=exc, countdown=countdown) from exc


@shared_task(name="pilotbase.deliveries_send")
def deliveries_send(*, delivery_ids: list[int]) -> int:
    """The mails one commit made together (a reminder sweep's part: up to 1,000), in one message: each claimed
    and sent as by delivery_send, so a redelivered message sends nothing twice. The first transport error stops
    the batch: the failed row and the rest wait for the outbox sweep (deliveries_retry), which queues them one
    by one with delivery_send's retries."""
    sent = 0
    for pk in delivery_ids:
        try:
            sent += delivery_send_now(pk) == "sent"
        except Exception:  # recorded on the row and logged by delivery_send_now
            break
    return sent


@shared_task(name="pilotbase.deliveries_retry")
def deliveries_retry() -> int:
    """The mail outbox sweep (beat, every PILOTBASE_OUTBOX_SWEEP_SECONDS): queue again mail left pending for
    PILOTBASE_OUTBOX_STALE_MINUTES (the broker was down at commit), failed with tries left, or claimed by a worker
    that died mid-send (claim older than PILOTBASE_DELIVERY_CLAIM_SECONDS). Sending claims each row once."""
    now = timezone.now()
    stale = now - timedelta(minutes=settings.PILOTBASE_OUTBOX_STALE_MINUTES)
    lost = now - timedelta(seconds=settings.PILOTBASE_DELIVERY_CLAIM_SECONDS)
    ids = list(
        Delivery.objects.filter(
            Q(status=DeliveryStatus.PENDING, created_at__lte=stale)
            | Q(status=DeliveryStatus.FAILED, attempts__lt=MAX_ATTEMPTS)
            | Q(status=DeliveryStatus.SENDING, claimed_at__lt=lost)
        ).values_list("pk", flat=True)[:500]
    )
    Delivery.objects.filter(pk__in=ids, status=DeliveryStatus.SENDING).update(status=DeliveryStatus.FAILED)
    return sum(enqueue(delivery_send, delivery_id=pk) for pk in ids)


@shared_task(name="pilotbase.reminders_sweep")
def reminders_sweep() -> int:
    """Runs every registered sweeper; each sends its reminders through remind_once (idempotent)."""
    return sum(sweeper() for sweeper in registry.sweepers())


@shared_task(name="pilotbase.ping", ignore_result=False)
def ping(*, value: int) -> int:
    """Used by /healthz checks and the production smoke test: proves a worker executes tasks."""
    return value * 2
