import pytest

from pilotbase.demo import DEMO_LOGINS, DEMO_PASSWORD, seed_core

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_every_demo_role_logs_in_and_sees_its_dashboard(login_as, page):
    core = seed_core()
    assert len(core["users"]) >= 6
    for _role, username, _label in DEMO_LOGINS:
        login_as(username, DEMO_PASSWORD)
        assert page.locator("h1").first.inner_text() == "工作台"
        from pilotbase.models import User

        user = User.objects.get(username=username)
        assert page.locator("#dashboard-role").inner_text().startswith(user.get_role_display())
        page.get_by_role("button", name="退出").click()
        page.wait_for_url("**/login/")
