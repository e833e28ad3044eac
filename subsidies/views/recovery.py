"""追回 pages: the list (filters, counts per state, overdue, the money; staff also see the revoked bases still to
recover), opening a recovery from a revocation, and the recovery's page (its figures, its ledger rows, the actions
box: payments received, the amount adjusted, the write-off and its second approval; its timeline).

Staff see and decide everything; a recommending authority reads its region's recoveries, a base's units their own
(no form, no action: a POST is 403); the agency, experts and the public get 404.
"""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _l

from evaluations.selectors_consequences import revocations_for_recovery
from pilotbase.actions import Handler, page, run_action
from pilotbase.rules import is_staff_side
from pilotbase.workflow import WorkflowError, page_actions

from ..forms.recovery import (
    OpinionForm,
    RecoveryAdjustForm,
    RecoveryOpenForm,
    RejectForm,
    RepaymentForm,
    WriteOffForm,
)
from ..models import RecoveryOrigin, RecoveryState
from ..rules import may_read_recoveries
from ..selectors import recovery as sel
from ..services import recovery as svc

ACTIONS = ["repay", "adjust", "propose_write_off", "approve_write_off", "reject_write_off", "reject_write_off_partly"]
FORMS = {"repay": RepaymentForm, "adjust": RecoveryAdjustForm, "propose_write_off": WriteOffForm,
         "approve_write_off": OpinionForm, "reject_write_off": RejectForm, "reject_write_off_partly": RejectForm}


def _reject(*, record, actor, expected_state, opinion):
    return svc.recovery_reject_write_off(recovery=record, actor=actor, opinion=opinion, expected_state=expected_state)


HANDLERS = {
    "repay": Handler(
        run=lambda *, record, actor, expected_state, **data: svc.recovery_repay(
            recovery=record, actor=actor, expected_state=expected_state, **data),
        form=RepaymentForm, done=_l("已登记缴回，资金台账已记入。")),
    "adjust": Handler(
        run=lambda *, record, actor, expected_state, **data: svc.recovery_adjust(
            recovery=record, actor=actor, expected_state=expected_state, **data),
        form=RecoveryAdjustForm, done=_l("已调整应缴回金额。")),
    "propose_write_off": Handler(
        run=lambda *, record, actor, expected_state, reason: svc.recovery_propose_write_off(
            recovery=record, actor=actor, reason=reason, expected_state=expected_state),
        form=WriteOffForm, done=_l("已提出核销，须由另一名工作人员批准。")),
    "approve_write_off": Handler(
        run=lambda *, record, actor, expected_state, opinion: svc.recovery_approve_write_off(
            recovery=record, actor=actor, opinion=opinion, expected_state=expected_state),
        form=OpinionForm, done=_l("已批准核销，资金台账已记入。")),
    "reject_write_off": Handler(run=_reject, form=RejectForm),
    "reject_write_off_partly": Handler(run=_reject, form=RejectForm),
}
FILTERS = [("", _l("全部"))] + [(s, label) for s, label in RecoveryState.choices] + [("overdue", _l("已逾期"))]


@page(visible=may_read_recoveries)
def recovery_list(request: HttpRequest) -> HttpResponse:
    params = request.GET
    scope = sel.recoveries_visible(request.user)
    rows = sel.recovery_list(request.user, params)
    return render(request, "subsidies/recovery_list.html", {
        "recoveries": list(rows),
        "counts": sel.recovery_counts(scope),
        "filtered": sel.recovery_counts(rows),
        "to_recover": sel.to_recover(request.user),
        "staff": is_staff_side(request.user),
        "filters": FILTERS, "origins": RecoveryOrigin.choices,
        "state": params.get("state", ""), "origin": params.get("origin", ""), "q": params.get("q", ""),
    })


@page(visible=is_staff_side)
def recovery_create(request: HttpRequest) -> HttpResponse:
    revocations = revocations_for_recovery().filter(recovery__isnull=True).select_related("base")
    initial: dict = {}
    chosen = revocations.filter(pk=request.GET.get("revocation") or 0).first()
    if chosen is not None:
        start, end = svc.default_period(base=chosen.base, until=chosen.revoked_on)
        initial = {"revocation": chosen, "period_from": start, "period_to": end,
                   "reason": _("撤销认定，追回已拨付的财政资金：%(why)s") % {"why": chosen.reason}}
    form = RecoveryOpenForm(request.POST if request.method == "POST" else None, revocations=revocations,
                            initial=initial)
    default = None
    if chosen is not None:
        default = svc.funds_received(base=chosen.base, period_from=initial["period_from"],
                                     period_to=initial["period_to"])
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            recovery = svc.recovery_open_for_revocation(
                revocation=data["revocation"], actor=request.user, due_on=data["due_on"], reason=data["reason"],
                amount=data["amount"], amount_reason=data["amount_reason"], period_from=data["period_from"],
                period_to=data["period_to"])
        except WorkflowError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, _("已开立追回，已通知该基地。"))
            return redirect("subsidies:recovery_detail", pk=recovery.pk)
    return render(request, "subsidies/recovery_form.html", {"form": form, "chosen": chosen, "default": default},
                  status=400 if request.method == "POST" else 200)


@page(visible=may_read_recoveries)
def recovery_detail(request: HttpRequest, pk: int) -> HttpResponse:
    recovery = sel.recovery_get(request.user, pk)
    url = reverse("subsidies:recovery_detail", args=[pk])
    forms, status = {}, 200
    if request.method == "POST":
        response, forms = run_action(request, recovery, HANDLERS, redirect_to=url)
        if response is not None:
            return response
        status = 400
    staff = is_staff_side(request.user)
    initial = {"adjust": {"amount": recovery.amount, "due_on": recovery.due_on}}
    return render(request, "subsidies/recovery_detail.html", {
        "recovery": recovery,
        "entries": list(sel.recovery_ledger(recovery)),
        "actions": page_actions(recovery, request.user, names=ACTIONS),
        "action_forms": {name: form(prefix=name, initial=initial.get(name)) for name, form in FORMS.items()} | forms,
        "awaits_second": recovery.state == RecoveryState.WRITE_OFF_PROPOSED
        and recovery.write_off_proposed_by_id == request.user.pk,
        "log": list(sel.recovery_log(recovery)),
        "staff": staff,
    }, status=status)
