"""PDF tasks: time limits, and one render queued per version however often a missing PDF is asked for."""

import uuid

import pytest
from celery.exceptions import SoftTimeLimitExceeded
from django.urls import reverse

from applications import tasks
from applications.pdf import application_pdf_key
from pilotbase.celery import app
from pilotbase.documents import pdf_render_pending, pdf_render_release
from reviews.tasks.certification import render_certificate

pytestmark = pytest.mark.django_db


@pytest.fixture
def broker(settings):
    """Tasks go to the broker (memory://, or Redis in CI) on a queue of this test; no worker consumes it."""
    name = f"test-pdf-{uuid.uuid4().hex}"
    settings.CELERY_TASK_ALWAYS_EAGER = False
    app.conf.task_always_eager = False
    app.conf.task_default_queue = name

    def queued() -> int:
        with app.connection_for_write() as conn:
            return conn.default_channel.queue_declare(queue=name, passive=True).message_count

    yield queued
    with app.connection_for_write() as conn:
        conn.default_channel.queue_delete(name)
    app.conf.task_default_queue = settings.CELERY_TASK_DEFAULT_QUEUE


def test_pdf_tasks_have_soft_and_hard_time_limits(settings):
    for task in (tasks.render_application_pdf, render_certificate):
        assert (task.soft_time_limit, task.time_limit) == (settings.PILOTBASE_PDF_SOFT_TIME_LIMIT,
                                                           settings.PILOTBASE_PDF_TIME_LIMIT)
        assert 0 < task.soft_time_limit < task.time_limit


def test_missing_pdf_viewed_three_times_queues_one_render(submitted, applicant, login, broker):
    key = application_pdf_key(submitted.pk, submitted.version)
    client = login(applicant)
    try:
        for _ in range(3):
            response = client.get(reverse("applications:pdf", args=[submitted.pk]))
            assert response.status_code == 200
            assert response.templates[0].name == "applications/pdf_pending.html"
        assert broker() == 1
        assert pdf_render_pending(key)
    finally:
        pdf_render_release(key)


def test_inline_mode_view_renders_in_the_request_and_clears_the_mark(submitted, applicant, login):
    response = login(applicant).get(reverse("applications:pdf", args=[submitted.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert b"".join(response.streaming_content)[:5] == b"%PDF-"
    assert not pdf_render_pending(application_pdf_key(submitted.pk, submitted.version))


def test_submit_claims_the_version_so_a_view_right_after_queues_nothing_more(draft, applicant, login, broker,
                                                                              django_capture_on_commit_callbacks):
    from applications import services

    with django_capture_on_commit_callbacks(execute=True):
        app_ = services.application_submit(application=draft, actor=applicant)
    key = application_pdf_key(app_.pk, app_.version)
    try:
        login(applicant).get(reverse("applications:pdf", args=[app_.pk]))
        assert broker() == 1
    finally:
        pdf_render_release(key)


def test_render_over_its_soft_time_limit_is_not_retried_and_clears_the_mark(submitted, monkeypatch):
    def too_slow(**kwargs):
        raise SoftTimeLimitExceeded()

    monkeypatch.setattr(tasks, "application_pdf_render", too_slow)  # stands in for the worker's timer signal
    key = application_pdf_key(submitted.pk, submitted.version)
    assert tasks.render_application_pdf.delay(application_id=submitted.pk, version=submitted.version).get() == "timeout"
    assert not pdf_render_pending(key)

