"""Calls (申报批次): applicants see open ones; the department creates, edits, publishes and closes them."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from pilotbase.actions import Handler, page, run_action
from pilotbase.rules import is_applicant, is_staff_side
from pilotbase.workflow import WorkflowError, blocked_reasons, fsm_transitions

from .. import services
from ..forms import CALL_FORMSETS, CallForm
from ..models import Application, ApplicationState, Call, CallState
from ..selectors import calls_open, calls_visible_to


@page()
def call_list(request: HttpRequest) -> HttpResponse:
    """Everyone signed in: published calls; the department also drafts, with submitted counts."""
    manage = request.user.has_perm("applications.manage_call")
    calls = calls_visible_to(request.user).order_by("-year", "-opens_at")
    mine = {}
    if request.user.organization_id:
        mine = {a.call_id: a for a in Application.objects.filter(applicant_id=request.user.organization_id)
                .exclude(state=ApplicationState.WITHDRAWN)}
    open_ids = set(calls_open().values_list("pk", flat=True))
    rows = [{"call": c, "is_open": c.pk in open_ids, "mine": mine.get(c.pk)} for c in calls]
    return render(request, "applications/call_list.html", {"rows": rows, "manage": manage})


@page()
def call_detail(request: HttpRequest, pk: int) -> HttpResponse:
    call = get_object_or_404(calls_visible_to(request.user), pk=pk)
    mine = None
    if request.user.organization_id:
        mine = call.applications.filter(applicant_id=request.user.organization_id).exclude(
            state=ApplicationState.WITHDRAWN).first()
    return render(request, "applications/call_detail.html", {
        "call": call, "mine": mine, "can_apply": request.user.has_perm("applications.create_application"),
        "manage": request.user.has_perm("applications.manage_call"), "actions": _call_actions(call, request.user),
        "attachments": call.required_attachments.all(), "indicators": call.indicators.all(),
        "checks": call.check_items.all()})


def _call_actions(call: Call, user) -> list[dict]:
    """What the user may do with the call from its state (the model's declarations), each with why it is
    not possible yet (a draft without attachment rules cannot be published: the button says so)."""
    out = []
    for _field, trans in fsm_transitions(Call):
        if trans.name in HANDLERS and trans.source == call.state and trans.has_perm(call, user):
            out.append({"name": trans.name, "label": trans.custom.get("label") or trans.name,
                        "url": reverse(f"applications:call_{trans.name}", args=[call.pk]),
                        "confirm": bool(trans.custom.get("confirm")), "style": trans.custom.get("style", "primary"),
                        "blocked": blocked_reasons(call, trans.name)})
    return out


@page(allowed=is_applicant)
@require_POST
def application_start(request: HttpRequest, pk: int) -> HttpResponse:
    call = get_object_or_404(calls_open(), pk=pk)
    try:
        application = services.application_create(call=call, applicant=request.user.organization, actor=request.user)
    except WorkflowError as exc:
        messages.error(request, str(exc))
        return redirect("applications:call_detail", pk=call.pk)
    messages.success(request, _("已创建申报书草稿，请逐节填写，可随时保存。"))
    return redirect("applications:edit", pk=application.pk, section="basic")


def _call_start(request: HttpRequest) -> services.CallStart:
    """A new call starts as a copy of the call chosen (?from=<id>) or from the notice's default template."""
    source_id = request.GET.get("from", "")
    if source_id.isdigit():
        return services.call_start_copy(source=get_object_or_404(Call, pk=int(source_id)))
    return services.call_start_default()


def _call_form_page(request: HttpRequest, call: Call | None) -> HttpResponse:
    start = _call_start(request) if call is None and request.method != "POST" else None
    form = CallForm(request.POST or None, instance=call, initial=start.fields if start else None)
    formsets = []
    for key, label, fs_class in CALL_FORMSETS:
        rows = start.rows[key] if start else []
        fs = fs_class(request.POST or None, instance=call or Call(), prefix=key, initial=rows or None)
        if rows:
            fs.extra = len(rows)  # the template's rows as new rows, prefilled; posted back they are saved
        formsets.append((key, label, fs))
    if request.method == "POST" and form.is_valid() and all(fs.is_valid() for _k, _l, fs in formsets):
        fields = {k: v for k, v in form.cleaned_data.items() if k not in ("platform_types", "industries")}
        try:
            with transaction.atomic():
                kw = {"actor": request.user, "fields": fields, "platform_types": form.cleaned_data["platform_types"],
                      "industries": form.cleaned_data["industries"]}
                saved = services.call_update(call=call, **kw) if call else services.call_create(**kw)
                services.call_rows_save(call=saved, formsets=[fs for _k, _l, fs in formsets], actor=request.user)
        except (ValidationError, WorkflowError) as exc:
            messages.error(request, "；".join(getattr(exc, "messages", [str(exc)])))
        else:
            messages.success(request, _("申报批次已保存。"))
            return redirect("applications:call_detail", pk=saved.pk)
    return render(request, "applications/call_form.html", {
        "form": form, "formsets": formsets, "call": call, "start": start,
        "sources": Call.objects.order_by("-year", "-opens_at").only("pk", "title", "year") if call is None else (),
        "has_errors": bool(form.errors) or any(fs.total_error_count() for _k, _l, fs in formsets)})


@page(allowed=is_staff_side)
def call_create(request: HttpRequest) -> HttpResponse:
    return _call_form_page(request, None)


@page(allowed=is_staff_side)
def call_edit(request: HttpRequest, pk: int) -> HttpResponse:
    call = get_object_or_404(Call, pk=pk)
    if call.state == CallState.CLOSED:
        messages.error(request, _("申报批次已结束，不能再修改。"))
        return redirect("applications:call_detail", pk=pk)
    return _call_form_page(request, call)


def _publish(*, record: Call, actor, **_kw) -> None:
    services.call_publish(call=record, actor=actor)


def _close(*, record: Call, actor, **_kw) -> None:
    services.call_close(call=record, actor=actor)


# The call page's buttons (one URL each: applications:call_<name>), offered from the model's declarations.
HANDLERS = {"publish": Handler(run=_publish), "close": Handler(run=_close)}


@page(allowed=is_staff_side)
@require_POST
def call_transition(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    call = get_object_or_404(Call, pk=pk)
    return run_action(request, call, HANDLERS, name=action,
                      redirect_to=reverse("applications:call_detail", args=[pk]))[0]
