"""A real Celery worker (in a thread) consuming from Redis: mail queued after commit is sent by it."""

import pytest
from celery.contrib.testing.worker import start_worker
from django.core import mail

from pilotbase.celery import app
from pilotbase.models import Delivery, DeliveryStatus
from pilotbase.notifications import notify
from pilotbase.tasks import ping

pytestmark = [pytest.mark.celery_worker, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def worker(settings):
    settings.CELERY_TASK_ALWAYS_EAGER = False
    app.conf.task_always_eager = False
    queue = f"test-{id(settings)}"
    app.conf.task_default_queue = queue
    with start_worker(app, pool="solo", concurrency=1, perform_ping_check=False, queues=[queue],
                      shutdown_timeout=10):
        yield
    app.conf.task_default_queue = settings.CELERY_TASK_DEFAULT_QUEUE


def test_worker_executes_task_sent_through_broker(worker):
    assert ping.delay(value=21).get(timeout=20) == 42


def test_worker_sends_mail_enqueued_after_commit(worker, applicant):
    notify(recipients=[applicant], kind="test", template="generic",
           context={"title": "经由队列发送", "message": "worker"}, url="")
    import time

    deadline = time.monotonic() + 20
    while time.monotonic() < deadline and Delivery.objects.filter(status=DeliveryStatus.SENT).count() == 0:
        time.sleep(0.2)
    assert Delivery.objects.get().status == DeliveryStatus.SENT
    assert [m.subject for m in mail.outbox] == ["【广西科技成果转化中试研究基地管理平台】经由队列发送"]
