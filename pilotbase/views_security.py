"""账号安全: the signed-in user's own second factors (pilotbase.twofactor) — the authenticator's state, the
passkeys (named by the user, with when each was added and last used; add, rename, remove), and the recovery
codes (how many are left; new ones after the password again). Every change is a service in twofactor and an
audit row; a user sees and touches only their own devices (another's passkey id answers 404)."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from . import twofactor
from .actions import page
from .auth import recent_login_required
from .inputs import CleanTextMixin
from .views_account import _safe_next


@never_cache
@page()
def account_security(request: HttpRequest) -> HttpResponse:
    user = request.user
    passkeys = list(twofactor.passkeys_of(user))
    has_totp = twofactor.has_totp(user)
    return render(request, "pilotbase/account_security.html", {
        "passkeys": passkeys, "has_totp": has_totp, "has_factor": has_totp or bool(passkeys),
        "required": twofactor.two_factor_required(user), "codes_left": twofactor.recovery_codes_left(user),
        "codes_total": twofactor.RECOVERY_CODES,
        "codes_url": f"{reverse('two_factor_codes')}?next={reverse('account_security')}",
    })


class PasskeyNameForm(CleanTextMixin, forms.Form):
    name = forms.CharField(label=gettext_lazy("名称"), max_length=twofactor.PASSKEY_NAME_MAX,
                           help_text=gettext_lazy("便于您辨认的名称，如“办公室电脑”“手机”“蓝色安全密钥”。"),
                           error_messages={"required": gettext_lazy("请填写名称。"),
                                           "max_length": gettext_lazy("名称最多 %(limit_value)d 个字。")},
                           widget=forms.TextInput(attrs={"autofocus": True}))


@never_cache
@page()
def passkey_rename(request: HttpRequest, pk: int) -> HttpResponse:
    device = get_object_or_404(twofactor.passkeys_of(request.user), pk=pk)
    form = PasskeyNameForm(request.POST or None, initial={"name": device.name})
    if request.method == "POST" and form.is_valid():
        twofactor.passkey_rename(device=device, actor=request.user, name=form.cleaned_data["name"])
        messages.success(request, _("通行密钥已重命名为“%(name)s”。") % {"name": form.cleaned_data["name"]})
        return redirect("account_security")
    return render(request, "pilotbase/account_form.html", {
        "form": form, "title": _("重命名通行密钥"), "submit": _("保存"),
        "link_url": reverse("account_security"), "link_label": _("返回账号安全"),
    })


@require_POST
@page()
@recent_login_required
def passkey_remove(request: HttpRequest, pk: int) -> HttpResponse:
    device = get_object_or_404(twofactor.passkeys_of(request.user), pk=pk)
    try:
        twofactor.passkey_remove(device=device, actor=request.user)
    except twofactor.LastFactorRequired as refused:
        messages.error(request, str(refused))
    else:
        messages.success(request, _("通行密钥“%(name)s”已移除。") % {"name": device.name})
    return redirect("account_security")


@require_POST
@page()
@recent_login_required
def totp_remove(request: HttpRequest) -> HttpResponse:
    try:
        removed = twofactor.totp_remove(user=request.user, actor=request.user)
    except twofactor.LastFactorRequired as refused:
        messages.error(request, str(refused))
    else:
        if removed:
            messages.success(request, _("身份验证器已停用，其中的动态验证码不再有效。"))
        else:
            messages.info(request, _("您的账号未启用身份验证器。"))
    return redirect("account_security")


@require_POST
@page()
@recent_login_required
def recovery_codes_regenerate(request: HttpRequest) -> HttpResponse:
    if not twofactor.second_factors(request.user):
        messages.error(request, _("请先启用身份验证器或登记通行密钥，再生成恢复码。"))
        return redirect("account_security")
    request.session[twofactor.CODES_SHOWN] = twofactor.recovery_codes_issue(user=request.user, actor=request.user)
    return redirect(f"{reverse('two_factor_codes')}?next={reverse('account_security')}")


@require_GET
@never_cache
@page()
def two_factor_codes(request: HttpRequest) -> HttpResponse:
    """The recovery codes just issued, once: they leave the session as this page shows them (nothing to show:
    straight on)."""
    codes = request.session.pop(twofactor.CODES_SHOWN, None)
    if not codes:
        return redirect(_safe_next(request))
    return render(request, "pilotbase/two_factor_codes.html", {
        "codes": codes, "next": _safe_next(request), "title": _("请保存恢复码"),
    })
