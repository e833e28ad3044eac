"""A passkey in a real browser: Chromium's virtual authenticator (CDP WebAuthn domain) registers one on the 2FA
setup page (then the recovery codes, once), then the next login's second step is done with it at /2fa/verify/ (the
package's own scripts, strict CSP: a blocked script would leave the button out); a user with TOTP adds one on the
账号安全 page and names it."""

import pytest
from django_otp_webauthn.models import WebAuthnCredential

from tests.factories import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _password_login(page, user):
    page.goto("/login/")
    page.get_by_label("用户名或电子邮箱").fill(user.username)
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()


def _authenticator(page, live_server, settings) -> str:
    """A virtual authenticator in the page's browser; returns the origin to use (a passkey is bound to a domain,
    not an IP)."""
    origin = live_server.url.replace("127.0.0.1", "localhost")
    settings.OTP_WEBAUTHN_RP_ID = "localhost"
    settings.OTP_WEBAUTHN_ALLOWED_ORIGINS = [origin]
    cdp = page.context.new_cdp_session(page)
    cdp.send("WebAuthn.enable")
    cdp.send("WebAuthn.addVirtualAuthenticator", {"options": {
        "protocol": "ctap2", "transport": "internal", "hasResidentKey": True, "hasUserVerification": True,
        "isUserVerified": True}})
    return origin


def test_register_a_passkey_then_verify_with_it(page, live_server, department_user, settings):
    settings.PILOTBASE_2FA_REQUIRED = True
    origin = _authenticator(page, live_server, settings)
    errors = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)

    page.goto(origin + "/login/")
    _password_login(page, department_user)
    page.wait_for_url("**/2fa/setup/**")
    page.get_by_role("button", name="登记通行密钥").click()
    page.wait_for_url("**/2fa/codes/**")  # a passkey-only user gets recovery codes, shown once
    assert page.locator("#recovery-codes li").count() == 10
    page.get_by_role("link", name="我已保存，继续").click()
    page.wait_for_url("**/dashboard/")
    assert WebAuthnCredential.objects.filter(user=department_user, confirmed=True).count() == 1

    page.context.clear_cookies()  # a new session: the password, then the passkey
    _password_login(page, department_user)
    page.wait_for_url("**/2fa/verify/**")
    page.get_by_role("button", name="使用通行密钥验证").click()
    page.wait_for_url("**/dashboard/")
    assert page.get_by_role("heading", level=1).count() >= 1
    assert not [e for e in errors if "Content Security Policy" in e]


def test_a_totp_user_adds_a_passkey_and_names_it(page, live_server, department_user, settings):
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from pilotbase import twofactor
    from tests.pilotbase.test_auth_2fa import current_code

    settings.PILOTBASE_2FA_REQUIRED = True
    origin = _authenticator(page, live_server, settings)
    device = TOTPDevice.objects.create(user=department_user, name="身份验证器", confirmed=True)
    twofactor.recovery_codes_issue(user=department_user, actor=department_user)

    page.goto(origin + "/login/")
    _password_login(page, department_user)
    page.wait_for_url("**/2fa/verify/**")
    page.get_by_label("动态验证码或恢复码").fill(current_code(device))
    page.get_by_role("button", name="验证", exact=True).click()
    page.wait_for_url("**/dashboard/")
    page.get_by_role("link", name="账号安全").click()
    page.get_by_role("button", name="登记通行密钥").click()
    page.locator("#passkeys").get_by_text("通行密钥 1").wait_for()  # back on the page (already its URL), listed
    assert page.url.endswith("/account/security/")  # the codes from the authenticator stay: no codes page
    assert page.locator("#codes-left").get_by_text("剩余 10 个", exact=False).count() == 1
    page.get_by_role("link", name="重命名").click()
    page.get_by_label("名称").fill("办公室电脑")
    page.get_by_role("button", name="保存", exact=True).click()
    page.wait_for_url("**/account/security/")
    assert page.locator("#passkeys").get_by_text("办公室电脑").count() == 1
