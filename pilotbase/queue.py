"""Queueing a task must never undo or fail the change that asked for it.

The work is already recorded in a table (a Delivery row, a submitted version without its PDF, a certificate
being generated) when it is queued after commit; if the broker is down, the publish fails within a second
(settings.CELERY_TASK_PUBLISH_RETRY_POLICY), is logged, and the outbox sweeps that beat runs queue it again once
the broker is back. In the local mode (tasks inline) the task runs here and its errors propagate as before.
"""

from __future__ import annotations

import logging
from typing import Any

log = logging.getLogger(__name__)


def enqueue(task: Any, **kwargs: Any) -> bool:
    """`task.delay(**kwargs)`; False (logged) when the broker cannot take the message."""
    if task.app.conf.task_always_eager:
        task.delay(**kwargs)
        return True
    try:
        task.delay(**kwargs)
    except Exception as exc:  # kombu.OperationalError, redis errors, DNS …: any failure to publish
        log.warning("broker unavailable, %s%r left for the outbox sweep: %s", task.name, kwargs, exc)
        return False
    return True


def deliveries_resend(*, delivery_ids: list[int]) -> int:
    """Staff's 重新发送 (admin) for mail that used up its tries: back to pending with its tries counted from zero
    (the last error stays until a send succeeds), queued after commit. Sent mail is never sent again."""
    from django.db import transaction

    from .models import Delivery, DeliveryStatus
    from .tasks import delivery_send

    with transaction.atomic():
        ids = list(
            Delivery.objects.select_for_update()
            .filter(pk__in=delivery_ids, status=DeliveryStatus.FAILED)
            .values_list("pk", flat=True)
        )
        Delivery.objects.filter(pk__in=ids).update(status=DeliveryStatus.PENDING, attempts=0)
        for pk in ids:
            transaction.on_commit(lambda pk=pk: enqueue(delivery_send, delivery_id=pk))
    return len(ids)
