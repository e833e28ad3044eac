"""Two-step login (TOTP, django-otp) with recovery codes (django-otp's static device), or a passkey
(django-otp-webauthn's WebAuthnCredential, a django-otp device too: it counts as a confirmed device).

Required for department and agency staff and system administrators when PILOTBASE_2FA_REQUIRED is on
(default: on in production, off in the local mode so the demo and the tests sign in with a password
alone); any user may turn it on for their own account, and from then on it is asked at every login.
What a session still owes is decided once, at login, and kept in the session (PENDING), so pages
cost no query for it; TwoFactorMiddleware sends a session that owes it to the verify or setup page."""

from __future__ import annotations

import json

from django.conf import settings
from django.contrib.auth import SESSION_KEY
from django.contrib.auth.signals import user_logged_in
from django.db import transaction
from django.dispatch import receiver
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop
from django_otp import devices_for_user, user_has_device
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from .models import Role, User

PENDING = "pilotbase_2fa"  # "verify" or "setup" while this session owes the second step
ROLES = {Role.DEPARTMENT, Role.AGENCY, Role.ADMIN}
RECOVERY_CODES = 10
CODES_SHOWN = "pilotbase_2fa_codes"  # recovery codes just issued, until the page that shows them once pops them
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
    security_log(record=device, user=device.user, actor=device.user, transition="totp_enable",
                 label=gettext_noop("启用身份验证器"))
    return recovery_codes_issue(user=device.user, actor=device.user)


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


# --- The account's second factors (the 账号安全 page, pilotbase.views_security) ----------------------------
# A "second factor" is an authenticator (TOTP) or a passkey; recovery codes stand in for them and are issued to
# every user who has one, void once the last one is gone.


def passkeys_of(user: User):
    """The user's own passkeys, newest first (the selector of the security page and its actions)."""
    from django_otp_webauthn.models import WebAuthnCredential

    return WebAuthnCredential.objects.filter(user=user, confirmed=True).order_by("-created_at", "-id")


def has_totp(user: User) -> bool:
    return TOTPDevice.objects.filter(user=user, confirmed=True).exists()


def second_factors(user: User) -> int:
    return int(has_totp(user)) + passkeys_of(user).count()


def security_log(*, record, user: User, actor: User, transition: str, label: str, comment: str = "",
                 params: dict | None = None, detail: str = "") -> None:
    """An audit row about one of the user's devices, through the one audit door (`workflow.transition_log`):
    the device is the record, the user the subject; devices have no state, so the states are left empty.
    `label` and `comment` (with `params`) are gettext_noop texts, stored in the official language; `detail` is
    stored as given (a device's name)."""
    from .documents import official_language
    from .workflow import transition_log

    with official_language():
        text = " ".join(t for t in ((_(comment) % (params or {})) if comment else "", detail) if t)
    transition_log(record=record, subject=user, transition=transition, label=label, from_state="", to_state="",
                   actor=actor, comment=text)


@transaction.atomic
def recovery_codes_issue(*, user: User, actor: User) -> list[str]:
    """RECOVERY_CODES fresh one-use codes (the old ones are void); returns them, to be shown once. Stored as
    django-otp's static device keeps them; each is deleted when it is used."""
    StaticDevice.objects.filter(user=user).delete()
    static = StaticDevice.objects.create(user=user, name="恢复码", confirmed=True)
    codes = [StaticToken.random_token() for _ in range(RECOVERY_CODES)]
    StaticToken.objects.bulk_create([StaticToken(device=static, token=code) for code in codes])
    security_log(record=static, user=user, actor=actor, transition="recovery_codes_issue",
                 label=gettext_noop("生成恢复码"), comment=gettext_noop("共 %(n)d 个，原有恢复码作废。"),
                 params={"n": RECOVERY_CODES})
    return codes


@transaction.atomic
def passkey_registered(*, device, actor: User) -> list[str]:
    """After the package saved a new passkey: its default name (the user renames it on the security page),
    the audit row, and recovery codes if the user has none yet (a passkey-only user must not be locked out by
    losing the device); returns the codes issued, if any."""
    user = device.user
    count = passkeys_of(user).count()
    device.name = _("通行密钥 %(n)d") % {"n": count}
    device.save(update_fields=["name"])
    security_log(record=device, user=user, actor=actor, transition="passkey_add", label=gettext_noop("登记通行密钥"),
                 detail=device.name)
    if StaticDevice.objects.filter(user=user, confirmed=True).exists():
        return []
    return recovery_codes_issue(user=user, actor=actor)


PASSKEY_NAME_MAX = 64  # django-otp's Device.name


@transaction.atomic
def passkey_rename(*, device, actor: User, name: str):
    old = device.name
    device.name = name
    device.save(update_fields=["name"])
    security_log(record=device, user=device.user, actor=actor, transition="passkey_rename",
                 label=gettext_noop("重命名通行密钥"), detail=f"{old} → {name}")
    return device


class LastFactorRequired(Exception):
    """The device is the user's last second factor and the user's role must use two-step login."""


def _factor_remove(*, user: User, actor: User, device, transition: str, label: str, refusal: str) -> None:
    """Remove one second factor (the caller holds the user's row lock). Refused (LastFactorRequired) when it is
    the last one of a user who must use two-step login (two_factor_required); the last one of anybody else takes
    the recovery codes with it (two-step login is then off for the account)."""
    last = second_factors(user) <= 1
    if last and two_factor_required(user):
        raise LastFactorRequired(refusal)
    security_log(record=device, user=user, actor=actor, transition=transition, label=label, detail=device.name)
    type(device).objects.filter(pk=device.pk).delete()
    if last:
        for static in StaticDevice.objects.filter(user=user):
            security_log(record=static, user=user, actor=actor, transition="recovery_codes_void",
                         label=gettext_noop("恢复码作废"), comment=gettext_noop("最后一种两步验证方式已移除。"))
        StaticDevice.objects.filter(user=user).delete()


@transaction.atomic
def passkey_remove(*, device, actor: User) -> None:
    user = User.objects.select_for_update().get(pk=device.user_id)  # two removals at once cannot both pass
    _factor_remove(user=user, actor=actor, device=device, transition="passkey_remove",
                   label=gettext_noop("移除通行密钥"),
                   refusal=_("按平台安全要求，您的账号必须保留至少一种两步验证方式。请先启用身份验证器或登记另一个通行密钥，"
                             "再移除此通行密钥。"))


@transaction.atomic
def totp_remove(*, user: User, actor: User) -> bool:
    """Turn the authenticator off (the same rule as a passkey's removal); False if there was none."""
    user = User.objects.select_for_update().get(pk=user.pk)
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    if device is None:
        return False
    _factor_remove(user=user, actor=actor, device=device, transition="totp_remove",
                   label=gettext_noop("停用身份验证器"),
                   refusal=_("按平台安全要求，您的账号必须保留至少一种两步验证方式。请先登记一个通行密钥，再停用身份验证器。"))
    return True


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
            if response.status_code != 200:
                return response
            if self.request.session.get(PENDING) == "setup":
                second_step_done(self.request)
            device = passkeys_of(self.request.user).filter(pk=json.loads(response.content).get("id")).first()
            if device is None:  # the library answered without a confirmed credential: nothing to log or issue
                return response
            codes = passkey_registered(device=device, actor=self.request.user)
            if codes:
                self.request.session[CODES_SHOWN] = codes  # shown once by two_factor_codes, which pops them
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
