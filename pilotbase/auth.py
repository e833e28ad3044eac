"""Who may log in: the username-or-e-mail backend, the login lockout (django-axes) and re-authentication."""

from __future__ import annotations

import ipaddress

from axes.handlers.database import AxesDatabaseHandler
from axes.helpers import get_failure_limit
from axes.models import AccessAttempt
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.db.models import Sum
from django.http import HttpResponse
from django.shortcuts import render
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
        return _("登录失败次数过多，该账号或您所在的网络地址已被暂时锁定。请在 %(minutes)d 分钟后再试；"
                 "如需立即解锁，请联系系统管理员。") % {"minutes": minutes}
    return _("登录失败次数过多，该账号或您所在的网络地址已被锁定。请联系系统管理员解除锁定。")


def lockout_response(request, original_response=None, credentials=None) -> HttpResponse:
    """The login page again, with the lock explained (429), instead of axes' bare text."""
    from .views import LoginForm

    username = (credentials or {}).get("username") or request.POST.get("username", "")
    form = LoginForm(request, initial={"username": str(username)[:255]})
    context = {"form": form, "next": request.POST.get("next", request.GET.get("next", "")),
               "locked_message": lockout_message()}
    return render(request, "pilotbase/login.html", context, status=429)
