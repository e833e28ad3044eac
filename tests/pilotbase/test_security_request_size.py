"""Request size: an oversized body is refused from its Content-Length, before anything reads it."""

import io

import pytest
from django.conf import settings
from django.test import RequestFactory
from django.urls import reverse

from pilotbase.middleware import RequestSizeLimitMiddleware

pytestmark = pytest.mark.django_db


class _UnreadableBody(io.RawIOBase):
    """A wsgi.input that fails the test if anything reads it."""

    def readable(self):
        return True

    def read(self, *args):
        raise AssertionError("the body was read")

    readinto = readline = read


def _post_declaring(size: int):
    request = RequestFactory().post("/applications/1/attachments/add/", data=b"", content_type="multipart/form-data; boundary=x")
    request.META["CONTENT_LENGTH"] = str(size)
    request.META["wsgi.input"] = _UnreadableBody()
    return request


def test_request_over_the_cap_is_refused_with_413_before_the_body_is_read():
    def view(request):
        request.POST.get("csrfmiddlewaretoken")  # what CSRF would do
        raise AssertionError("the view ran")

    response = RequestSizeLimitMiddleware(view)(_post_declaring(60 * 1024 * 1024))
    html = response.content.decode()
    assert response.status_code == 413
    assert "提交的内容过大" in html
    assert f"超过了平台一次最多接收 {settings.PILOTBASE_MAX_REQUEST_MB} MB 的上限" in html


def test_request_within_the_cap_reaches_the_view():
    seen = []
    response = RequestSizeLimitMiddleware(lambda request: seen.append(request) or "ok")(
        _post_declaring(1024 * 1024))
    assert response == "ok" and len(seen) == 1


def test_malformed_content_length_is_not_a_500():
    request = RequestFactory().get("/")
    request.META["CONTENT_LENGTH"] = "abc"
    assert RequestSizeLimitMiddleware(lambda r: "ok")(request) == "ok"


def test_cap_is_enforced_in_the_middleware_stack(client, settings):
    """Through the whole stack (CSRF included, which would read POST): 413, not 403 or a read body."""
    settings.PILOTBASE_MAX_REQUEST_MB = 1
    response = client.post(reverse("login"), {"username": "x", "password": "y" * (2 * 1024 * 1024)})
    assert response.status_code == 413
    assert response["Content-Security-Policy"]


def test_default_cap_covers_the_largest_default_upload_with_a_margin():
    assert settings.PILOTBASE_MAX_REQUEST_MB > max(20, settings.ASSESSMENT_SITE_FILE_MAX_MB)
    assert settings.PILOTBASE_MAX_REQUEST_MB < 60  # the 60 MB upload of the audit is refused up front


def test_form_data_and_in_memory_files_are_capped():
    assert settings.DATA_UPLOAD_MAX_MEMORY_SIZE <= 5 * 1024 * 1024
    assert settings.FILE_UPLOAD_MAX_MEMORY_SIZE <= 5 * 1024 * 1024
    middleware = settings.MIDDLEWARE
    assert middleware.index("pilotbase.middleware.RequestSizeLimitMiddleware") < middleware.index(
        "django.middleware.csrf.CsrfViewMiddleware")
