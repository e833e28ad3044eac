"""User audit: the return opinion on the edit pages, one error banner, the department's open-calls badge,
the completeness page's fix links (the lead unit as its own partner: test_partner_picker.py)."""

import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from applications import hooks, services
from applications.models import ApplicationState, Call
from tests import factories as f

from .conftest import attach_all

pytestmark = pytest.mark.django_db


def _html(response) -> str:
    assert response.status_code == 200
    return response.content.decode()


# ---- 2. the return opinion while revising ----------------------------------------------------------------
def _return(app, actor, opinion):
    """退回修改 through the authority's service (the review record and the application move together)."""
    from reviews.models import Recommendation
    from reviews.services.recommendation import recommendation_return

    recommendation_return(recommendation=Recommendation.objects.get(application=app), actor=actor, opinion=opinion)
    app.refresh_from_db()
    return app


@pytest.mark.parametrize("section", ["basic", "attachments"])
def test_edit_page_shows_the_latest_return_opinion(client, applicant, authority_user, submitted, section):
    app = _return(submitted, authority_user, "请补充近三年对外中试服务合同清单。")
    client.force_login(applicant)
    html = _html(client.get(reverse("applications:edit", args=[app.pk, section])))
    box = re.search(r'<div[^>]*id="return-opinion".*?</div>', html, re.S).group(0)
    assert "请补充近三年对外中试服务合同清单。" in box
    assert authority_user.organization.name in box


def test_no_return_opinion_on_a_draft(client, applicant, draft):
    client.force_login(applicant)
    assert 'id="return-opinion"' not in _html(client.get(reverse("applications:edit", args=[draft.pk, "basic"])))


def test_return_opinion_is_the_latest_one(client, applicant, authority_user, submitted):
    from applications import services

    app = _return(submitted, authority_user, "第一次退回意见")
    app = services.application_submit(application=app, actor=applicant, expected_state=ApplicationState.RETURNED)
    app = _return(app, authority_user, "第二次退回意见")
    client.force_login(applicant)
    html = _html(client.get(reverse("applications:edit", args=[app.pk, "basic"])))
    assert "第二次退回意见" in html and "第一次退回意见" not in html


# ---- 3. one error banner; the row number is translatable ----------------------------------------------------
def test_section_errors_show_one_banner(client, applicant, draft):
    client.force_login(applicant)
    data = {"equipment-TOTAL_FORMS": "1", "equipment-INITIAL_FORMS": "0", "equipment-0-name": "设备",
            "equipment-0-quantity": "abc", "save": "1"}
    html = _html(client.post(reverse("applications:edit", args=[draft.pk, "capability"]), data))
    assert "请修改以下错误" in html
    assert "有填写错误" not in html
    assert html.count('class="alert alert-danger') == 1


def test_row_error_reads_row_n_in_the_error_summary():
    from django.template.loader import render_to_string

    from applications.forms import EquipmentFormSet

    app = f.ApplicationFactory(rows=False)
    fs = EquipmentFormSet({"equipment-TOTAL_FORMS": "1", "equipment-INITIAL_FORMS": "0", "equipment-0-name": "x",
                           "equipment-0-quantity": "abc"}, instance=app, prefix="equipment")
    assert not fs.is_valid()
    ctx = {"has_errors": True, "form": None, "formsets": [("equipment", "仪器设备", fs)]}
    assert "仪器设备 第1行 " in render_to_string("applications/_form_errors.html", ctx)
    with open("applications/templates/applications/_form_errors.html", encoding="utf-8") as fh:
        source = fh.read()
    assert re.search(r"\{% blocktrans[^%]*%\}第\{\{ \w+ \}\}行\{% endblocktrans %\}", source)


# ---- 4. the department's open-calls badge ----------------------------------------------------------------
def test_open_calls_panel_counts_calls_and_lists_submitted_per_call(department_user, applicant):
    now = timezone.now()
    first = f.CallFactory(title="2026年第一批")
    f.CallFactory(title="2026年第二批")
    Call.objects.filter(pk__in=[c.pk for c in Call.objects.all()]).update(
        opens_at=now - timedelta(days=1), closes_at=now + timedelta(days=10))
    for _i in range(3):
        unit = f.ApplicantUserFactory(organization=f.ApplicantOrgFactory())
        app = f.ApplicationFactory(call=first, applicant=unit.organization)
        attach_all(app, unit)
        services.application_submit(application=app, actor=unit)
    panel = hooks.department_calls_panel(department_user)
    assert panel.count == 2
    labels = [i["label"] for i in panel.items]
    assert "2026年第一批：已提交 3 份" in labels and "2026年第二批：已提交 0 份" in labels


# ---- 5. fix links from the completeness page come back to it ------------------------------------------------
def test_completeness_fix_links_carry_next_and_keep_the_anchor(client, applicant, call):
    app = f.ApplicationFactory(call=call, applicant=applicant.organization, summary="")
    client.force_login(applicant)
    html = _html(client.get(reverse("applications:completeness", args=[app.pk])))
    edit = reverse("applications:edit", args=[app.pk, "basic"])
    assert f'href="{edit}?next=completeness#id_summary"' in html


def test_save_and_continue_from_completeness_returns_there(client, applicant, call):
    app = f.ApplicationFactory(call=call, applicant=applicant.organization, summary="")
    client.force_login(applicant)
    edit = reverse("applications:edit", args=[app.pk, "basic"])
    assert "保存并返回检查" in _html(client.get(f"{edit}?next=completeness"))
    data = {"name": "广西测试中试基地", "summary": "简介", "save_next": "1",
            "partners-TOTAL_FORMS": "0", "partners-INITIAL_FORMS": "0"}
    response = client.post(f"{edit}?next=completeness", data)
    assert response.url == reverse("applications:completeness", args=[app.pk])
    response = client.post(edit, data)  # opened from the sidebar: on to the next section, as before
    assert response.url == reverse("applications:edit", args=[app.pk, "capability"])


def test_save_draft_from_completeness_keeps_the_way_back(client, applicant, call):
    app = f.ApplicationFactory(call=call, applicant=applicant.organization)
    client.force_login(applicant)
    url = reverse("applications:edit", args=[app.pk, "capability"]) + "?next=completeness"
    response = client.post(url, {"equipment-TOTAL_FORMS": "0", "equipment-INITIAL_FORMS": "0", "save": "1"})
    assert response.status_code == 302
    assert response["Location"] == url


