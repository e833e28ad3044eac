"""Two-step login (TOTP, django-otp) with recovery codes (django-otp's static device), or a passkey
(django-otp-webauthn's WebAuthnCredential, a django-otp device too: it counts as a confirmed device).

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
PASSKEY_NAMESPACE = "otp_webauthn"  # django-otp-webauthn's JSON endpoints (pilotbase.urls: 2fa/passkey/)
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
        if match is not None and match.namespace == PASSKEY_NAMESPACE:
            return None  # the passkey ceremonies of the verify/setup pages (the package checks the rest)
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


def passkey_urlpatterns():
    """django-otp-webauthn's endpoints, with the two that finish a ceremony also settling what the session
    owes (a passkey registered, or used at the verify page, is the second step done)."""
    from django.urls import path
    from django_otp_webauthn import views as webauthn
    from django_otp_webauthn.urls import urlpatterns

    class SessionVerified:
        """The package asks user.is_verified() (django-otp's OTPMiddleware, not installed here: it would cost a
        query a page). Here a session is verified when it owes no second step (PENDING is decided at login)."""

        def get_user(self):
            user = super().get_user()
            if user is not None:
                user.is_verified = lambda: PENDING not in self.request.session
            return user

    class BeginRegistration(SessionVerified, webauthn.BeginCredentialRegistrationView):
        pass

    class CompleteRegistration(SessionVerified, webauthn.CompleteCredentialRegistrationView):
        def post(self, *args, **kwargs):
            response = super().post(*args, **kwargs)
            if response.status_code == 200 and self.request.session.get(PENDING) == "setup":
                second_step_done(self.request)
            return response

    class CompleteAuthentication(webauthn.CompleteCredentialAuthenticationView):
        def complete_auth(self, device):
            super().complete_auth(device)
            second_step_done(self.request)

    replaced = {"credential-registration-begin": BeginRegistration,
                "credential-registration-complete": CompleteRegistration,
                "credential-authentication-complete": CompleteAuthentication}
    return [path(str(p.pattern), replaced[p.name].as_view(), name=p.name) if p.name in replaced else p
            for p in urlpatterns]
