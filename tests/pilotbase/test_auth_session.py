"""Sessions end after inactivity: the expiry slides with each request (a minute's precision)."""

from datetime import timedelta

import pytest
from django.contrib.sessions.models import Session
from django.urls import reverse
from django.utils import timezone

from pilotbase.auth import SEEN_AT
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db


def signed_in(client, user):
    response = client.post(reverse("login"), {"username": user.username, "password": PASSWORD})
    assert response.status_code == 302
    return Session.objects.get(pk=client.session.session_key)


def test_session_idle_default_is_two_hours(settings):
    assert settings.SESSION_COOKIE_AGE == 2 * 3600


def test_session_expires_after_inactivity(client, applicant):
    session = signed_in(client, applicant)
    Session.objects.filter(pk=session.pk).update(expire_date=timezone.now() - timedelta(seconds=1))
    response = client.get(reverse("dashboard"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_session_expiry_slides_with_use(client, applicant, settings):
    session = signed_in(client, applicant)
    soon = timezone.now() + timedelta(minutes=5)
    Session.objects.filter(pk=session.pk).update(expire_date=soon)
    store = client.session
    store[SEEN_AT] = store[SEEN_AT] - 61  # last refreshed over a minute ago
    store.save()
    Session.objects.filter(pk=session.pk).update(expire_date=soon)

    assert client.get(reverse("dashboard")).status_code == 200
    expiry = Session.objects.get(pk=session.pk).expire_date
    assert expiry > timezone.now() + timedelta(seconds=settings.SESSION_COOKIE_AGE - 60)


def test_session_not_written_by_requests_within_the_minute(client, applicant):
    signed_in(client, applicant)
    client.get(reverse("notifications"))
    before = Session.objects.get(pk=client.session.session_key).expire_date
    client.get(reverse("notifications"))
    assert Session.objects.get(pk=client.session.session_key).expire_date == before


def test_session_idle_setting_from_the_environment():
    from .test_auth_lockout import settings_values

    assert settings_values("SESSION_COOKIE_AGE", "PILOTBASE_REAUTH_MINUTES",
                           PILOTBASE_SESSION_IDLE_MINUTES="15", PILOTBASE_REAUTH_MINUTES="5") == ["900", "5"]


def test_a_request_reads_the_user_with_the_organization_its_header_names(client, applicant,
                                                                        django_assert_num_queries):
    """The header names the user's organization: the backend reads it with the user, in one query; a deactivated
    account is signed out (no user)."""
    from pilotbase.auth import UsernameOrEmailBackend

    backend = UsernameOrEmailBackend()
    with django_assert_num_queries(1):
        user = backend.get_user(applicant.pk)
        assert user.organization.name == applicant.organization.name
    signed_in(client, applicant)
    assert f"{applicant.organization.name}</span>" in client.get(reverse("dashboard")).content.decode()
    type(applicant).objects.filter(pk=applicant.pk).update(is_active=False)
    assert backend.get_user(applicant.pk) is None
    assert client.get(reverse("dashboard")).status_code == 302
