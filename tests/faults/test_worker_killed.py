"""A worker killed in the middle of a task: the message was acknowledged late (task_acks_late), so it is handed
out again — to another worker after the broker's visibility timeout when the whole worker died, at once when
only the pool's child died (task_reject_on_worker_lost) — and the task, being idempotent, sends one e-mail and
makes one certificate."""

import hashlib
import os
import signal
from datetime import timedelta

import pytest
from django.db import connection, transaction
from django.utils import timezone

from pilotbase.models import Certificate, CertificateState, Delivery, DeliveryStatus
from tests import factories as f
from tests import pipeline

from .procs import portal_env, run_portal, wait_for

pytestmark = [pytest.mark.faults, pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

MAIL = """
from django.db import transaction
from pilotbase.notifications import mail_address
with transaction.atomic():
    delivery = mail_address(to="unit@example.cn", template="generic", context={"title": "只发一次", "message": "m"})
print("DELIVERY", delivery.pk)
"""

CERTIFY = """
from applications.models import Application
from pilotbase.models import User
from reviews.services.certification import certification_run
notice = Application.objects.get(pk={app}).notice_entries.get().notice
created = certification_run(notice=notice, actor=User.objects.get(pk={actor}), certified_on=notice.ends_on)
print("CERTIFICATE", created[0].pk)
"""


def test_worker_killed_while_sending_a_mail_another_worker_sends_it_once(
    redis_server, smtp, workers, queue, tmp_path
):
    env = portal_env(redis_url=redis_server.url, var_dir=tmp_path, queue=queue, email_url=smtp.url)
    smtp.hang = True  # the first message is read and never answered: the worker is inside message.send()
    first = workers(env)
    done = run_portal(MAIL, env)
    assert done.returncode == 0, done.stderr
    delivery_id = int(done.stdout.split("DELIVERY ")[1])
    assert smtp.data_started.wait(30), first.text()
    assert Delivery.objects.get(pk=delivery_id).status == DeliveryStatus.SENDING

    first.kill()  # SIGKILL to the worker and its child: the message is neither acknowledged nor handed back
    smtp.release.set()
    assert smtp.messages == []
    # The broker's and the claim's waits are shortened (production: 3600 s and 600 s, in the same order): the
    # next worker is given a message unacknowledged for 3 s and takes over a send claimed more than 2 s ago.
    claimed_at = Delivery.objects.get(pk=delivery_id).claimed_at
    wait_for(
        lambda: timezone.now() - claimed_at > timedelta(seconds=3.5), timeout=10, what="the waits to pass"
    )
    second = workers(
        {
            **env,
            "PILOTBASE_BROKER_VISIBILITY_SECONDS": "3",
            "PILOTBASE_DELIVERY_CLAIM_SECONDS": "2",
            "PILOTBASE_EMAIL_TIMEOUT": "1",
        }
    )
    wait_for(
        lambda: Delivery.objects.get(pk=delivery_id).status == DeliveryStatus.SENT,
        timeout=30,
        what="the redelivered message to send the mail",
    )
    delivery = Delivery.objects.get(pk=delivery_id)
    assert (delivery.status, delivery.attempts) == (DeliveryStatus.SENT, 2)
    second.stop()
    assert [m["To"] for m in smtp.messages] == ["unit@example.cn"]
    assert [what for _, what in smtp.attempts] == ["hung", "data"]
    assert "pilotbase.delivery_send[" in second.text()  # the same message, redelivered (no beat runs here)


def _lock_waiters() -> set[int]:
    """Backends of other sessions waiting for a certificate's row lock (the render's conditional write)."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_stat_clear_snapshot()")  # a transaction otherwise sees one snapshot
        cursor.execute(
            "SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND pid <> "
            "pg_backend_pid() AND wait_event_type = 'Lock' AND query ILIKE %s",
            ['%FROM "pilotbase_certificate"%FOR UPDATE%'],
        )
        return {row[0] for row in cursor.fetchall()}


def test_pool_child_killed_while_rendering_a_certificate_one_certificate_is_made(
    applicant, redis_server, smtp, workers, queue, tmp_path
):
    app = f.ApplicationFactory(call=f.CallFactory(), applicant=applicant.organization)
    app = pipeline.advance(app, to="notice_closed")
    people = pipeline.People.for_application(app)
    env = portal_env(redis_url=redis_server.url, var_dir=tmp_path, queue=queue, email_url=smtp.url)
    done = run_portal(CERTIFY.format(app=app.pk, actor=people.department.pk), env)
    assert done.returncode == 0, done.stderr
    certificate_id = int(done.stdout.split("CERTIFICATE ")[1])
    with transaction.atomic():
        # Hold the certificate's row, then start the worker: its render ends at its conditional write under this lock.
        Certificate.objects.select_for_update().get(pk=certificate_id)
        worker = workers(env)
        killed = wait_for(_lock_waiters, timeout=40, what="the render to wait for the certificate's lock")
        [child] = worker.children()
        os.kill(child, signal.SIGKILL)  # only the pool's child, mid-task: the worker itself lives on
        wait_for(
            lambda: _lock_waiters() - killed, timeout=40, what="the redelivered render to reach the lock"
        )
    wait_for(
        lambda: Certificate.objects.get(pk=certificate_id).state == CertificateState.VALID,
        timeout=40,
        what="the certificate to be generated",
    )
    certificate = Certificate.objects.get()
    with certificate.pdf.open("rb") as handle:
        assert hashlib.sha256(handle.read()).hexdigest() == certificate.pdf_sha256
    assert (certificate.pk, certificate.sequence) == (certificate_id, 1)
    assert "signal 9" in worker.text()  # WorkerLostError: the message was rejected and requeued, not dropped
