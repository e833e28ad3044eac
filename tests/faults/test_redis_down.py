"""Redis down when an applicant submits: the submission is saved and answered at once; its e-mail and its PDF
wait in their tables (Delivery pending, the version without its PDF) and are delivered by the outbox sweeps
that beat runs once Redis is back (settings.CELERY_BEAT_SCHEDULE)."""

from email.header import decode_header, make_header

import pytest
from django.contrib.contenttypes.models import ContentType
from django.urls import reverse

from applications import services as intake
from applications.models import Application
from pilotbase.models import Delivery, DeliveryStatus, TransitionLog
from tests import factories as f
from tests import pipeline

from .procs import portal_env, run_portal, wait_for

pytestmark = [pytest.mark.faults, pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

SUBMIT_THROUGH_THE_VIEW = """
import time
from django.test import Client
from pilotbase.models import User
client = Client()
client.force_login(User.objects.get(pk={user}))
started = time.monotonic()
response = client.post("{url}", {{"expected_state": "draft"}})
print("RESULT", response.status_code, response.get("Location", ""), round(time.monotonic() - started, 2))
"""


def test_submit_with_redis_down_is_saved_and_its_mail_and_pdf_follow_once_redis_is_back(
    applicant, authority_user, redis_server, smtp, workers, queue, tmp_path
):
    app = f.ApplicationFactory(call=f.CallFactory(), applicant=applicant.organization)
    for requirement in app.required_attachments():
        intake.attachment_add(
            application=app,
            requirement=requirement,
            actor=applicant,
            uploaded_file=pipeline.pdf(f"{requirement.code}.pdf"),
        )
    env = portal_env(
        redis_url=redis_server.url,
        var_dir=tmp_path,
        queue=queue,
        email_url=smtp.url,
        PILOTBASE_OUTBOX_SWEEP_SECONDS="1",
        PILOTBASE_OUTBOX_STALE_MINUTES="0",
    )
    redis_server.stop()

    done = run_portal(
        SUBMIT_THROUGH_THE_VIEW.format(user=applicant.pk, url=reverse("applications:submit", args=[app.pk])),
        env,
    )
    assert done.returncode == 0, done.stderr
    status, location, seconds = done.stdout.split("RESULT ")[1].split()
    assert (status, location) == ("302", reverse("applications:detail", args=[app.pk]))
    assert float(seconds) < 10  # the broker's absence costs about a second, not a hung request
    assert "left for the outbox sweep" in done.stderr

    app.refresh_from_db()
    assert (app.state, app.version, bool(app.acceptance_no)) == ("submitted", 1, True)
    assert (
        TransitionLog.objects.filter(
            record_type=ContentType.objects.get_for_model(Application), record_id=app.pk, transition="submit"
        ).count()
        == 1
    )
    assert list(Delivery.objects.values_list("to_address", "status", "attempts")) == [
        (authority_user.email, DeliveryStatus.PENDING, 0)
    ]
    assert app.pdf_version == 0 and not app.pdf

    redis_server.start()
    worker = workers(env, beat=True)

    def delivered():
        app.refresh_from_db()
        return (
            app.pdf_version == app.version
            and not Delivery.objects.exclude(status=DeliveryStatus.SENT).exists()
        )

    wait_for(delivered, timeout=45, what="the mail and the PDF after Redis came back")
    delivery = Delivery.objects.get()
    assert (delivery.status, delivery.attempts) == (DeliveryStatus.SENT, 1)
    assert [(m["To"], str(make_header(decode_header(m["Subject"])))) for m in smtp.messages] == [
        (authority_user.email, delivery.subject)
    ]
    with app.pdf.open("rb") as handle:
        assert handle.read(5) == b"%PDF-"
    log = worker.text()
    assert (
        "pilotbase.deliveries_retry" in log and "applications.pdf_sweep" in log
    )  # sent by beat, run by the worker
