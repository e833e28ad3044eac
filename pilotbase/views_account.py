"""The account pages around the login: password reset by e-mail, password change, re-authentication.

Django's own auth views with Chinese templates (pilotbase/account_form.html, account_message.html); the
reset e-mail is the three templates emails/password_reset.* rendered in Chinese and sent at once (it is
not a Notification: its link is a credential and must not sit in the Delivery table or the bell)."""

from __future__ import annotations

import hashlib

from axes.utils import reset as axes_reset
from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import authenticate
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import PasswordResetForm
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse_lazy
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, gettext_noop
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters

from .auth import reauth_stamp
from .documents import official_language
from .net import client_ip

RESET_MAILS_PER_ADDRESS = 3
RESET_REQUESTS_PER_CLIENT = 10


class PasswordResetEmailForm(PasswordResetForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["email"].label = gettext_lazy("注册时填写的电子邮箱")

    def save(self, *args, request=None, **kwargs):
        """Sends at most RESET_MAILS_PER_ADDRESS mails an hour to one e-mail address and RESET_REQUESTS_PER_CLIENT
        requests an hour from one client address (no mail bombing through the form); over the limit nothing is
        sent and the page says the same as always (nothing to learn from it)."""
        email_key = "pilotbase:password-reset:email:" + hashlib.sha256(
            self.cleaned_data["email"].strip().lower().encode()).hexdigest()
        client_key = f"pilotbase:password-reset:client:{client_ip(request) if request else ''}"
        if ((cache.get(email_key) or 0) >= RESET_MAILS_PER_ADDRESS
                or (cache.get(client_key) or 0) >= RESET_REQUESTS_PER_CLIENT):
            return
        for key in (email_key, client_key):
            if not cache.add(key, 1, 3600):
                try:
                    cache.incr(key)
                except ValueError:  # expired between add and incr
                    cache.set(key, 1, 3600)
        super().save(*args, request=request, **kwargs)

    def send_mail(self, subject_template_name, email_template_name, context, from_email, to_email,
                  html_email_template_name=None):
        # The link is built from SITE_URL, never from the request's Host header (which a client can set).
        context = {**context, "site_url": settings.SITE_URL, "portal_name": settings.PORTAL_NAME,
                   "valid_hours": settings.PASSWORD_RESET_TIMEOUT // 3600}
        with official_language():
            super().send_mail(subject_template_name, email_template_name, context, from_email, to_email,
                              html_email_template_name)


_FORM = "pilotbase/account_form.html"
_MESSAGE = "pilotbase/account_message.html"

password_reset = auth_views.PasswordResetView.as_view(
    template_name=_FORM, form_class=PasswordResetEmailForm,
    subject_template_name="emails/password_reset.subject.txt", email_template_name="emails/password_reset.txt",
    html_email_template_name="emails/password_reset.html", success_url=reverse_lazy("password_reset_done"),
    extra_context={"title": gettext_lazy("忘记密码"), "submit": gettext_lazy("发送重设链接"),
                   "intro": gettext_lazy("请输入账号登记的电子邮箱，平台将向该邮箱发送重设密码的链接。")},
)
password_reset_done = auth_views.PasswordResetDoneView.as_view(
    template_name=_MESSAGE,
    extra_context={"title": gettext_lazy("重设链接已发送"), "message": gettext_lazy(
        "如果该邮箱对应平台中的账号，重设密码的链接已发往该邮箱，请在有效期内打开。"
        "若几分钟内未收到，请检查垃圾邮件，或联系系统管理员。")},
)


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    template_name = _FORM
    success_url = reverse_lazy("password_reset_complete")
    extra_context = {"title": gettext_lazy("设置新密码"), "submit": gettext_lazy("保存新密码"),
                     "invalid": gettext_lazy("该重设链接无效或已过期（每个链接只能使用一次）。请重新申请。")}

    def form_valid(self, form):
        response = super().form_valid(form)
        # Whoever opened the link controls the account's e-mail: a login lock on the account ends here.
        axes_reset(username=form.user.get_username())
        return response


password_reset_confirm = PasswordResetConfirmView.as_view()
password_reset_complete = auth_views.PasswordResetCompleteView.as_view(
    template_name=_MESSAGE,
    extra_context={"title": gettext_lazy("密码已重设"), "message": gettext_lazy("新密码已生效，请用新密码登录。"),
                   "link_url": reverse_lazy("login"), "link_label": gettext_lazy("前往登录")},
)
password_change = auth_views.PasswordChangeView.as_view(
    template_name=_FORM, success_url=reverse_lazy("password_change_done"),
    extra_context={"title": gettext_lazy("修改密码"), "submit": gettext_lazy("保存新密码"),
                   "link_url": reverse_lazy("account_security"),
                   "link_label": gettext_lazy("账号安全：两步验证、通行密钥与恢复码")},
)
password_change_done = auth_views.PasswordChangeDoneView.as_view(
    template_name=_MESSAGE,
    extra_context={"title": gettext_lazy("密码已修改"), "message": gettext_lazy("新密码已生效，下次登录请使用新密码。"),
                   "link_url": reverse_lazy("dashboard"), "link_label": gettext_lazy("返回工作台")},
)


class ReauthForm(forms.Form):
    password = forms.CharField(label=gettext_lazy("密码"), strip=False,
                               widget=forms.PasswordInput(attrs={"autocomplete": "current-password", "autofocus": True}))


def _safe_next(request: HttpRequest) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()},
                                       require_https=request.is_secure()):
        return target
    return str(reverse_lazy("dashboard"))


@sensitive_post_parameters("password")
@never_cache
@login_required
def reauth(request: HttpRequest) -> HttpResponse:
    """请再次输入密码: the password again (counted by the login lockout like any login), then back."""
    form = ReauthForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        user = authenticate(request, username=request.user.get_username(), password=form.cleaned_data["password"])
        if user is not None and user.pk == request.user.pk:
            reauth_stamp(request)
            return redirect(_safe_next(request))
        form.add_error("password", _("密码不正确，请重新输入。"))
    return render(request, _FORM, {
        "form": form, "next": _safe_next(request), "title": _("请再次输入密码"), "submit": _("确认"),
        "intro": _("您要进行的操作较为重要，且距上次输入密码已超过 %(minutes)d 分钟。为确认是您本人操作，请再次输入登录密码。")
        % {"minutes": settings.PILOTBASE_REAUTH_MINUTES},
    })


# --- Two-step login (pilotbase.twofactor) ---------------------------------------------------------


class TokenForm(forms.Form):
    token = forms.CharField(label=gettext_lazy("动态验证码或恢复码"), max_length=32, widget=forms.TextInput(
        attrs={"autocomplete": "one-time-code", "inputmode": "text", "autofocus": True}))


@never_cache
@login_required
def two_factor_verify(request: HttpRequest) -> HttpResponse:
    from django_otp import login as otp_login
    from django_otp.plugins.otp_static.models import StaticDevice

    from . import twofactor

    if request.session.get(twofactor.PENDING) != "verify":
        return redirect(_safe_next(request))
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        device = twofactor.two_factor_match(user=request.user, token=form.cleaned_data["token"])
        if device is not None:
            otp_login(request, device)
            twofactor.second_step_done(request)
            if isinstance(device, StaticDevice):
                twofactor.security_log(record=device, user=request.user, actor=request.user,
                                       transition="recovery_code_use", label=gettext_noop("使用恢复码登录"),
                                       comment=gettext_noop("还剩 %(n)d 个。"), params={"n": twofactor.recovery_codes_left(request.user)})
                messages.warning(request, _("您使用了一个恢复码（每个只能用一次），还剩 %(n)d 个。")
                                 % {"n": twofactor.recovery_codes_left(request.user)})
            return redirect(_safe_next(request))
        form.add_error("token", _("验证码不正确或已过期，请输入身份验证器中当前显示的 6 位数字，或一个未用过的恢复码。"))
    from django_otp_webauthn.models import WebAuthnCredential

    passkey = WebAuthnCredential.objects.filter(user=request.user, confirmed=True).exists()
    if twofactor.has_totp(request.user):
        intro = _("请打开手机上的身份验证器，输入本平台账号当前显示的 6 位动态验证码；手机不在身边时，可输入一个恢复码。")
    else:
        intro = _("请使用下方的“使用通行密钥验证”；登记通行密钥的设备不在身边时，可在此输入一个恢复码。")
    return render(request, "pilotbase/two_factor_verify.html", {
        "passkey": passkey, "form": form, "next": _safe_next(request), "title": _("两步验证"), "submit": _("验证"),
        "intro": intro,
    })


@never_cache
@login_required
def two_factor_setup(request: HttpRequest) -> HttpResponse:
    import segno
    from django_otp import login as otp_login

    from . import twofactor

    owed = request.session.get(twofactor.PENDING)
    if owed == "verify":
        return redirect("two_factor_verify")
    if twofactor.has_totp(request.user):
        # One authenticator per account; passkeys are added on the security page (a user with a passkey only
        # may still set up an authenticator here).
        messages.info(request, _("您的账号已启用身份验证器。可在本页登记通行密钥、管理恢复码。"))
        return redirect("account_security")
    device = twofactor.totp_device_pending(request.user)
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if device.verify_token("".join(form.cleaned_data["token"].split())):
            codes = twofactor.two_factor_enable(device=device)
            otp_login(request, device)
            twofactor.second_step_done(request)
            return render(request, "pilotbase/two_factor_codes.html", {"codes": codes, "next": _safe_next(request)})
        form.add_error("token", _("验证码不正确，请确认手机时间准确后，输入身份验证器中当前显示的 6 位数字。"))
    from base64 import b32encode

    secret = b32encode(device.bin_key).decode()
    return render(request, "pilotbase/two_factor_setup.html", {
        "form": form, "next": _safe_next(request), "required": owed == "setup",
        "qr": segno.make(device.config_url, error="m").svg_data_uri(scale=4, border=2),
        "secret": " ".join(secret[i:i + 4] for i in range(0, len(secret), 4)),
    })
