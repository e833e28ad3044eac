"""What the UI audit found: row tables, filter bars, upload errors, call validation, actions box, export, phone."""

import io
import re
from datetime import UTC, datetime, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from applications.forms import CallForm, section_form_class
from applications.models import Application, ApplicationState, Call, Equipment
from tests import factories as f
from tests.applications.conftest import pdf_upload

pytestmark = pytest.mark.django_db


def _classes(tag: str) -> list[str]:
    return re.search(r'class="([^"]*)"', tag).group(1).split()


def _html(response) -> str:
    assert response.status_code == 200
    return response.content.decode()


# ---- 1. row tables ----------------------------------------------------------------------------------
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


def test_call_form_order_column_is_labelled_in_chinese(client, department_user, call):
    client.force_login(department_user)
    html = _html(client.get(reverse("applications:call_edit", args=[call.pk])))
    headers = re.findall(r'<th scope="col"[^>]*>([^<]*)', html)
    assert "Order" not in headers
    assert headers.count("序号") == 3


# ---- 2. filter bars ---------------------------------------------------------------------------------
FILTER_PAGES = [
    ("department_user", "applications:list", ["全部申报批次", "全部设区市", "全部推荐单位", "全部产业领域"]),
    ("department_user", "reviews:cert_base_list", ["全部设区市", "全部产业领域"]),
    (None, "public:base_list", ["全部设区市", "全部产业领域"]),
    ("agency_user", "reviews:assess_experts", ["全部专家类别", "全部设区市", "全部产业领域"]),
]


@pytest.mark.parametrize(("who", "name", "empty_labels"), FILTER_PAGES)
def test_filter_bar_is_styled_labelled_and_says_all(client, request, who, name, empty_labels):
    if who:
        client.force_login(request.getfixturevalue(who))
    html = _html(client.get(reverse(name)))
    form = re.search(r'<form method="get"[^>]*role="search".*?</form>', html, re.S).group(0)
    selects = re.findall(r"<select [^>]*>", form)
    inputs = re.findall(r'<input type="text" [^>]*>', form)
    assert selects and inputs
    assert all("form-select" in _classes(t) for t in selects)
    assert all("form-control" in _classes(t) for t in inputs)
    ids = re.findall(r'id="(id_[a-z_]+)"', form)
    assert sorted(re.findall(r'<label [^>]*for="(id_[a-z_]+)"', form)) == sorted(ids)
    assert "---------" not in form
    assert "col-lg-2 col-lg-4" not in form
    assert all(f">{label}</option>" in form for label in empty_labels)
    assert ">筛选</button>" in form and ">清除</a>" in form


# ---- 3. attachment upload errors --------------------------------------------------------------------
def test_empty_upload_shows_each_error_beside_its_field(client, applicant, call):
    app = f.ApplicationFactory(call=call, applicant=applicant.organization)
    client.force_login(applicant)
    response = client.post(reverse("applications:attachment_add", args=[app.pk]), {})
    html = _html(response)
    assert response.context["attachment_form"].errors == {"requirement": ["请选择附件类别。"],
                                                          "file": ["请选择要上传的文件。"]}
    assert "这个字段是必填项" not in html
    assert "。；" not in html


def test_failed_upload_keeps_the_chosen_category(client, applicant, call):
    app = f.ApplicationFactory(call=call, applicant=applicant.organization)
    license_req = call.required_attachments.get(code="license")
    client.force_login(applicant)
    response = client.post(reverse("applications:attachment_add", args=[app.pk]),
                           {"requirement": license_req.pk,
                            "file": pdf_upload("license.exe")})
    html = _html(response)
    assert re.search(rf'<option value="{license_req.pk}" selected>', html)
    assert response.context["attachment_form"].errors["file"]
    assert app.attachments.count() == 0


def test_successful_upload_redirects_back_to_the_list(client, applicant, call):
    app = f.ApplicationFactory(call=call, applicant=applicant.organization)
    req = call.required_attachments.get(code="feasibility")
    client.force_login(applicant)
    response = client.post(reverse("applications:attachment_add", args=[app.pk]),
                           {"requirement": req.pk, "file": pdf_upload()})
    assert response.url == reverse("applications:edit", args=[app.pk, "attachments"])
    assert app.attachments.count() == 1


# ---- 4. the call form -------------------------------------------------------------------------------
def _call_data(**over):
    now = timezone.localtime()
    fmt = "%Y-%m-%dT%H:%M"
    data = {"year": 2026, "title": "2026年度测试批次", "guide": "指南", "opens_at": now.strftime(fmt),
            "closes_at": (now + timedelta(days=30)).strftime(fmt),
            "recommendation_deadline": (now + timedelta(days=45)).strftime(fmt),
            "platform_types": [f.platform_type().pk], "industries": [f.industry().pk], "reminder_days": "7,1",
            "notice_working_days": 5}
    return data | over


@pytest.mark.parametrize(("field", "value", "message"), [
    ("year", 1899, "年度应在2020至2100之间。"),
    ("year", 2101, "年度应在2020至2100之间。"),
    ("reminder_days", "abc", "截止前提醒应为以逗号分隔的1至60之间的整数天数，例如 7,1；有误的是：abc。"),
    ("reminder_days", "7,0,90", "截止前提醒应为以逗号分隔的1至60之间的整数天数，例如 7,1；有误的是：0、90。"),
    ("reminder_days", " , ", "请填写截止前提醒的天数，例如 7,1。"),
    ("notice_working_days", 0, "公示期至少为1个工作日（通知规定为5个工作日）。"),
])
def test_call_form_refuses_bad_values_in_chinese(db, field, value, message):
    form = CallForm(_call_data(**{field: value}))
    assert not form.is_valid()
    assert form.errors[field] == [message]


def test_call_form_deadlines_must_follow_each_other(db):
    now = timezone.localtime()
    form = CallForm(_call_data(closes_at=(now + timedelta(days=30)).strftime("%Y-%m-%dT%H:%M"),
                               recommendation_deadline=(now + timedelta(days=20)).strftime("%Y-%m-%dT%H:%M")))
    assert not form.is_valid()
    assert form.errors["recommendation_deadline"] == ["推荐截止时间应晚于申报截止时间。"]


def test_call_form_normalises_reminder_days(db):
    form = CallForm(_call_data(reminder_days="1， 7,7"))
    assert form.is_valid(), form.errors
    assert form.cleaned_data["reminder_days"] == "7,1"


def test_call_page_keeps_bad_input_and_says_why(client, department_user):
    client.force_login(department_user)
    data = _call_data(reminder_days="abc", year=1899)
    for key in ("attachments", "indicators", "checks"):
        data |= {f"{key}-TOTAL_FORMS": "0", f"{key}-INITIAL_FORMS": "0"}
    html = _html(client.post(reverse("applications:call_create"), data))
    assert 'value="abc"' in html and 'value="1899"' in html
    assert "年度应在2020至2100之间。" in html
    assert not Call.objects.filter(title="2026年度测试批次").exists()


# ---- 5. the actions box and withdrawing -------------------------------------------------------------
def test_actions_box_says_there_is_nothing_to_do_even_beside_panels(client, authority_user, submitted, monkeypatch):
    from pilotbase import registry

    monkeypatch.setitem(registry._detail_panels, Application,
                        [lambda request, app: ("pilotbase/_pagination.html", {})])
    client.force_login(authority_user)
    response = client.get(reverse("applications:detail", args=[submitted.pk]))
    html = _html(response)
    assert response.context["extra_panels"]
    assert 'id="no-actions"' in html


def test_withdraw_is_a_folded_step_with_a_reason_and_a_warning(client, applicant, submitted):
    client.force_login(applicant)
    html = _html(client.get(reverse("applications:detail", args=[submitted.pk])))
    box = re.search(r'<details [^>]*id="withdraw-box"[^>]*>.*?</details>', html, re.S).group(0)
    assert " open" not in box.split(">", 1)[0]
    assert "撤回后不能恢复。" in box
    assert re.search(r'<textarea id="id_comment" name="comment"[^>]*required', box)
    assert 'id="no-actions"' not in html


def test_withdraw_without_a_reason_changes_nothing(client, applicant, submitted):
    client.force_login(applicant)
    client.post(reverse("applications:withdraw", args=[submitted.pk]), {"comment": ""})
    submitted.refresh_from_db()
    assert submitted.state == ApplicationState.SUBMITTED


# ---- 6. the crowded list ----------------------------------------------------------------------------
def test_list_keeps_city_money_and_dates_on_one_line(client, department_user, submitted):
    client.force_login(department_user)
    html = _html(client.get(reverse("applications:list")))
    row = re.search(r"<tbody><tr>.*?</tr>", html, re.S).group(0)
    nowrap = [text for cls, text in re.findall(r'<td class="([^"]*)">([^<]*)<', row) if "text-nowrap" in cls]
    assert nowrap[:3] == [submitted.acceptance_no, "南宁市", "500.00万元"]
    assert re.fullmatch(r"\d{4}年\d{1,2}月\d{1,2}日 \d{2}:\d{2}", nowrap[3])


# ---- 7. Excel dates ---------------------------------------------------------------------------------
def test_export_writes_submission_time_as_a_real_local_datetime(client, department_user, submitted):
    Application.objects.filter(pk=submitted.pk).update(submitted_at=datetime(2026, 3, 1, 16, 5, tzinfo=UTC))
    client.force_login(department_user)
    response = client.get(reverse("applications:export"))
    ws = load_workbook(io.BytesIO(response.content)).active
    assert ws.cell(row=1, column=10).value == "提交时间"
    cell = ws.cell(row=2, column=10)
    assert cell.value == datetime(2026, 3, 2, 0, 5)  # 16:05 UTC is 00:05 next day in Asia/Shanghai
    assert cell.number_format == "yyyy-mm-dd hh:mm"


# ---- 8. the contact phone ---------------------------------------------------------------------------
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

