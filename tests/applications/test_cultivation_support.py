"""相关培育支持: the applicant declares it in 经费与承诺; it is optional (earlier drafts stay submittable)."""

import pytest
from django.urls import reverse

from applications import services
from applications.models import CultivationSupport
from applications.snapshots import snapshot_build

pytestmark = pytest.mark.django_db


def _funding_post(**extra):
    data = {"funding_total": "1000000", "funding_self": "600000", "funding_requested": "400000",
            "commitment": "on", "save_draft": "1"}
    data.update(extra)
    return data


def test_funding_page_offers_the_declaration(client, applicant, draft):
    client.force_login(applicant)
    html = client.get(reverse("applications:edit", args=[draft.pk, "funding"])).content.decode()
    assert "相关培育支持" in html and "未获得相关培育支持" in html and "已获得相关培育支持" in html


def test_declaration_is_saved_and_kept_in_the_snapshot(client, applicant, draft):
    client.force_login(applicant)
    response = client.post(reverse("applications:edit", args=[draft.pk, "funding"]), _funding_post(
        cultivation_support="received", cultivation_support_note="2023年自治区培育项目50万元"))
    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.cultivation_support == CultivationSupport.RECEIVED
    assert draft.cultivation_support_note == "2023年自治区培育项目50万元"
    submitted = services.application_submit(application=draft, actor=applicant)
    text = str(snapshot_build(submitted))
    assert "已获得相关培育支持" in text


def test_a_bad_choice_is_refused_and_the_note_kept(client, applicant, draft):
    client.force_login(applicant)
    response = client.post(reverse("applications:edit", args=[draft.pk, "funding"]), _funding_post(
        cultivation_support="maybe", cultivation_support_note="输入的说明"))
    assert response.status_code == 200
    assert "输入的说明" in response.content.decode()
    draft.refresh_from_db()
    assert draft.cultivation_support == ""


def test_undeclared_draft_still_submits(applicant, draft):
    assert draft.cultivation_support == ""
    submitted = services.application_submit(application=draft, actor=applicant)
    assert submitted.state != "draft"
