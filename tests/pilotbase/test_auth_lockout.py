"""Login lockout (django-axes): per account, per address, audited, unlocked by staff, behind the proxy."""

import os
import subprocess
import sys

import pytest
from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from axes.utils import reset
from django.urls import reverse

from tests.factories import PASSWORD

from .test_settings import ROOT, load_settings

pytestmark = pytest.mark.django_db

LOCKED = "登录失败次数过多"


def settings_values(*names, **env):
    """The named settings as a fresh process started with these environment variables sees them."""
    code = "import django; django.setup(); from django.conf import settings as s; print(%s)" % ", ".join(
        f"s.{name}" for name in names)
    base = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "PILOTBASE_", "DATABASE_URL", "REDIS_URL"))}
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=60,
                            env={**base, "DJANGO_SETTINGS_MODULE": "pilotbase.settings", **env})
    assert result.returncode == 0, result.stderr
    return result.stdout.split()


def post_login(client, username, password, ip="203.0.113.7", **extra):
    return client.post(reverse("login"), {"username": username, "password": password}, REMOTE_ADDR=ip, **extra)


def fail(client, username, times, ip="203.0.113.7"):
    for _ in range(times):
        response = post_login(client, username, "wrong-password", ip=ip)
    return response


def test_login_five_wrong_passwords_lock_the_account_and_refuse_the_right_one(client, applicant):
    assert fail(client, "applicant", 4).status_code == 200
    response = post_login(client, "applicant", "wrong-password")
    assert response.status_code == 429
    assert LOCKED in response.content.decode()

    response = post_login(client, "applicant", PASSWORD)
    html = response.content.decode()
    assert response.status_code == 429
    assert LOCKED in html
    assert "30 分钟后再试" in html
    assert 'value="applicant"' in html  # the login page again, with the name kept, not a bare 403
    assert "_auth_user_id" not in client.session


def test_login_locked_account_is_locked_from_another_address_too(client, applicant):
    fail(client, "applicant", 5, ip="203.0.113.7")
    response = post_login(client, "applicant", PASSWORD, ip="198.51.100.20")
    assert response.status_code == 429
    assert LOCKED in response.content.decode()


def test_login_email_and_username_count_against_one_account(client, applicant):
    fail(client, "applicant", 3)
    fail(client, applicant.email.upper(), 2)
    assert post_login(client, "applicant", PASSWORD).status_code == 429


def test_login_other_accounts_unaffected_by_one_locked_account(client, applicant, other_applicant):
    fail(client, "applicant", 5)
    assert post_login(client, "other_applicant", PASSWORD).status_code == 302


def test_login_address_locked_after_its_own_limit_across_accounts(client, applicant, settings):
    settings.PILOTBASE_LOGIN_ADDRESS_FAILURE_LIMIT = 8
    for n in range(8):
        post_login(client, f"nobody{n}", "wrong-password", ip="203.0.113.9")
    assert post_login(client, "applicant", PASSWORD, ip="203.0.113.9").status_code == 429
    assert post_login(client, "applicant", PASSWORD, ip="203.0.113.10").status_code == 302


def test_login_success_clears_the_accounts_failures_not_the_addresses(client, applicant):
    fail(client, "applicant", 4)
    assert post_login(client, "applicant", PASSWORD).status_code == 302
    assert not AccessAttempt.objects.filter(username="applicant").exists()
    client.logout()
    assert fail(client, "applicant", 4).status_code == 200  # a fresh count of five


def test_login_unlock_by_staff_restores_login(client, applicant):
    fail(client, "applicant", 5)
    assert reset(username="applicant") >= 1
    assert post_login(client, "applicant", PASSWORD).status_code == 302


def test_login_unlock_through_the_admin_delete_action(client, applicant, admin_user_persona):
    fail(client, "applicant", 5)
    client.force_login(admin_user_persona)
    ids = [str(pk) for pk in AccessAttempt.objects.filter(username="applicant").values_list("pk", flat=True)]
    response = client.post(reverse("admin:axes_accessattempt_changelist"),
                           {"action": "delete_selected", "_selected_action": ids, "post": "yes"})
    assert response.status_code == 302
    client.logout()
    assert post_login(client, "applicant", PASSWORD).status_code == 302


def test_login_attempts_are_audited_and_listed_in_the_admin(client, applicant, admin_user_persona):
    fail(client, "applicant", 2)
    assert "wrong-password" not in AccessAttempt.objects.get(username="applicant").post_data  # masked
    post_login(client, "applicant", PASSWORD)
    assert AccessFailureLog.objects.filter(username="applicant", ip_address="203.0.113.7").count() == 2
    assert AccessLog.objects.filter(username="applicant", ip_address="203.0.113.7").count() == 1
    client.force_login(admin_user_persona)
    for name in ("accessattempt", "accessfailurelog", "accesslog"):
        assert client.get(reverse(f"admin:axes_{name}_changelist")).status_code == 200


def test_login_behind_proxies_counts_the_address_the_trusted_proxy_saw(client, applicant, settings):
    settings.PILOTBASE_PROXY_COUNT = 1
    for n in range(5):  # the client forges the left part of the header; the proxy appends the real address
        post_login(client, "applicant", "wrong-password", ip="10.0.0.2",
                   HTTP_X_FORWARDED_FOR=f"192.0.2.{n}, 203.0.113.50")
    assert set(AccessAttempt.objects.values_list("ip_address", flat=True)) == {"203.0.113.50"}


def test_login_unparseable_address_is_stored_as_none(client, applicant):
    post_login(client, "applicant", "wrong-password", ip="unknown")
    assert AccessAttempt.objects.get().ip_address is None


def test_login_lockout_settings_have_defaults():
    from django.conf import settings

    assert (settings.AXES_FAILURE_LIMIT, settings.PILOTBASE_LOGIN_ADDRESS_FAILURE_LIMIT) == (5, 20)
    assert settings.AXES_COOLOFF_TIME.total_seconds() == 30 * 60


def test_login_lockout_settings_come_from_the_environment():
    env = {"PILOTBASE_LOGIN_FAILURE_LIMIT": "3", "PILOTBASE_LOGIN_ADDRESS_FAILURE_LIMIT": "50",
           "PILOTBASE_LOGIN_LOCKOUT_MINUTES": "0"}
    result = settings_values("AXES_FAILURE_LIMIT", "PILOTBASE_LOGIN_ADDRESS_FAILURE_LIMIT", "AXES_COOLOFF_TIME", **env)
    assert result == ["3", "50", "None"]


@pytest.mark.parametrize("env", [{"PILOTBASE_LOGIN_FAILURE_LIMIT": "0"},
                                 {"PILOTBASE_LOGIN_FAILURE_LIMIT": "many"},
                                 {"PILOTBASE_LOGIN_ADDRESS_FAILURE_LIMIT": "2"},
                                 {"PILOTBASE_LOGIN_LOCKOUT_MINUTES": "-1"}])
def test_login_lockout_bad_setting_stops_startup(env):
    result = load_settings(**env)
    assert result.returncode != 0
    assert next(iter(env)) in result.stderr.strip().splitlines()[-1]
