"""Cache headers for private responses, and X-Frame-Options on static files too."""

import pytest
from django.urls import reverse

from tests import factories as f
from tests.applications.conftest import attach_all

pytestmark = pytest.mark.django_db


def _cache_control(response) -> set[str]:
    return {part.strip() for part in response.get("Cache-Control", "").split(",") if part.strip()}


def test_signed_in_page_is_private_no_store(login, applicant):
    response = login(applicant).get(reverse("dashboard"))
    assert response.status_code == 200
    assert {"private", "no-store"} <= _cache_control(response)


def test_signed_in_public_page_is_private_no_store(login, applicant):
    """The header names the signed-in user, so even a public page is not kept for the next one."""
    response = login(applicant).get(reverse("public:base_list"))
    assert response.status_code == 200
    assert {"private", "no-store"} <= _cache_control(response)


def test_private_file_is_private_no_store(login, applicant):
    app = f.ApplicationFactory(call=f.CallFactory(), applicant=applicant.organization)
    attach_all(app, applicant)
    attachment = app.attachments.first()
    response = login(applicant).get(reverse("applications:attachment", args=[app.pk, attachment.pk]))
    assert response.status_code == 200
    assert {"private", "no-store"} <= _cache_control(response)


def test_export_is_private_no_store(login, department_user):
    response = login(department_user).get(reverse("applications:export"))
    assert response.status_code == 200
    assert {"private", "no-store"} <= _cache_control(response)


def test_anonymous_on_protected_view_gets_uncacheable_redirect(client):
    response = client.get(reverse("dashboard"))
    assert response.status_code == 302
    assert {"private", "no-store"} <= _cache_control(response)


def test_anonymous_public_page_stays_cacheable(client):
    response = client.get(reverse("public:base_list"))
    assert response.status_code == 200
    assert "no-store" not in _cache_control(response)
    assert "private" not in _cache_control(response)


def test_visitor_without_session_cookie_is_not_looked_up():
    """Without a session cookie the visitor is anonymous: the middleware never opens the session for it."""
    from django.http import HttpResponse
    from django.test import RequestFactory

    from pilotbase.middleware import PrivateCacheMiddleware

    class Untouchable:
        @property
        def is_authenticated(self):
            raise AssertionError("the session was opened")

    request = RequestFactory().get("/reviews/public/bases/")
    request.user = Untouchable()
    response = PrivateCacheMiddleware(lambda r: HttpResponse("公开页面"))(request)
    assert "no-store" not in _cache_control(response)


@pytest.mark.parametrize("path", ["/static/js/portal.js", "/static/bootstrap/js/bootstrap.bundle.min.js"])
def test_static_file_has_x_frame_options(client, path):
    response = client.get(path)
    assert response.status_code == 200
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    response.close()
