"""The objection page's decision runs through run_action: done → the notice page; refused → the page again with
the reason."""

import pytest
from django.urls import reverse

from reviews.models import Objection, ObjectionState
from reviews.services import certification as svc

from .conftest import objection

pytestmark = pytest.mark.django_db


def test_dismissing_an_objection_from_its_page(login, published_notice, department_user):
    obj = objection(published_notice.entries.first())
    client = login(department_user)
    response = client.post(
        reverse("reviews:notice_objection_handle", args=[obj.pk]),
        {"decision": "dismiss", "resolution": "经核查，中试线已建成投用。"},
        follow=True,
    )
    assert response.redirect_chain[-1][0] == reverse("reviews:notice_detail", args=[published_notice.pk])
    assert "异议已处理。" in response.content.decode()
    assert Objection.objects.get(pk=obj.pk).state == ObjectionState.DISMISSED


def test_a_decision_someone_made_first_is_refused_on_the_page_with_theirs(
    login, published_notice, department_user
):
    obj = objection(published_notice.entries.first())
    svc.objection_uphold(
        objection=obj, actor=department_user, resolution="已由同事处理。"
    )  # someone was faster
    client = login(department_user)
    response = client.post(
        reverse("reviews:notice_objection_handle", args=[obj.pk]),
        {"decision": "dismiss", "resolution": "我写的处理意见"},
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert (
        "该记录已被他人处理" in html and "已由同事处理。" in html
    )  # the reason, and what the colleague decided
    assert Objection.objects.get(pk=obj.pk).state == ObjectionState.UPHELD
