from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from applications.models import Application, ApplicationState, Call, CallState
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
