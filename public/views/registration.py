"""Self-registration: the public forms (an applicant unit, or a service requester) and the e-mail confirmation, and
the chosen authority's list and decision pages for applicant units (signed in; another authority's request is a
404)."""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache

from pilotbase import registration as svc
from pilotbase.actions import Handler, page, run_action
from pilotbase.models import Registration, RegistrationKind, RegistrationState
from pilotbase.rules import is_applicant, is_authority, is_requester
from pilotbase.timeline import timeline_of
from pilotbase.workflow import WorkflowError, available_transitions

from ..forms import AcceptInviteForm, InviteForm, RegistrationForm, RejectForm, RequesterRegistrationForm
from ..throttle import RateLimit

REGISTRATIONS = RateLimit("registration", limit=3, window=3600)  # per address and hour; a unit registers once


@never_cache
def register(request: HttpRequest) -> HttpResponse:
    """申报单位注册: approved by the recommending authority the unit chooses."""
    return _register(request, RegistrationForm)


@never_cache
def register_requester(request: HttpRequest) -> HttpResponse:
    """服务需求方注册: no authority; the confirmed e-mail opens the account."""
    return _register(request, RequesterRegistrationForm)


def _register(request: HttpRequest, form_class: type[RegistrationForm]) -> HttpResponse:
    if request.user.is_authenticated:
        messages.info(request, _("您已登录。如需为其他单位注册，请先退出。"))
        return redirect("dashboard")
    form = form_class(request.POST or None)
    status = 200
    if request.method == "POST":
        if REGISTRATIONS.exceeded(request):
            messages.error(request, _("提交过于频繁，请一小时后再试。") if form.KIND == RegistrationKind.REQUESTER
                           else _("提交过于频繁，请一小时后再试，或联系推荐单位。"))
            status = 429
        elif form.is_valid():
            try:
                registration = svc.registration_create(data=form.model_data(), password=form.cleaned_data["password1"])
            except WorkflowError as exc:
                form.add_error("credit_code", str(exc))
                status = 400
            else:
                REGISTRATIONS.count(request)
                request.session["registration_sent"] = registration.pk
                return redirect("register_sent")
        else:
            status = 400
    return render(request, "public/register.html", {"form": form, "kind": form.KIND}, status=status)


def register_sent(request: HttpRequest) -> HttpResponse:
    pk = request.session.get("registration_sent")
    registration = Registration.objects.filter(pk=pk).first() if pk else None
    if registration is None:
        return redirect("register")
    return render(request, "public/register_sent.html", {"registration": registration, "days": svc.CONFIRM_DAYS})


@never_cache
def register_confirm(request: HttpRequest, token: str) -> HttpResponse:
    """GET shows what is confirmed (mail scanners follow links); the button POSTs."""
    try:
        registration = svc.registration_by_token(token)
    except svc.ConfirmLinkInvalid as exc:
        return render(request, "public/register_confirm.html", {"error": str(exc)}, status=404)
    if request.method == "POST" and registration.state == RegistrationState.AWAITING_EMAIL:
        try:
            registration = svc.registration_confirm(registration=registration)
        except WorkflowError as exc:
            return render(request, "public/register_confirm.html", {"error": str(exc), "kind": registration.kind},
                          status=409)
        if registration.kind == RegistrationKind.REQUESTER:
            messages.success(request, _("邮箱已确认，账号已开通。请用注册时设置的用户名和密码登录。"))
        else:
            messages.success(request, _("邮箱已确认，注册申请已提交给%(authority)s审核。审核结果将发送到您的邮箱。")
                             % {"authority": registration.authority})
    return render(request, "public/register_confirm.html", {"registration": registration})


# ---- the authority's side ----------------------------------------------------------------------------
HANDLERS = {
    "approve": Handler(run=lambda *, record, actor, expected_state: svc.registration_approve(
        registration=record, actor=actor)),
    "reject": Handler(run=lambda *, record, actor, expected_state, reason: svc.registration_reject(
        registration=record, actor=actor, reason=reason), form=RejectForm),
}


@page(visible=is_authority)
def registration_list(request: HttpRequest) -> HttpResponse:
    state = request.GET.get("state") or RegistrationState.AWAITING_APPROVAL
    qs = svc.registrations_for(request.user)
    if state != "all":
        qs = qs.filter(state=state)
    page_ = Paginator(qs.order_by("created_at", "id"), 20).get_page(request.GET.get("page"))
    states = [(RegistrationState.AWAITING_APPROVAL, RegistrationState.AWAITING_APPROVAL.label),
              (RegistrationState.APPROVED, RegistrationState.APPROVED.label),
              (RegistrationState.REJECTED, RegistrationState.REJECTED.label), ("all", _("全部"))]
    return render(request, "public/registration_list.html", {"page": page_, "state": state, "states": states})


@never_cache
@page(visible=is_authority)
def registration_detail(request: HttpRequest, pk: int) -> HttpResponse:
    registration = svc.registration_for(request.user, pk)
    forms = {}
    status = 200
    if request.method == "POST":
        response, forms = run_action(request, registration, HANDLERS,
                                     redirect_to=reverse("registration_detail", args=[pk]))
        if response is not None:
            return response
        status = 400
    return render(request, "public/registration_detail.html", {
        "registration": registration, "actions": available_transitions(registration, request.user),
        "action_forms": {"reject": RejectForm(prefix="reject"), **forms},
        "timeline": timeline_of(registration, viewer=request.user),
    }, status=status)


# ---- invitations ---------------------------------------------------------------------------------------
@never_cache
@page(visible=is_applicant | is_requester, allowed=svc.may_invite)
def invite(request: HttpRequest) -> HttpResponse:
    form = InviteForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                svc.invitation_send(actor=request.user, email=form.cleaned_data["email"])
            except WorkflowError as exc:
                form.add_error("email", str(exc))
            else:
                messages.success(request, _("邀请已发送至 %(email)s，链接 %(n)d 天内有效。")
                                 % {"email": form.cleaned_data["email"], "n": svc.INVITE_DAYS})
                return redirect("invite")
        status = 400
    colleagues = request.user.organization.users.filter(is_active=True).order_by("date_joined", "id")
    return render(request, "public/invite.html", {"form": form, "colleagues": colleagues}, status=status)


@never_cache
def invite_accept(request: HttpRequest, token: str) -> HttpResponse:
    try:
        invitation = svc.invitation_read(token)
    except svc.ConfirmLinkInvalid as exc:
        return render(request, "public/invite_accept.html", {"error": str(exc)}, status=404)
    form = AcceptInviteForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            svc.invitation_accept(token=token, name=d["name"], username=d["username"], password=d["password1"])
        except WorkflowError as exc:
            return render(request, "public/invite_accept.html", {"error": str(exc)}, status=409)
        messages.success(request, _("账号已开通，请用刚设置的用户名和密码登录。"))
        return redirect("login")
    return render(request, "public/invite_accept.html", {"form": form, "invitation": invitation},
                  status=400 if form.is_bound else 200)
