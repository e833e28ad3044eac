"""The application PDF's closing page: the seal boxes stay with the attachment list, and the 推荐单位意见 box
prints the authority's opinion and date once it recommends (the PDF is rendered again for it)."""

import io

import pytest
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from applications.pdf import application_pdf_render
from pilotbase.formats import cn_date
from reviews.models import Recommendation
from reviews.services.recommendation import recommendation_recommend

pytestmark = pytest.mark.django_db

OPINION = "该基地条件具备，同意推荐。"


def pages(data: bytes) -> list[str]:
    return ["".join(page.extract_text().split()) for page in PdfReader(io.BytesIO(data)).pages]


def stored_pages(application) -> list[str]:
    application.refresh_from_db()
    with application.pdf.open("rb") as fh:
        return pages(fh.read())


def test_seal_boxes_share_the_last_page_with_the_attachment_list(submitted):
    assert application_pdf_render(application_id=submitted.pk) == "rendered"
    last = stored_pages(submitted)[-1]
    assert "附件清单" in last and "SHA-256" in last
    assert "申报单位意见" in last and "推荐单位意见" in last


def test_recommendation_prints_opinion_and_date_in_the_authority_box(submitted, authority_user):
    assert application_pdf_render(application_id=submitted.pk) == "rendered"
    assert OPINION not in stored_pages(submitted)[-1]
    recommendation_recommend(recommendation=Recommendation.objects.get(application=submitted), actor=authority_user,
                             opinion=OPINION)
    submitted.refresh_from_db()
    assert application_pdf_render(application_id=submitted.pk) == "rendered"  # same version, now with the opinion
    last = stored_pages(submitted)[-1]
    box = last[last.index("推荐单位意见"):]
    assert OPINION in box
    assert "".join(cn_date(timezone.localdate()).split()) in box
    assert authority_user.organization.name in box
    assert application_pdf_render(application_id=submitted.pk) == "exists"


def test_pdf_view_after_recommendation_serves_the_form_with_the_opinion(submitted, authority_user, login):
    application_pdf_render(application_id=submitted.pk)
    recommendation_recommend(recommendation=Recommendation.objects.get(application=submitted), actor=authority_user,
                             opinion=OPINION)
    response = login(authority_user).get(reverse("applications:pdf", args=[submitted.pk]))
    assert response.status_code == 200
    assert OPINION in pages(b"".join(response.streaming_content))[-1]
