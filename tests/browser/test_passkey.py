"""A passkey in a real browser: Chromium's virtual authenticator (CDP WebAuthn domain) registers one on the 2FA
setup page, then the next login's second step is done with it at /2fa/verify/ (the package's own scripts, strict
CSP: a blocked script would leave the button out)."""

import pytest
from django_otp_webauthn.models import WebAuthnCredential

from tests.factories import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _password_login(page, user):
    page.goto("/login/")
    page.get_by_label("用户名或电子邮箱").fill(user.username)
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()


def test_register_a_passkey_then_verify_with_it(page, live_server, department_user, settings):
    settings.PILOTBASE_2FA_REQUIRED = True
    origin = live_server.url.replace("127.0.0.1", "localhost")  # a passkey is bound to a domain, not an IP
    settings.OTP_WEBAUTHN_RP_ID = "localhost"
    settings.OTP_WEBAUTHN_ALLOWED_ORIGINS = [origin]
    cdp = page.context.new_cdp_session(page)
    cdp.send("WebAuthn.enable")
    cdp.send("WebAuthn.addVirtualAuthenticator", {"options": {
        "protocol": "ctap2", "transport": "internal", "hasResidentKey": True, "hasUserVerification": True,
        "isUserVerified": True}})
    errors = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)

    page.goto(origin + "/login/")
    _password_login(page, department_user)
    page.wait_for_url("**/2fa/setup/**")
    page.get_by_role("button", name="登记通行密钥").click()
    page.wait_for_url("**/dashboard/")
    assert WebAuthnCredential.objects.filter(user=department_user, confirmed=True).count() == 1

    page.context.clear_cookies()  # a new session: the password, then the passkey
    _password_login(page, department_user)
    page.wait_for_url("**/2fa/verify/**")
    page.get_by_role("button", name="使用通行密钥验证").click()
    page.wait_for_url("**/dashboard/")
    assert page.get_by_role("heading", level=1).count() >= 1
    assert not [e for e in errors if "Content Security Policy" in e]
