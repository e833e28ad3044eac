"""Chinese unless the user chose otherwise; private responses never cached."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest
from django.middleware.locale import LocaleMiddleware
from django.utils import translation
from django.utils.cache import patch_cache_control


class PortalLocaleMiddleware(LocaleMiddleware):
    """Django's LocaleMiddleware follows the browser's Accept-Language; a government portal speaks
    Chinese to everyone, and English only to a user who picked it with the language switcher (cookie)."""

    def process_request(self, request: HttpRequest) -> None:
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME, "")
        language = chosen if chosen in dict(settings.LANGUAGES) else settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = translation.get_language()


def _signed_in(request: HttpRequest) -> bool:
    """Without a session cookie the visitor is anonymous: the session is not even opened (no Vary: Cookie
    on a public page that never looked at it)."""
    if settings.SESSION_COOKIE_NAME not in request.COOKIES:
        return False
    user = getattr(request, "user", None)
    return bool(user is not None and user.is_authenticated)


class PrivateCacheMiddleware:
    """`Cache-Control: private, no-store` on every response meant for a signed-in user or coming from a
    login-protected view (pages, exports, files): a shared office computer's browser or a proxy must not
    keep them. Public pages seen anonymously keep whatever the view set."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest):
        response = self.get_response(request)
        if getattr(request, "_login_protected", False) or _signed_in(request):
            patch_cache_control(response, private=True, no_store=True)
        return response

    def process_view(self, request: HttpRequest, view_func, view_args, view_kwargs) -> None:
        # login_required (Django ≥ 5.1) leaves login_url on the view; pilotbase.actions.page leaves page_visible.
        if hasattr(view_func, "login_url") or hasattr(view_func, "page_visible"):
            request._login_protected = True


class RequestSizeLimitMiddleware:
    """Refuse a request whose declared body is larger than PILOTBASE_MAX_REQUEST_MB with a 413 page, before
    anything reads the body (CSRF reads POST, so this sits above it). Without a Content-Length Django reads
    no body at all, and the reverse proxy's client_max_body_size is the first cap (docs/operations.md)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest):
        limit_mb = settings.PILOTBASE_MAX_REQUEST_MB
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0  # Django itself treats a malformed Content-Length as an empty body
        if length > limit_mb * 1024 * 1024:
            from django.shortcuts import render

            return render(request, "413.html", {"size_mb": length / 1024 / 1024, "limit_mb": limit_mb},
                          status=413)
        return self.get_response(request)


class PortalNotFoundMiddleware:
    """A 404 raised by a view (a record the user may not see) is the portal's own page, in DEBUG too.

    Django shows its English technical page for every Http404 when DEBUG is on, so in local mode a role-gated
    record looked like a crash. Only view-raised 404s come through process_exception: a URL that matches no
    pattern still gets Django's debug page locally (the list of patterns helps developers)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest):
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception):
        from django.http import Http404

        if isinstance(exception, Http404):
            from .views import error_404

            return error_404(request, exception)
        return None
