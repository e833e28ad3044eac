"""摘牌 pages: staff's revocation list (candidates the portal listed and proposals, with the evidence), the record
with the actions box (propose, confirm by a second person, dismiss; the plaque's return once revoked), and the
form proposing a revocation for another reason. The base's units and its authority read a confirmed revocation
only; everyone else gets 404."""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _

from pilotbase.actions import Handler, page, run_action
from pilotbase.models import Base
from pilotbase.rules import is_applicant, is_authority, is_staff_side
from pilotbase.timeline import record_timeline
from pilotbase.workflow import WorkflowError, available_transitions
from pilotbase.xlsx import xlsx_response

from .. import selectors_consequences as sel
from ..forms_consequences import ConfirmForm, DismissForm, PlaqueReturnForm, ProposeForm, ProposeOtherForm
from ..models import RevocationState
from ..services import revocation as svc

HANDLERS = {
    "propose": Handler(
        run=lambda *, record, actor, expected_state, opinion: svc.revocation_propose(
            revocation=record, actor=actor, opinion=opinion, expected_state=expected_state
        ),
        form=ProposeForm,
    ),
    "confirm": Handler(
        run=lambda *, record, actor, expected_state, **data: svc.revocation_confirm(
            revocation=record, actor=actor, expected_state=expected_state, **data
        ),
        form=ConfirmForm,
    ),
    "dismiss": Handler(
        run=lambda *, record, actor, expected_state, reason: svc.revocation_dismiss(
            revocation=record, actor=actor, reason=reason, expected_state=expected_state
        ),
        form=DismissForm,
    ),
}
BASE_HANDLERS = {
    "record_plaque_return": Handler(
        run=lambda *, record, actor, expected_state, plaque_returned_on, plaque_return_note: (
            svc.base_plaque_return(
                base=record, actor=actor, returned_on=plaque_returned_on, note=plaque_return_note
            )
        ),
        form=PlaqueReturnForm,
    ),
}
FORMS = {"propose": ProposeForm, "confirm": ConfirmForm, "dismiss": DismissForm}


def _list_filters(request: HttpRequest) -> tuple[str, str, str]:
    state = request.GET.get("state") or ""
    if state not in RevocationState.values or state == RevocationState.NEW:
        state = ""
    q = (request.GET.get("q") or "").strip()[:100]
    return state, q, urlencode({k: v for k, v in (("state", state), ("q", q)) if v})


@page(visible=is_staff_side)
def revocation_list(request: HttpRequest) -> HttpResponse:
    state, q, querystring = _list_filters(request)
    page_ = Paginator(sel.revocation_list(request.user, state=state, q=q), 20).get_page(
        request.GET.get("page")
    )
    states = [(v, label) for v, label in RevocationState.choices if v != RevocationState.NEW]
    return render(
        request,
        "evaluations/revocation_list.html",
        {"page": page_, "state": state, "q": q, "states": states, "querystring": querystring},
    )


@page(visible=is_staff_side)
def revocation_export(request: HttpRequest) -> HttpResponse:
    """Exactly what the list shows with its filters, every row (no pagination)."""
    state, q, _qs = _list_filters(request)
    rows = (
        [
            r.base.name,
            r.base.lead_unit.name,
            str(r.base.city),
            r.get_reason_kind_display(),
            r.first_year or "",
            r.second_year or "",
            r.reason,
            str(r.proposed_by or ""),
            str(r.confirmed_by or ""),
            r.revoked_on,
            r.get_state_display(),
            _("是") if r.recovery_flagged else _("否"),
        ]
        for r in sel.revocation_list(request.user, state=state, q=q)
    )
    return xlsx_response(
        filename=f"撤销认定_{timezone.localdate():%Y%m%d}.xlsx",
        title=_("撤销认定"),
        headers=[
            _("中试基地"),
            _("牵头单位"),
            _("所在设区市"),
            _("撤销事由"),
            _("第一个不合格年度"),
            _("第二个不合格年度"),
            _("撤销原因"),
            _("提请人"),
            _("确认人"),
            _("撤销日期"),
            _("状态"),
            _("待追回财政资金"),
        ],
        rows=rows,
    )


@page(visible=is_staff_side | is_authority | is_applicant)
def revocation_detail(request: HttpRequest, pk: int) -> HttpResponse:
    rev = sel.revocation_get(request.user, pk)
    url = reverse("evaluations:revocation_detail", args=[pk])
    forms, status = {}, 200
    if request.method == "POST":
        if request.POST.get("transition") in BASE_HANDLERS:
            response, forms = run_action(request, rev.base, BASE_HANDLERS, redirect_to=url)
        else:
            response, forms = run_action(request, rev, HANDLERS, redirect_to=url)
        if response is not None:
            return response
        status = 400
    actions = available_transitions(rev, request.user)  # the four-eyes condition knows who looks
    base_actions = (
        available_transitions(rev.base, request.user) if rev.state == RevocationState.REVOKED else []
    )
    base_actions = [a for a in base_actions if a.name in BASE_HANDLERS]
    return render(
        request,
        "evaluations/revocation_detail.html",
        {
            "rev": rev,
            "base": rev.base,
            "certificate": getattr(rev.base, "certificate", None),
            "evidence": sel.revocation_evidence(rev),
            "actions": actions,
            "action_forms": {name: form(prefix=name) for name, form in FORMS.items()} | forms,
            "base_actions": base_actions,
            "base_forms": {"record_plaque_return": PlaqueReturnForm(prefix="record_plaque_return")} | forms,
            "awaits_second": rev.state == RevocationState.PROPOSED and rev.proposed_by_id == request.user.pk,
            "timeline": record_timeline(rev, with_decisions=True) if is_staff_side(request.user) else [],
        },
        status=status,
    )


@page(visible=is_staff_side)
def revocation_propose_other(request: HttpRequest, base_pk: int) -> HttpResponse:
    """因其他事由提请撤销认定 (the base asks, fraud, a major accident, …)."""
    base = get_object_or_404(Base, pk=base_pk)
    form = ProposeOtherForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            rev = svc.revocation_propose_other(base=base, actor=request.user, **form.cleaned_data)
        except WorkflowError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, _("已提请撤销认定，须由另一名工作人员确认。"))
            return redirect("evaluations:revocation_detail", pk=rev.pk)
    return render(
        request,
        "evaluations/revocation_form.html",
        {"form": form, "base": base},
        status=400 if form.errors else 200,
    )
