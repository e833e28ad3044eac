"""An anonymous visitor files an objection on a running notice; the first try misses the phone."""

from datetime import date

import pytest

from reviews.models import Objection
from reviews.services import certification as svc
from tests.reviews.certification.conftest import app_a, call, make_passed  # noqa: F401  (fixtures)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_public_objection_form_keeps_input_and_files(page, call, app_a, department_user):  # noqa: F811
    notice = svc.notice_create(call=call, applications=[app_a], title="拟认定名单公示", body="",
                               starts_on=date(2026, 11, 2), actor=department_user)
    svc.notice_publish(notice=notice, actor=department_user)
    page.goto(f"/public/notices/{notice.pk}/")
    page.get_by_role("link", name="在线提出异议").click()
    page.get_by_label("异议对象").select_option(label=app_a.name)
    page.get_by_label("姓名").fill("王某某")
    page.get_by_label("异议内容及理由").fill("该单位中试生产线尚未建成，与申报材料不符。")
    page.get_by_role("button", name="提交异议").click()
    assert "请填写联系电话。" in page.locator("#form-errors").inner_text()
    assert page.get_by_label("异议内容及理由").input_value() == "该单位中试生产线尚未建成，与申报材料不符。"
    page.get_by_label("联系电话").fill("13800001111")
    page.get_by_role("button", name="提交异议").click()
    page.wait_for_url(f"**/public/notices/{notice.pk}/")
    assert "您的异议已提交" in page.content()
    assert Objection.objects.count() == 1
