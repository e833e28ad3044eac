"""Who may log in, and for how long: the username-or-e-mail backend, the login lockout (django-axes),
re-authentication before sensitive actions, and the sliding session expiry."""

from __future__ import annotations

import ipaddress
import time
from functools import wraps
from urllib.parse import urlencode

from axes.handlers.database import AxesDatabaseHandler
from axes.helpers import get_failure_limit
from axes.models import AccessAttempt
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import SESSION_KEY, get_user_model, logout
from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.signals import user_logged_in
from django.contrib.auth.views import redirect_to_login
from django.db.models import Sum
from django.dispatch import receiver
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _

from .net import client_ip


class UsernameOrEmailBackend(ModelBackend):
    """Log in with the username or the e-mail address (case-insensitive)."""

    def authenticate(self, request, username=None, password=None, **kwargs):
        if username is None or password is None:
            return None
        model = get_user_model()
        field = "email__iexact" if "@" in username else "username"
        user = model._default_manager.filter(**{field: username.strip()}).first()
        if user is None:
            model().set_password(password)  # same time cost as a real check (no user enumeration)
            return None
        if user.check_password(password) and self.user_can_authenticate(user):
            return user
        return None

    def get_user(self, user_id):
        """The signed-in user of a request, with what every page's header shows: the organization and the bell's
        count of unread notifications (`_unread_count`, read by context_processors.portal), one query, not three."""
        from .models import Notification
        from .subqueries import CountOf

        unread = CountOf(Notification.objects.filter(recipient_id=user_id, read_at__isnull=True))
        user = (get_user_model()._default_manager.select_related("organization").annotate(_unread_count=unread)
                .filter(pk=user_id).first())
        return user if user is not None and self.user_can_authenticate(user) else None


# --- Login lockout (django-axes; settings: PILOTBASE_LOGIN_*) ------------------------------------


def login_account(request, credentials: dict | None) -> str:
    """The account a login attempt is about, as axes counts it: the e-mail address typed in place of the
    username counts against the same account, so an attacker gains nothing by switching between them. An
    unknown name is counted as typed (the same lock applies, so a lock does not reveal which names exist)."""
    raw = (credentials or {}).get("username")
    if raw is None and request is not None:
        raw = request.POST.get("username")
    raw = (raw or "").strip()[:255]
    if "@" in raw:
        user = get_user_model()._default_manager.filter(email__iexact=raw).only("username").first()
        if user is not None:
            return user.get_username()
    return raw


def login_client_ip(request) -> str | None:
    """The client's address behind `PILOTBASE_PROXY_COUNT` proxies (pilotbase.net.client_ip), or None when
    it is not an IP address (axes stores it in a GenericIPAddressField)."""
    address = client_ip(request)
    try:
        ipaddress.ip_address(address)
    except ValueError:
        return None
    return address


class LoginAttemptHandler(AxesDatabaseHandler):
    """axes' database handler with two limits: AXES_LOCKOUT_PARAMETERS is ["username", "ip_address"], and
    the address counts only once it reaches PILOTBASE_LOGIN_ADDRESS_FAILURE_LIMIT (an office behind one
    NAT address must not be locked out by five typos of different people). A successful login clears the
    account's own failures, never the address's (one valid account must not reset an attacker's count)."""

    def get_failures(self, request, credentials: dict | None = None) -> int:
        account, address = (
            attempts.aggregate(n=Sum("failures_since_start"))["n"] or 0
            for attempts in self.get_user_attempts(request, credentials)
        )
        if address >= settings.PILOTBASE_LOGIN_ADDRESS_FAILURE_LIMIT:
            return max(account, address, get_failure_limit(request, credentials))
        return account

    def user_logged_in(self, sender, request, user, **kwargs):
        super().user_logged_in(sender, request, user, **kwargs)
        AccessAttempt.objects.filter(username=user.get_username()).delete()


def lockout_message() -> str:
    minutes = settings.PILOTBASE_LOGIN_LOCKOUT_MINUTES
    if minutes:
        return _("登录失败次数过多，该账号或您所在的网络地址已被暂时锁定。请在 %(minutes)d 分钟后再试，"
                 "或通过「忘记密码」重设密码后登录；如需立即解锁，请联系系统管理员。") % {"minutes": minutes}
    return _("登录失败次数过多，该账号或您所在的网络地址已被锁定。请通过「忘记密码」重设密码，或联系系统管理员解除锁定。")


def lockout_response(request, original_response=None, credentials=None) -> HttpResponse:
    """The login page again, with the lock explained (429), instead of axes' bare text. A signed-in user
    locked out while re-entering the password (pilotbase.views_account.reauth) is signed out too."""
    from .views import LoginForm

    if request.user.is_authenticated:
        logout(request)

    username = (credentials or {}).get("username") or request.POST.get("username", "")
    form = LoginForm(request, initial={"username": str(username)[:255]})
    context = {"form": form, "next": request.POST.get("next", request.GET.get("next", "")),
               "locked_message": lockout_message()}
    return render(request, "pilotbase/login.html", context, status=429)


# --- Session: when it last proved its password, when it was last used ------------------------------

AUTH_AT = "pilotbase_auth_at"  # epoch seconds of the last password check in this session (login or re-auth)
SEEN_AT = "pilotbase_seen_at"  # epoch seconds of the last refresh of the session's expiry
SEEN_REFRESH_SECONDS = 60


def reauth_stamp(request) -> None:
    now = int(time.time())
    request.session[AUTH_AT] = now
    request.session[SEEN_AT] = now


@receiver(user_logged_in)
def _stamp_login(sender, request, user, **kwargs) -> None:
    if request is not None and hasattr(request, "session"):
        reauth_stamp(request)


def recently_authenticated(request) -> bool:
    age = time.time() - float(request.session.get(AUTH_AT) or 0)
    return age <= settings.PILOTBASE_REAUTH_MINUTES * 60


def recent_login_required(view):
    """The view runs only if this session checked the password within PILOTBASE_REAUTH_MINUTES; otherwise
    the user is sent to 请再次输入密码 and back: to this page for a GET, to the page the form was on for
    a POST (the user submits again; nothing posted is acted on unconfirmed)."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if recently_authenticated(request):
            return view(request, *args, **kwargs)
        target = request.get_full_path()
        if request.method != "GET":
            referer = request.META.get("HTTP_REFERER", "")
            safe = url_has_allowed_host_and_scheme(referer, allowed_hosts={request.get_host()},
                                                   require_https=request.is_secure())
            target = referer if safe else reverse("dashboard")
            messages.info(request, _("请再次输入密码，确认后请重新提交刚才的操作。"))
        return redirect(f"{reverse('reauth')}?{urlencode({'next': target})}")

    return wrapper


class SessionIdleMiddleware:
    """Sessions end SESSION_COOKIE_AGE after the last request (sliding expiry). Rather than saving the
    session on every request (SESSION_SAVE_EVERY_REQUEST: a write per page), a signed-in session is
    marked modified when its expiry was last refreshed over a minute ago, so the expiry slides with one
    minute's precision and most requests write nothing. Placed after AuthenticationMiddleware."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        session = getattr(request, "session", None)
        if session is not None and SESSION_KEY in session:
            now = int(time.time())
            if now - int(session.get(SEEN_AT) or 0) >= SEEN_REFRESH_SECONDS:
                session[SEEN_AT] = now
        return self.get_response(request)
