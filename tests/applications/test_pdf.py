import io

import pytest
from pypdf import PdfReader

from applications.tasks import render_application_pdf

pytestmark = pytest.mark.django_db


def test_pdf_task_renders_unit_name_and_acceptance_no(submitted):
    assert render_application_pdf.delay(application_id=submitted.pk).get() == "rendered"
    submitted.refresh_from_db()
    assert submitted.pdf_version == 1
    with submitted.pdf.open("rb") as fh:
        data = fh.read()
    assert data[:5] == b"%PDF-"
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)
    assert submitted.applicant.name in text
    assert submitted.acceptance_no in text


def test_pdf_task_same_version_does_nothing(submitted):
    render_application_pdf.delay(application_id=submitted.pk)
    assert render_application_pdf.delay(application_id=submitted.pk).get() == "exists"


def test_pdf_task_draft_not_rendered(draft):
    assert render_application_pdf.delay(application_id=draft.pk).get() == "not-submitted"


def test_submitted_while_reading_in_english_the_record_and_its_pdf_stay_chinese(draft, applicant):
    from django.utils import translation

    from applications import services

    translation.activate("en")
    app = services.application_submit(application=draft, actor=applicant)
    assert translation.get_language() == "en"  # the request's language is left as it was
    sections = app.snapshots.get(version=1).data["sections"]
    assert sections[0]["label"] == "基本信息"
    assert render_application_pdf.delay(application_id=app.pk).get() in {"rendered", "exists"}
    app.refresh_from_db()
    with app.pdf.open("rb") as fh:
        text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(fh.read())).pages)
    assert "基本信息" in text and "Basic information" not in text
