"""Two-step login (TOTP, django-otp) with recovery codes (django-otp's static device).

Required for department and agency staff and system administrators when PILOTBASE_2FA_REQUIRED is on
(default: on in production, off in the local mode so the demo and the tests sign in with a password
alone); any user may turn it on for their own account, and from then on it is asked at every login.
What a session still owes is decided once, at login, and kept in the session (PENDING), so pages
cost no query for it; TwoFactorMiddleware sends a session that owes it to the verify or setup page."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth import SESSION_KEY
from django.contrib.auth.signals import user_logged_in
from django.db import transaction
from django.dispatch import receiver
from django.shortcuts import redirect
from django.urls import reverse
from django_otp import devices_for_user, user_has_device
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from .models import Role, User

PENDING = "pilotbase_2fa"  # "verify" or "setup" while this session owes the second step
ROLES = {Role.DEPARTMENT, Role.AGENCY, Role.ADMIN}
RECOVERY_CODES = 10
# Pages a session that owes the second step may still open.
OPEN_URL_NAMES = {"two_factor_verify", "two_factor_setup", "logout", "set_language", "healthz"}


def two_factor_required(user: User) -> bool:
    return bool(settings.PILOTBASE_2FA_REQUIRED and (user.role in ROLES or user.is_superuser))


def two_factor_owed(user: User) -> str:
    if user_has_device(user, confirmed=True):
        return "verify"
    return "setup" if two_factor_required(user) else ""


@receiver(user_logged_in)
def _owe_second_step(sender, request, user, **kwargs) -> None:
    if request is None or not hasattr(request, "session"):
        return
    owed = two_factor_owed(user)
    if owed:
        request.session[PENDING] = owed
    else:
        request.session.pop(PENDING, None)


def second_step_done(request) -> None:
    request.session.pop(PENDING, None)


class TwoFactorMiddleware:
    """After AuthenticationMiddleware: a signed-in session that owes the second step sees only the
    verify/setup pages (and logout) until it is done."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        session = getattr(request, "session", None)
        owed = session.get(PENDING) if session is not None else None
        if not owed or SESSION_KEY not in session:
            return None
        match = request.resolver_match
        if match is not None and match.url_name in OPEN_URL_NAMES and not match.namespace:
            return None
        page = "two_factor_verify" if owed == "verify" else "two_factor_setup"
        from urllib.parse import urlencode

        return redirect(f"{reverse(page)}?{urlencode({'next': request.get_full_path()})}")


def totp_device_pending(user: User) -> TOTPDevice:
    """The unconfirmed authenticator being set up (one per user; a new key each time setup restarts
    would make the QR code already scanned useless, so it is kept until confirmed)."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).first()
    return device or TOTPDevice.objects.create(user=user, name="身份验证器", confirmed=False)


@transaction.atomic
def two_factor_enable(*, device: TOTPDevice) -> list[str]:
    """Confirm the authenticator and issue fresh recovery codes (old ones are void); returns the codes,
    shown once."""
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    TOTPDevice.objects.filter(user=device.user, confirmed=False).delete()
    StaticDevice.objects.filter(user=device.user).delete()
    static = StaticDevice.objects.create(user=device.user, name="恢复码", confirmed=True)
    codes = [StaticToken.random_token() for _ in range(RECOVERY_CODES)]
    StaticToken.objects.bulk_create([StaticToken(device=static, token=code) for code in codes])
    return codes


def two_factor_match(*, user: User, token: str):
    """The device (authenticator or recovery codes) that accepts `token`, or None. Each device throttles
    its own failures (django-otp: growing delay) and a recovery code is used up when it matches."""
    token = "".join(token.split())
    with transaction.atomic():
        for device in devices_for_user(user, confirmed=True, for_verify=True):
            if device.verify_token(token):
                return device
    return None


def recovery_codes_left(user: User) -> int:
    return StaticToken.objects.filter(device__user=user, device__confirmed=True).count()
