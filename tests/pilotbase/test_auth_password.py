"""Password reset by e-mail, password change, the password rules."""

import re

import pytest
from django.contrib.auth.password_validation import validate_password
from django.core import mail
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.urls import reverse

from pilotbase.demo import DEMO_PASSWORD, seed_core
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db

NEW = "Zhongshi-Base-2027"


@pytest.fixture(autouse=True)
def _fresh_reset_counts():
    """The reset limits count in the cache, which outlives a test."""
    cache.clear()
    yield
    cache.clear()


def request_reset(client, email):
    return client.post(reverse("password_reset"), {"email": email})


def reset_link(message) -> str:
    return re.search(r"https?://\S+/password/reset/\S+/", message.body).group(0)


def test_password_reset_sends_a_chinese_mail_with_a_link_from_site_url(client, applicant, settings):
    response = request_reset(client, applicant.email.upper())
    assert response.status_code == 302
    assert response["Location"] == reverse("password_reset_done")
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == [applicant.email]
    assert message.subject == f"【{settings.PORTAL_NAME}】重设密码"
    assert "2 小时内" in message.body
    assert reset_link(message).startswith(settings.SITE_URL + "/password/reset/")
    html, mimetype = message.alternatives[0]
    assert mimetype == "text/html"
    assert reset_link(message) in html


def test_password_reset_in_english_still_mails_in_chinese(client, applicant):
    client.cookies["django_language"] = "en"
    request_reset(client, applicant.email)
    assert "重设密码" in mail.outbox[0].subject


def test_password_reset_unknown_address_answers_the_same_and_sends_nothing(client, applicant):
    response = request_reset(client, "nobody@example.cn")
    assert response.status_code == 302
    assert response["Location"] == reverse("password_reset_done")
    assert mail.outbox == []
    page = client.get(response["Location"]).content.decode()
    assert "如果该邮箱对应平台中的账号" in page


def test_password_reset_link_sets_a_new_password_once(client, applicant):
    request_reset(client, applicant.email)
    path = reset_link(mail.outbox[0]).split("://", 1)[1].split("/", 1)[1]
    response = client.get("/" + path)
    assert response.status_code == 302  # Django moves the token into the session
    form_url = response["Location"]
    assert "设置新密码" in client.get(form_url).content.decode()
    response = client.post(form_url, {"new_password1": NEW, "new_password2": NEW})
    assert response.status_code == 302
    assert response["Location"] == reverse("password_reset_complete")
    applicant.refresh_from_db()
    assert applicant.check_password(NEW)

    again = client.get("/" + path, follow=True).content.decode()
    assert "该重设链接无效或已过期" in again


def test_password_reset_refuses_weak_passwords_with_chinese_reasons(client, applicant):
    request_reset(client, applicant.email)
    path = reset_link(mail.outbox[0]).split("://", 1)[1].split("/", 1)[1]
    form_url = client.get("/" + path)["Location"]
    html = client.post(form_url, {"new_password1": "12345678", "new_password2": "12345678"}).content.decode()
    assert "至少" in html and "10" in html
    applicant.refresh_from_db()
    assert applicant.check_password(PASSWORD)


def test_password_reset_ends_a_login_lock(client, applicant):
    for _ in range(5):
        client.post(reverse("login"), {"username": "applicant", "password": "wrong-password"})
    assert client.post(reverse("login"), {"username": "applicant", "password": PASSWORD}).status_code == 429
    request_reset(client, applicant.email)
    path = reset_link(mail.outbox[0]).split("://", 1)[1].split("/", 1)[1]
    form_url = client.get("/" + path)["Location"]
    client.post(form_url, {"new_password1": NEW, "new_password2": NEW})
    response = client.post(reverse("login"), {"username": "applicant", "password": NEW})
    assert response.status_code == 302
    assert response["Location"] == reverse("dashboard")


def test_login_page_links_to_password_reset(client):
    assert reverse("password_reset") in client.get(reverse("login")).content.decode()


def test_password_change_from_the_header_keeps_the_session(login, applicant):
    client = login(applicant)
    assert reverse("password_change") in client.get(reverse("dashboard")).content.decode()
    response = client.post(reverse("password_change"),
                           {"old_password": PASSWORD, "new_password1": NEW, "new_password2": NEW})
    assert response.status_code == 302
    assert response["Location"] == reverse("password_change_done")
    assert client.get(reverse("dashboard")).status_code == 200
    applicant.refresh_from_db()
    assert applicant.check_password(NEW)


def test_password_change_wrong_old_password_changes_nothing(login, applicant):
    client = login(applicant)
    response = client.post(reverse("password_change"),
                           {"old_password": "not-it", "new_password1": NEW, "new_password2": NEW})
    assert response.status_code == 200
    applicant.refresh_from_db()
    assert applicant.check_password(PASSWORD)


def test_password_change_anonymous_is_sent_to_login(client):
    response = client.get(reverse("password_change"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


@pytest.mark.parametrize("password", ["Abc-12345", "1234567890123", "password12345", "applicant-2026"])
def test_password_rules_refuse(password, applicant):
    with pytest.raises(ValidationError):
        validate_password(password, user=applicant)


def test_password_rules_accept_a_long_mixed_password(applicant):
    assert validate_password(NEW, user=applicant) is None


def test_demo_password_still_logs_in_though_shorter_than_the_rule(client):
    seed_core()
    response = client.post(reverse("login"), {"username": "demo_admin", "password": DEMO_PASSWORD})
    assert response.status_code == 302


def test_password_reset_mails_one_address_at_most_three_times_an_hour(client, applicant):
    for _ in range(5):
        response = request_reset(client, applicant.email)
        assert response["Location"] == reverse("password_reset_done")  # the same answer every time
    assert len(mail.outbox) == 3


def test_password_reset_one_client_at_most_ten_requests_an_hour(client, applicant):
    for n in range(10):
        request_reset(client, f"someone{n}@example.cn")
    request_reset(client, applicant.email)
    assert mail.outbox == []
    client.defaults["REMOTE_ADDR"] = "198.51.100.77"
    request_reset(client, applicant.email)
    assert len(mail.outbox) == 1
