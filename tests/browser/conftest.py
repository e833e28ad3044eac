"""Headless Chromium (Debian's /usr/bin/chromium) driven by Playwright against pytest-django's live_server."""

import os
import shutil

import pytest

CHROMIUM = os.environ.get("CHROMIUM_PATH") or shutil.which("chromium") or "/usr/bin/chromium"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-quic", "--no-first-run",
        "--disable-component-update", "--disable-sync"]


@pytest.fixture(scope="package")
def browser():
    """One Chromium for the browser tests. Package scope, not session: Playwright's sync API keeps an event loop
    running in the main thread while it is open, and the tests pytest-django runs after these must not inherit it."""
    if not os.path.exists(CHROMIUM):
        pytest.skip("Chromium is not installed (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        b = pw.chromium.launch(executable_path=CHROMIUM, headless=True, args=ARGS)
        yield b
        b.close()


@pytest.fixture
def page(browser, live_server):
    context = browser.new_context(locale="zh-CN", accept_downloads=True, base_url=live_server.url)
    context.set_default_timeout(15000)
    pg = context.new_page()
    yield pg
    context.close()


@pytest.fixture
def login_as(page):
    """Log in through the real form; returns the page on the dashboard."""

    def _login(username: str, password: str):
        page.goto("/login/")
        page.get_by_label("用户名或电子邮箱").fill(username)
        page.get_by_label("密码").fill(password)
        page.get_by_role("button", name="登录").click()
        page.wait_for_url("**/dashboard/")
        return page

    return _login
