"""Re-authentication before sensitive actions: @recent_login_required and 请再次输入密码."""

from urllib.parse import parse_qs, urlsplit

import pytest
from django.http import HttpResponse
from django.test import RequestFactory
from django.urls import reverse

from applications.models import Application, ApplicationState
from pilotbase.auth import AUTH_AT, recent_login_required
from reviews.services.certification import notice_close
from tests.factories import PASSWORD
from tests.reviews.certification import conftest as certification

# The certification stage's fixtures (a closed notice of two applications), used here as they are there.
call, make_passed, app_a, app_b, draft_notice, published_notice = (
    certification.call, certification.make_passed, certification.app_a,
    certification.app_b, certification.draft_notice, certification.published_notice)

pytestmark = pytest.mark.django_db


def age_login(client, minutes):
    session = client.session
    session[AUTH_AT] = session[AUTH_AT] - minutes * 60
    session.save()


def next_of(location: str) -> str:
    parts = urlsplit(location)
    assert parts.path == reverse("reauth")
    return parse_qs(parts.query)["next"][0]


@pytest.fixture
def closed(published_notice, department_user):
    """The notice closed by the department at the end of its period (certification's closed_notice)."""
    return notice_close(notice=published_notice, actor=department_user, today=published_notice.ends_on)


def certify(client, notice, **extra):
    return client.post(reverse("reviews:cert_run", args=[notice.pk]), {"certified_on": "2026-11-28"}, **extra)


def test_certify_view_is_guarded_before_it_runs(login, department_user):
    client = login(department_user)
    age_login(client, 31)
    response = client.post(reverse("reviews:cert_run", args=[987654]), {"certified_on": "2026-11-28"})
    assert response.status_code == 302  # not the view's 404: the password is asked first
    assert next_of(response["Location"]) == reverse("dashboard")  # no referer: back to the dashboard


def test_certify_after_an_old_login_asks_for_the_password_and_certifies_nothing(login, department_user, closed, app_a):
    client = login(department_user)
    age_login(client, 31)
    detail = "http://testserver" + reverse("reviews:notice_detail", args=[closed.pk])
    response = certify(client, closed, HTTP_REFERER=detail)
    assert response.status_code == 302
    assert next_of(response["Location"]) == detail
    assert Application.objects.get(pk=app_a.pk).state != ApplicationState.CERTIFIED


def test_certify_after_entering_the_password_again(login, department_user, closed, app_a,
                                                   django_capture_on_commit_callbacks):
    client = login(department_user)
    age_login(client, 31)
    detail = reverse("reviews:notice_detail", args=[closed.pk])
    location = certify(client, closed, HTTP_REFERER="http://testserver" + detail)["Location"]
    page = client.get(location).content.decode()
    assert "请再次输入密码" in page
    assert "30 分钟" in page

    wrong = client.post(location, {"password": "not-it"})
    assert wrong.status_code == 200
    assert "密码不正确" in wrong.content.decode()

    response = client.post(location, {"password": PASSWORD})
    assert response.status_code == 302
    assert response["Location"] == "http://testserver" + detail
    with django_capture_on_commit_callbacks(execute=True):
        assert certify(client, closed).status_code == 302
    assert Application.objects.get(pk=app_a.pk).state == ApplicationState.CERTIFIED


def test_certify_within_the_window_needs_no_password(login, department_user, closed, app_a,
                                                     django_capture_on_commit_callbacks):
    client = login(department_user)
    age_login(client, 29)
    with django_capture_on_commit_callbacks(execute=True):
        response = certify(client, closed)
    assert response["Location"] == reverse("reviews:notice_detail", args=[closed.pk])
    assert Application.objects.get(pk=app_a.pk).state == ApplicationState.CERTIFIED


def test_certify_non_staff_still_404_not_a_password_prompt(login, applicant, closed):
    client = login(applicant)
    age_login(client, 31)
    # The decorator runs before the view's own scoping, so an old login is asked first: nothing leaks either way.
    assert certify(client, closed).status_code == 302
    age_login(client, -31)
    assert certify(client, closed).status_code == 404


def test_reauth_window_follows_the_setting(login, department_user, settings):
    settings.PILOTBASE_REAUTH_MINUTES = 5
    view = recent_login_required(lambda request: HttpResponse("ok"))
    client = login(department_user)
    request = RequestFactory().get("/sensitive/?x=1")
    request.user = department_user
    request.session = client.session
    assert view(request).status_code == 200
    request.session[AUTH_AT] -= 6 * 60
    response = view(request)
    assert response.status_code == 302
    assert next_of(response["Location"]) == "/sensitive/?x=1"  # a GET comes back to itself


def test_reauth_refuses_an_outside_next(login, department_user):
    client = login(department_user)
    response = client.post(reverse("reauth") + "?next=https://evil.example/", {"password": PASSWORD})
    assert response["Location"] == reverse("dashboard")


def test_reauth_wrong_passwords_count_towards_the_lockout_and_sign_out(login, department_user):
    client = login(department_user)
    for _ in range(4):
        client.post(reverse("reauth"), {"password": "not-it"})
    response = client.post(reverse("reauth"), {"password": "not-it"})
    assert response.status_code == 429
    assert "登录失败次数过多" in response.content.decode()
    assert client.get(reverse("dashboard")).status_code == 302  # signed out


def test_reauth_anonymous_is_sent_to_login(client):
    assert client.get(reverse("reauth"))["Location"].startswith(reverse("login"))


def test_reauth_default_is_thirty_minutes(settings):
    assert settings.PILOTBASE_REAUTH_MINUTES == 30
