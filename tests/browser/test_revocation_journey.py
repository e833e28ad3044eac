"""摘牌 in the browser: a base failing for the second consecutive year is on staff's revocation list (the portal's
sweeper put it there), one staff member proposes, the proposer cannot confirm, a colleague confirms, and the
public verification page says revoked with the date and the reason."""

import pytest

from evaluations.services.revocation import revocations_detect
from pilotbase.models import Certificate
from tests import factories as f
from tests.evaluations.consequences_world import build

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _login(page, user):
    page.goto("/login/")
    page.get_by_label("用户名或电子邮箱").fill(user.username)
    page.get_by_label("密码").fill(f.PASSWORD)
    page.get_by_role("button", name="登录").click()
    page.wait_for_url("**/dashboard/")


def _logout(page):
    page.get_by_role("button", name="退出").click()
    page.wait_for_load_state()


def test_second_consecutive_fail_is_listed_and_revoked_by_two_people(page):
    bureau = f.AuthorityFactory(name="南宁市科学技术局", city=f.city("nanning"))
    world = build(staff=f.DepartmentUserFactory(), bureau=bureau, histories={"连败": "BCFF", "良好": "BBBB"})
    assert revocations_detect() == 1
    base = world.bases["连败"]
    page.on("dialog", lambda d: d.accept())  # data-confirm of the irreversible confirmation

    _login(page, world.staff)
    page.get_by_role("link", name="撤销认定").first.click()
    assert "2024、2025年度不合格" in page.locator("#revocation-table").inner_text()
    assert world.bases["良好"].name not in page.content()
    page.get_by_role("link", name=base.name).click()
    assert page.locator("#evidence").inner_text().count("不合格") == 2
    page.get_by_label("提请意见").fill("连续两年考核不合格，建议撤销认定。")
    page.get_by_role("button", name="提请撤销认定").click()
    page.wait_for_load_state()
    assert "已完成" in page.locator(".alert-success").inner_text()
    assert page.locator("#awaits-second").is_visible()
    assert page.get_by_role("button", name="确认撤销认定").count() == 0
    _logout(page)

    _login(page, world.second)
    page.goto("/evaluations/revocations/")
    page.get_by_role("link", name=base.name).click()
    page.get_by_label("撤销日期").fill("2026-11-30")
    page.get_by_label("标牌收回日期").fill("2026-12-01")
    page.get_by_role("button", name="确认撤销认定").click()
    page.wait_for_load_state()
    assert "已完成" in page.locator(".alert-success").inner_text()
    assert "2026年12月1日" in page.locator("#plaque-return").inner_text()
    _logout(page)

    certificate = Certificate.objects.get(base=base)
    page.goto(f"/public/verify/{certificate.token}/")
    assert "已撤销" in page.locator("#verify-status").inner_text()
    assert "2026年11月30日" in page.locator("#verify-revoked-on").inner_text()
    assert "连续两年考核不合格" in page.locator("#verify-revoked-reason").inner_text()
    page.goto("/public/bases/")
    assert base.name not in page.content() and world.bases["良好"].name in page.content()
