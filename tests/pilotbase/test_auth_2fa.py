"""Two-step login (TOTP, django-otp) with recovery codes; required for staff roles when switched on."""

import re

import pytest
from django.urls import reverse
from django_otp.oath import TOTP
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from tests.factories import PASSWORD

from .test_auth_lockout import settings_values

pytestmark = pytest.mark.django_db


@pytest.fixture
def required(settings):
    settings.PILOTBASE_2FA_REQUIRED = True
    settings.OTP_TOTP_THROTTLE_FACTOR = 0  # a wrong code in a test must not delay the right one
    settings.OTP_STATIC_THROTTLE_FACTOR = 0


def log_in(client, user):
    response = client.post(reverse("login"), {"username": user.username, "password": PASSWORD})
    assert response.status_code == 302
    return response


def current_code(device: TOTPDevice) -> str:
    device.refresh_from_db()
    return f"{TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift).token():06d}"


def enrol(client, user) -> list[str]:
    client.get(reverse("two_factor_setup"))
    device = TOTPDevice.objects.get(user=user)
    html = client.post(reverse("two_factor_setup"), {"token": current_code(device)}).content.decode()
    codes = re.findall(r"<li>(\w+)</li>", html.split('id="recovery-codes"')[1])
    TOTPDevice.objects.filter(pk=device.pk).update(last_t=-1)  # let the next login reuse this 30 s window
    return codes


def test_2fa_off_by_default_outside_production(client, department_user, settings):
    assert settings.PILOTBASE_2FA_REQUIRED is False
    log_in(client, department_user)
    assert client.get(reverse("dashboard")).status_code == 200


def test_2fa_on_by_default_in_production():
    env = {"DJANGO_PRODUCTION": "1", "DJANGO_SECRET_KEY": "p" * 60, "DJANGO_ALLOWED_HOSTS": "pilot.gxst.gov.cn",
           "DATABASE_URL": "postgres://postgres@127.0.0.1:5432/postgres", "REDIS_URL": "redis://127.0.0.1:6379/0",
           "PILOTBASE_SIGNING_ALLOW_SELF_SIGNED": "1"}
    assert settings_values("PILOTBASE_2FA_REQUIRED", **env) == ["True"]
    assert settings_values("PILOTBASE_2FA_REQUIRED", **env, PILOTBASE_2FA_REQUIRED="0") == ["False"]


def test_2fa_required_staff_must_enrol_before_any_page(client, department_user, required):
    log_in(client, department_user)
    response = client.get(reverse("dashboard"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("two_factor_setup"))
    page = client.get(response["Location"]).content.decode()
    assert "启用两步验证" in page and 'id="totp-secret"' in page and "data:image/svg+xml" in page

    codes = enrol(client, department_user)
    assert len(codes) == 10 and len(set(codes)) == 10
    assert client.get(reverse("dashboard")).status_code == 200


def test_2fa_setup_refuses_a_wrong_code(client, department_user, required):
    log_in(client, department_user)
    client.get(reverse("two_factor_setup"))
    html = client.post(reverse("two_factor_setup"), {"token": "000000"}).content.decode()
    assert "验证码不正确" in html
    assert TOTPDevice.objects.get(user=department_user).confirmed is False
    assert client.get(reverse("dashboard")).status_code == 302


def test_2fa_enrolled_user_gives_the_code_at_each_login(client, department_user, required):
    log_in(client, department_user)
    enrol(client, department_user)
    client.post(reverse("logout"))

    log_in(client, department_user)
    response = client.get(reverse("notifications"))
    assert response["Location"].startswith(reverse("two_factor_verify"))
    wrong = client.post(response["Location"], {"token": "123456"})
    assert "验证码不正确" in wrong.content.decode()
    right = client.post(response["Location"], {"token": current_code(TOTPDevice.objects.get(user=department_user))})
    assert right["Location"] == reverse("notifications")  # back where the user was going
    assert client.get(reverse("notifications")).status_code == 200


def test_2fa_recovery_code_works_once(client, department_user, required):
    log_in(client, department_user)
    code = enrol(client, department_user)[0]
    client.post(reverse("logout"))

    log_in(client, department_user)
    response = client.post(reverse("two_factor_verify"), {"token": code}, follow=True)
    assert "还剩 9 个" in response.content.decode()
    assert not StaticToken.objects.filter(token=code).exists()
    client.post(reverse("logout"))

    log_in(client, department_user)
    client.post(reverse("two_factor_verify"), {"token": code})
    assert client.get(reverse("dashboard")).status_code == 302


@pytest.mark.parametrize("who", ["agency", "admin"])
def test_2fa_required_for_agency_and_admin(client, personas, required, who):
    log_in(client, personas[who])
    assert client.get(reverse("dashboard"))["Location"].startswith(reverse("two_factor_setup"))


@pytest.mark.parametrize("who", ["applicant", "authority", "expert"])
def test_2fa_not_required_for_other_roles(client, personas, required, who):
    log_in(client, personas[who])
    assert client.get(reverse("dashboard")).status_code == 200


def test_2fa_optional_for_others_then_asked_at_login(client, applicant):
    log_in(client, applicant)
    enrol(client, applicant)
    client.post(reverse("logout"))
    log_in(client, applicant)
    assert client.get(reverse("dashboard"))["Location"].startswith(reverse("two_factor_verify"))


def test_2fa_pending_session_may_log_out(client, department_user, required):
    log_in(client, department_user)
    assert client.post(reverse("logout")).status_code == 302
    assert client.get(reverse("dashboard"))["Location"].startswith(reverse("login"))


def test_2fa_pending_session_cannot_reach_the_admin(client, admin_user_persona, required):
    log_in(client, admin_user_persona)
    assert client.get(reverse("admin:index"))["Location"].startswith(reverse("two_factor_setup"))
