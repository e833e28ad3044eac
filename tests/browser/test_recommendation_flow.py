"""The authority reviews and recommends an application in a real browser."""

import pytest

from tests.factories import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_authority_recommends_from_the_queue(login_as, authority_user, applicant):
    from tests import factories as f
    from tests.reviews.recommendation.conftest import submit_new

    submit_new(user=applicant, call=f.CallFactory(), name="广西浏览器测试中试研究基地")
    page = login_as("authority", PASSWORD)
    page.get_by_role("link", name="初审推荐").first.click()
    page.get_by_role("link", name="广西浏览器测试中试研究基地").click()
    page.get_by_label("拟推荐").check()
    page.get_by_label("初审意见").fill("条件具备，同意推荐。")
    page.get_by_role("button", name="提交审核结论").click()
    assert page.locator(".alert-success").count() == 1
    assert page.locator("#current-opinion").inner_text().count("条件具备，同意推荐。") == 1
