"""Fixtures of 初审推荐 / 形式审查: submitted applications through the real intake service."""

from datetime import timedelta

import pytest
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from applications.models import Attachment
from applications.services import application_submit
from reviews.models import Recommendation, RecommendationBatch
from reviews.services import recommendation as svc
from tests import factories as f

PDF_BYTES = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG_BYTES = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def letter_pdf(name: str = "推荐函.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, PDF_BYTES, content_type="application/pdf")


def submit_new(*, user, call, **fields):
    """A complete application of the user's unit, with its attachments, submitted through the intake service."""
    app = f.ApplicationFactory(call=call, applicant=user.organization, **fields)
    for req in app.required_attachments():
        Attachment.objects.create(
            application=app, requirement=req, file=ContentFile(PDF_BYTES, name=f"{req.code}.pdf"),
            original_name=f"{req.name}.pdf", size=len(PDF_BYTES), content_type="application/pdf",
            sha256="0" * 64, uploaded_by=user)
    application_submit(application=app, actor=user)
    app.refresh_from_db()
    return app


def rec_of(app) -> Recommendation:
    return Recommendation.objects.select_related("application", "authority", "batch").get(application=app)


@pytest.fixture
def call(db):
    return f.CallFactory()


@pytest.fixture
def submitted(applicant, call):
    """Returns a function: submitted(**fields) → a pending Recommendation of `applicant` under 南宁."""

    def make(**fields):
        return rec_of(submit_new(user=applicant, call=call, **fields))

    return make


@pytest.fixture
def rec(submitted):
    return submitted()


@pytest.fixture
def recommended(rec, authority_user):
    svc.recommendation_recommend(recommendation=rec, actor=authority_user, opinion="条件具备，同意推荐。")
    return rec_of(rec.application)


@pytest.fixture
def forwarded(recommended, authority_user, department_user):
    """A batch sent with a letter: the recommendation is forwarded and a formal check is pending."""
    batch = RecommendationBatch.objects.get(pk=recommended.batch_id)
    svc.batch_attach_letter(batch=batch, actor=authority_user, upload=letter_pdf())
    svc.batch_submit(batch=batch, actor=authority_user)
    return rec_of(recommended.application)


@pytest.fixture
def past_deadline(call):
    def close():
        type(call).objects.filter(pk=call.pk).update(recommendation_deadline=timezone.now() - timedelta(minutes=1))
        call.refresh_from_db()

    return close


def results_for(app, ok=True, failed_note=""):
    items = list(app.call.check_items.all())
    out = {str(i.pk): {"ok": True, "note": ""} for i in items}
    if not ok:
        out[str(items[0].pk)] = {"ok": False, "note": failed_note}
    return out
