"""The outbox sweeps and their settings, in the local mode (tasks inline): what beat would queue again."""

import subprocess
import sys
from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from applications.models import Application
from applications.pdf import application_pdf_sweep
from pilotbase.models import Delivery, DeliveryStatus
from pilotbase.notifications import delivery_send_now, mail_address
from tests import factories as f
from tests import pipeline

from .procs import BASE_DIR


def _pdf_lost(app):
    """As if the broker was down at submit: the version has no PDF (the render never ran)."""
    Application.objects.filter(pk=app.pk).update(pdf="", pdf_version=0)


def test_pdf_sweep_renders_a_version_left_without_its_pdf_once_stale(applicant, settings):
    app = pipeline.advance(
        f.ApplicationFactory(call=f.CallFactory(), applicant=applicant.organization), to="submitted"
    )
    _pdf_lost(app)
    settings.PILOTBASE_OUTBOX_STALE_MINUTES = 10
    assert application_pdf_sweep() == 0  # submitted just now: the queued render may still be on its way
    settings.PILOTBASE_OUTBOX_STALE_MINUTES = 0
    assert application_pdf_sweep() == 1
    app.refresh_from_db()
    assert app.pdf_version == app.version and app.pdf
    assert application_pdf_sweep() == 0  # nothing left


@pytest.mark.django_db
def test_a_send_claimed_by_a_dead_worker_is_taken_over_after_the_claim_time(settings):
    delivery = mail_address(to="unit@example.cn", template="generic", context={"title": "t", "message": "m"})
    mail.outbox.clear()
    Delivery.objects.filter(pk=delivery.pk).update(
        status=DeliveryStatus.SENDING, claimed_at=timezone.now(), attempts=1
    )  # a worker claimed it, then died
    assert delivery_send_now(delivery.pk) == "skipped"  # a live claim is never taken: no mail sent twice
    Delivery.objects.filter(pk=delivery.pk).update(
        claimed_at=timezone.now() - timedelta(seconds=settings.PILOTBASE_DELIVERY_CLAIM_SECONDS + 1)
    )
    assert delivery_send_now(delivery.pk) == "sent"
    assert len(mail.outbox) == 1


@pytest.mark.parametrize(
    "env",
    [
        {"PILOTBASE_DELIVERY_CLAIM_SECONDS": "30", "PILOTBASE_EMAIL_TIMEOUT": "30"},
        {"PILOTBASE_DELIVERY_CLAIM_SECONDS": "4000"},
        {"PILOTBASE_OUTBOX_SWEEP_SECONDS": "0"},
    ],
)
def test_fault_settings_out_of_order_stop_start_up(env):
    done = subprocess.run(
        [sys.executable, "-c", "import django; django.setup()"],
        cwd=BASE_DIR,
        capture_output=True,
        text=True,
        timeout=60,
        env={"PATH": "/usr/bin:/bin", "DJANGO_SETTINGS_MODULE": "pilotbase.settings", **env},
    )
    assert done.returncode == 1 and "ImproperlyConfigured" in done.stderr
