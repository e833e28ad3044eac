import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from applications.forms import section_form_class
from applications.models import Application, ApplicationState, Call, CallState, Equipment
from tests import factories as f

pytestmark = pytest.mark.django_db


def test_start_then_edit_basic_saves_and_goes_next(client, applicant, call):
    client.force_login(applicant)
    response = client.post(reverse("applications:start", args=[call.pk]))
    app = Application.objects.get(applicant=applicant.organization)
    assert response.url == reverse("applications:edit", args=[app.pk, "basic"])
    response = client.post(reverse("applications:edit", args=[app.pk, "basic"]), {
        "name": "广西测试中试基地", "summary": "简介", "save_next": "1",
        "partners-TOTAL_FORMS": "0", "partners-INITIAL_FORMS": "0"})
    assert response.url == reverse("applications:edit", args=[app.pk, "capability"])
    app.refresh_from_db()
    assert (app.name, app.summary) == ("广西测试中试基地", "简介")


def test_edit_invalid_keeps_typed_input_and_lists_error_on_top(client, applicant, call):
    app = f.ApplicationFactory(call=call, applicant=applicant.organization, name="旧名称")
    client.force_login(applicant)
    response = client.post(reverse("applications:edit", args=[app.pk, "basic"]), {
        "name": "新输入的名称", "contact_email": "not-an-email", "summary": "新输入的简介",
        "partners-TOTAL_FORMS": "0", "partners-INITIAL_FORMS": "0"})
    assert response.status_code == 200
    html = response.content.decode()
    assert 'value="新输入的名称"' in html
    assert "新输入的简介" in html
    assert 'id="error-summary"' in html
    app.refresh_from_db()
    assert app.name == "旧名称"


def test_submit_view_shows_acceptance_no(client, applicant, draft):
    client.force_login(applicant)
    response = client.post(reverse("applications:submit", args=[draft.pk]), {"expected_state": "draft"}, follow=True)
    draft.refresh_from_db()
    assert draft.state == ApplicationState.SUBMITTED
    assert response.context["application"].acceptance_no == draft.acceptance_no
    assert f"受理编号：{draft.acceptance_no}" in response.content.decode()


def test_submit_view_incomplete_shows_problems(client, applicant, call):
    app = f.ApplicationFactory(call=call, applicant=applicant.organization)
    client.force_login(applicant)
    response = client.post(reverse("applications:submit", args=[app.pk]), follow=True)
    assert "附件：请上传“可行性研究报告”" in response.content.decode()


def test_completeness_page_links_to_sections(client, applicant, call):
    app = f.ApplicationFactory(call=call, applicant=applicant.organization, site_area=None)
    client.force_login(applicant)
    response = client.get(reverse("applications:completeness", args=[app.pk]))
    urls = [m.url for m in response.context["missing"]]
    assert urls[0] == reverse("applications:edit", args=[app.pk, "capability"]) + "#id_site_area"


def test_department_creates_and_publishes_call(client, department_user):
    client.force_login(department_user)
    now = timezone.localtime()
    fmt = "%Y-%m-%dT%H:%M"
    data = {
        "year": 2026, "title": "2026年度测试批次", "guide": "指南", "opens_at": now.strftime(fmt),
        "closes_at": (now + timedelta(days=30)).strftime(fmt),
        "recommendation_deadline": (now + timedelta(days=45)).strftime(fmt),
        "platform_types": [f.platform_type().pk], "industries": [f.industry().pk], "reminder_days": "7,1",
        "notice_working_days": 5, "blind_scoring": "on",
        "attachments-TOTAL_FORMS": "1", "attachments-INITIAL_FORMS": "0",
        "attachments-0-code": "feasibility", "attachments-0-name": "可行性研究报告", "attachments-0-required": "on",
        "attachments-0-allowed_types": "pdf", "attachments-0-max_size_mb": "20", "attachments-0-order": "1",
        "indicators-TOTAL_FORMS": "1", "indicators-INITIAL_FORMS": "0",
        "indicators-0-name": "能力条件", "indicators-0-max_score": "30", "indicators-0-order": "1",
        "checks-TOTAL_FORMS": "1", "checks-INITIAL_FORMS": "0", "checks-0-text": "材料齐全", "checks-0-order": "1",
    }
    response = client.post(reverse("applications:call_create"), data)
    call = Call.objects.get(title="2026年度测试批次")
    assert response.url == reverse("applications:call_detail", args=[call.pk])
    assert (call.required_attachments.count(), call.indicators.count(), call.check_items.count()) == (1, 1, 1)
    client.post(reverse("applications:call_publish", args=[call.pk]))
    call.refresh_from_db()
    assert call.state == CallState.PUBLISHED


@pytest.mark.parametrize("who", ["applicant", "department", "authority"])
def test_pages_render_for_role(client, personas, submitted, who):
    client.force_login(personas[who])
    for name in ("applications:call_list", "dashboard"):
        assert client.get(reverse(name)).status_code == 200


def _html(response) -> str:
    assert response.status_code == 200
    return response.content.decode()


def _classes(tag: str) -> list[str]:
    return re.search(r'class="([^"]*)"', tag).group(1).split()


def test_row_table_legend_does_not_float_beside_the_table(client, applicant, call):
    app = f.ApplicationFactory(call=call, applicant=applicant.organization, rows=False)
    client.force_login(applicant)
    html = _html(client.get(reverse("applications:edit", args=[app.pk, "capability"])))
    legend = re.search(r'<fieldset[^>]*id="table-equipment"[^>]*>\s*<legend class="([^"]*)"', html)
    assert "float-none" in legend.group(1).split()


def test_row_table_offers_blank_rows_styled_inputs_and_an_add_button(client, applicant, call):
    app = f.ApplicationFactory(call=call, applicant=applicant.organization, rows=False)
    client.force_login(applicant)
    response = client.get(reverse("applications:edit", args=[app.pk, "team"]))
    html = _html(response)
    (team,) = [fs for key, _label, fs in response.context["formsets"] if key == "team"]
    assert len(team.forms) == 3
    name = re.search(r'<input type="text" name="team-0-name"[^>]*>', html).group(0)
    assert {"form-control", "form-control-sm"} <= set(_classes(name))
    fulltime = re.search(r'<input type="checkbox" name="team-0-is_fulltime"[^>]*>', html).group(0)
    assert "form-check-input" in _classes(fulltime)
    assert 'data-formset-add="team"' in html
    assert '<template id="empty-team">' in html
    assert "team-__prefix__-name" in html
    assert "/static/js/formset-rows.js" in html


def test_rows_added_in_the_browser_beyond_the_blank_ones_are_saved(client, applicant, call):
    app = f.ApplicationFactory(call=call, applicant=applicant.organization, rows=False)
    client.force_login(applicant)
    data = {"team_summary": "团队", "team-TOTAL_FORMS": "4", "team-INITIAL_FORMS": "0", "save": "1"}
    # as the browser sends them: blank rows unticked (nothing sent), the filled ones ticked where the user ticked
    data |= {"team-0-name": "张三", "team-0-is_technical": "on", "team-3-name": "王五", "team-3-is_fulltime": "on"}  # row 3 is what "添加一行" adds (TOTAL_FORMS 3 → 4)
    response = client.post(reverse("applications:edit", args=[app.pk, "team"]), data)
    assert response.status_code == 302
    assert sorted(app.team.values_list("name", flat=True)) == ["张三", "王五"]


def test_saved_row_can_still_be_deleted(client, applicant, call):
    app = f.ApplicationFactory(call=call, applicant=applicant.organization, rows=False)
    row = Equipment.objects.create(application=app, name="旧设备", quantity=1, original_value=1)
    client.force_login(applicant)
    html = _html(client.get(reverse("applications:edit", args=[app.pk, "capability"])))
    assert 'name="equipment-0-DELETE"' in html
    data = {"equipment-TOTAL_FORMS": "1", "equipment-INITIAL_FORMS": "1", "equipment-0-id": row.pk,
            "equipment-0-name": "旧设备", "equipment-0-quantity": "1", "equipment-0-original_value": "1",
            "equipment-0-DELETE": "on", "save": "1"}
    assert client.post(reverse("applications:edit", args=[app.pk, "capability"]), data).status_code == 302
    assert app.equipment.count() == 0


@pytest.mark.parametrize(("phone", "ok"), [
    ("0771-5555555", True), ("+86 771 5555555", True), ("（0771）5555555", True), ("(0771)5555555", True),
    ("13800001111", True), ("", True),
    ("电话abc", False), ("123456", False), ("0771-5555555 转 8", False), ("1" * 21, False),
])
def test_contact_phone_is_validated(db, phone, ok):
    form = section_form_class("basic")({"contact_phone": phone})
    assert form.is_valid() is ok
    if not ok:
        assert form.errors["contact_phone"] == ["请填写有效的联系电话（7至20位数字，可含区号和“-”）。"]


def test_bad_phone_is_refused_on_the_page_and_kept(client, applicant, call):
    app = f.ApplicationFactory(call=call, applicant=applicant.organization)
    client.force_login(applicant)
    html = _html(client.post(reverse("applications:edit", args=[app.pk, "basic"]), {
        "name": app.name, "contact_phone": "电话abc", "partners-TOTAL_FORMS": "0", "partners-INITIAL_FORMS": "0"}))
    assert 'value="电话abc"' in html
    assert "请填写有效的联系电话" in html
    app.refresh_from_db()
    assert app.contact_phone == "0771-5555555"


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
