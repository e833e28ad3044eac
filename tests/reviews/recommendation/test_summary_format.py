"""The application summary the authority and the department read: numbers as the applicant sees them."""

from decimal import Decimal

import pytest
from django.conf import settings
from django.urls import reverse

from reviews.models import FormalCheck
from reviews.services.recommendation import recommendation_recommend

pytestmark = pytest.mark.django_db


@pytest.fixture
def check_page(submitted, authority_user, department_user, client):
    rec = submitted(site_area=Decimal("11500"), basis_level="regional", basis_kind="key_lab")
    recommendation_recommend(recommendation=rec, actor=authority_user, opinion="同意推荐。")
    from reviews.models import RecommendationBatch
    from reviews.services import recommendation as svc

    from .conftest import letter_pdf

    batch = RecommendationBatch.objects.get(authority=rec.authority)
    svc.batch_attach_letter(batch=batch, actor=authority_user, upload=letter_pdf())
    svc.batch_submit(batch=batch, actor=authority_user)
    check = FormalCheck.objects.get(application=rec.application)
    client.force_login(department_user)
    return reverse("reviews:fc_check", args=[check.pk])


def test_summary_area_has_thousands_separators(client, check_page):
    html = client.get(check_page).content.decode()
    assert html.split('id="summary-site-area">')[1].split("</dd>")[0] == "11,500.00 平方米"


def test_summary_basis_level_and_kind_are_separate_words_in_english(client, check_page):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    html = client.get(check_page).content.decode()
    assert "Regional level · Key laboratory" in html
    assert "Regional levelKey laboratory" not in html
