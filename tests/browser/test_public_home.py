"""The public front door and the registration form on a phone: nothing wider than the screen at 390 px."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from applications.services import call_publish
from tests import factories as f

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize("width", [390, 1366])
def test_home_and_call_page_fit_the_screen(page, department_user, width):
    call = call_publish(call=f.CallFactory(published=False, title="2026年度自治区中试研究基地建设申报（第三批）",
                                           guide="一、申报条件\n" + "申报单位应为在广西注册的独立法人。" * 20,
                                           max_per_authority=3,
                                           closes_at=timezone.now() + timedelta(days=20)), actor=department_user)
    page.set_viewport_size({"width": width, "height": 900})
    for url in ("/", reverse("public:call_detail", args=[call.pk]), reverse("register")):
        page.goto(url)
        assert page.locator("h1").first.is_visible()
        overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
        page.screenshot(path=f"/tmp/me/public-{width}-{url.strip('/').replace('/', '-') or 'home'}.png", full_page=True)
        assert overflow <= 0, f"{url} is {overflow}px wider than the screen at {width}px"
