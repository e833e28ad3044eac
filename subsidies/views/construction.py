"""建设支持 pages: the grants (filters), the budgets, the staff's confirmation of a base's eligibility facts, the
proposal, a grant's page (figures, window, spending, the actions box), the base's spending report and its files.

Staff see and decide everything (approval by a colleague of the proposer: the proposer's POST is 403); a
recommending authority reads its region's grants (no action: 403); a base's units read their own grant and report
its spending; the agency, experts and the public get 404.
"""

from __future__ import annotations

from decimal import Decimal
from urllib.parse import quote

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from evaluations.base_lookup import base_named, base_suggestions
from pilotbase.actions import Handler, page, run_action
from pilotbase.keyset import without_page_params
from pilotbase.models import Base
from pilotbase.rules import is_staff_side
from pilotbase.workflow import WorkflowError, can_run, page_actions

from ..forms.construction import (
    ApproveForm,
    BudgetForm,
    CheckForm,
    CloseForm,
    DisburseForm,
    GrantFilterForm,
    OverrideForm,
    ProposeForm,
    SpendingForm,
    proposable_bases,
)
from ..models import ConstructionCheck, GrantState, SpendingFile, SupportBudget, SupportKind
from ..rules import may_read_grants, may_read_subsidies
from ..selectors import construction as sel
from ..services import construction as svc

PAGE_SIZE = 50

GRANT_ACTIONS = ["override_budget", "approve", "disburse", "close_completed", "close_not_completed"]
GRANT_FORMS = {"override_budget": OverrideForm, "approve": ApproveForm, "disburse": DisburseForm,
               "close_completed": CloseForm, "close_not_completed": CloseForm}
GRANT_HANDLERS = {
    "override_budget": Handler(
        run=lambda *, record, actor, expected_state, reason: svc.construction_budget_override(
            grant=record, actor=actor, reason=reason, expected_state=expected_state),
        form=OverrideForm, done=_("已登记超预算说明。")),
    "approve": Handler(
        run=lambda *, record, actor, expected_state, **data: svc.construction_approve(
            grant=record, actor=actor, expected_state=expected_state, **data),
        form=ApproveForm, done=_("已批准，建设支持资金已记入台账。")),
    "disburse": Handler(
        run=lambda *, record, actor, expected_state, **data: svc.construction_disburse(
            grant=record, actor=actor, expected_state=expected_state, **data),
        form=DisburseForm, done=_("已登记拨付，两年资金使用期开始计算。")),
    "close_completed": Handler(
        run=lambda *, record, actor, expected_state, note: svc.construction_close(
            grant=record, actor=actor, completed=True, note=note, expected_state=expected_state),
        form=CloseForm),
    "close_not_completed": Handler(
        run=lambda *, record, actor, expected_state, note: svc.construction_close(
            grant=record, actor=actor, completed=False, note=note, expected_state=expected_state),
        form=CloseForm),
}


def _posted(request: HttpRequest):
    """The POST's data (even when empty: an empty POST is a bound form that says what is required), else None."""
    return request.POST if request.method == "POST" else None


@page(visible=may_read_subsidies)
def grant_list(request: HttpRequest) -> HttpResponse:
    form = GrantFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    grants = sel.grant_list(request.user, year=filters.get("year"), state=filters.get("state") or "",
                            q=(filters.get("q") or "").strip(), overdue=bool(filters.get("overdue")))
    # a page of grants (one base in ten has one: hundreds nationally, the whole list was 135 KB)
    page_obj = Paginator(grants, PAGE_SIZE).get_page(request.GET.get("page"))
    today = timezone.localdate()
    for g in page_obj.object_list:
        g.left = g.days_left(today)
    return render(request, "subsidies/construction_list.html", {
        "grants": page_obj.object_list, "page": page_obj, "querystring": without_page_params(request.GET),
        "filter_form": form,
        "may_manage": is_staff_side(request.user),
    })


@page(visible=is_staff_side)
def budget_list(request: HttpRequest) -> HttpResponse:
    form = BudgetForm(_posted(request), initial={"year": timezone.localdate().year})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            svc.support_budget_set(actor=request.user, year=data["year"], kind=data["kind"], amount=data["amount"],
                                   note=data["note"])
        except WorkflowError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, _("已保存年度预算。"))
            return redirect("subsidies:construction_budgets")
    budgets = list(SupportBudget.objects.select_related("set_by").order_by("-year", "kind"))
    committed = sel.committed_by_year()
    for b in budgets:
        b.committed = committed.get(b.year, Decimal("0.00")) if b.kind == SupportKind.CONSTRUCTION else None
    return render(request, "subsidies/construction_budgets.html", {"form": form, "budgets": budgets},
                  status=400 if form.errors else 200)


@page(visible=is_staff_side)
def base_check(request: HttpRequest, base_pk: int) -> HttpResponse:
    base = get_object_or_404(Base.objects.select_related("platform_type", "industry"), pk=base_pk)
    check = ConstructionCheck.objects.filter(base=base).first()
    to_choice = {True: "yes", False: "no", None: ""}
    initial = {"cultivation_confirmed": to_choice[check.cultivation_confirmed] if check else "",
               "newly_built": to_choice[check.newly_built] if check else "", "note": check.note if check else ""}
    form = CheckForm(_posted(request), initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        svc.construction_check_record(actor=request.user, base=base,
                                      cultivation_confirmed=CheckForm.as_bool(data["cultivation_confirmed"]),
                                      newly_built=CheckForm.as_bool(data["newly_built"]), note=data["note"])
        messages.success(request, _("已保存核实结果。"))
        return redirect("subsidies:construction_base_check", base_pk=base.pk)
    application = getattr(base, "application", None)
    return render(request, "subsidies/construction_check.html", {
        "base": base, "form": form, "application": application,
        "eligibility": sel.base_construction_eligibility(base),
    }, status=400 if form.errors else 200)


@page(visible=is_staff_side)
def grant_create(request: HttpRequest) -> HttpResponse:
    initial = {"year": timezone.localdate().year, "base": request.GET.get("base") or None}
    form = ProposeForm(_posted(request), initial=initial, search_url=reverse("subsidies:construction_base_search"))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            grant = svc.construction_propose(actor=request.user, base=data["base"], year=data["year"],
                                             amount=data["amount"], basis=data["basis"])
        except WorkflowError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("已提出建设支持建议，须由另一名工作人员批准。"))
            return redirect("subsidies:construction_detail", pk=grant.pk)
    base = base_named(str(form["base"].value() or ""), Base.objects.all())  # any base: its eligibility says why
    eligibility = sel.base_construction_eligibility(base) if base else None
    return render(request, "subsidies/construction_form.html", {"form": form, "eligibility": eligibility},
                  status=400 if form.errors else 200)


@page(visible=is_staff_side)
@require_GET
def grant_base_search(request: HttpRequest) -> JsonResponse:
    """The proposal's base box: bases with no construction grant yet, not revoked, by name."""
    return base_suggestions(request, proposable_bases())


@page(visible=may_read_grants)
def grant_detail(request: HttpRequest, pk: int) -> HttpResponse:
    grant = sel.grant_get(request.user, pk)
    url = reverse("subsidies:construction_detail", args=[pk])
    forms, status = {}, 200
    if request.method == "POST":  # whose each transition is, the model says (run_action: 403 otherwise)
        response, forms = run_action(request, grant, GRANT_HANDLERS, redirect_to=url)
        if response is not None:
            return response
        status = 400
    staff = is_staff_side(request.user)
    budget = sel.construction_budget(grant.year) if staff else None
    initial = {"disburse": {"amount": grant.amount}}
    days_left = grant.days_left()
    actions = page_actions(grant, request.user, names=GRANT_ACTIONS, show_blocked={"approve"})
    return render(request, "subsidies/construction_detail.html", {
        "grant": grant,
        "staff": staff,
        "budget": budget,
        "year_total": grant.year_total_with_this if staff else None,
        "spending": sel.grant_spending(grant),
        "days_left": days_left,
        "actions": actions,
        "action_forms": {name: form(prefix=name, initial=initial.get(name)) for name, form in GRANT_FORMS.items()}
        | forms,
        "awaits_second": grant.state == "proposed" and grant.proposed_by_id == request.user.pk,
        "may_report": can_run(grant, "report_spending", request.user),
        "recovery": _recovery_of(request.user, grant) if grant.state == "not_completed" else None,
        "next_step": sel.grant_next_step(grant),
        "may_list": may_read_subsidies.test(request.user),
    }, status=status)


def _recovery_of(user, grant):
    """The recovery a close as not completed opened, as the viewer may see it."""
    from django.contrib.contenttypes.models import ContentType

    from ..selectors.recovery import recoveries_visible

    return recoveries_visible(user).filter(source_type=ContentType.objects.get_for_model(grant),
                                           source_id=grant.pk).first()


@page(visible=may_read_grants)
def spending_report(request: HttpRequest, pk: int) -> HttpResponse:
    grant = sel.grant_get(request.user, pk)
    meta = grant.report_spending._django_fsm  # whose the report is decides 403 (an authority only reads)
    if not any(t.has_perm(grant, request.user) for t in meta.transitions.values()):
        raise PermissionDenied
    form = SpendingForm(_posted(request), request.FILES if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            svc.spending_report(grant=grant, actor=request.user, **data)
        except WorkflowError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("已报告资金使用情况。"))
            return redirect("subsidies:construction_detail", pk=pk)
    return render(request, "subsidies/construction_spending.html", {"grant": grant, "form": form},
                  status=400 if form.errors else 200)


@page(visible=may_read_grants)
def spending_file(request: HttpRequest, pk: int, file_pk: int) -> FileResponse:
    grant = sel.grant_get(request.user, pk)
    record = get_object_or_404(SpendingFile, pk=file_pk, item__grant=grant)
    return FileResponse(record.file.open("rb"), as_attachment=True, filename=record.name)


@page(visible=may_read_grants)
def grant_notice(request: HttpRequest, pk: int) -> HttpResponse:
    """奖补资金下达通知 (PDF) of an approved grant: staff, the base's units and its authority."""
    from ..documents import construction_notice_pdf

    grant = sel.grant_get(request.user, pk)
    if grant.state == GrantState.PROPOSED:
        raise Http404
    response = HttpResponse(construction_notice_pdf(grant), content_type="application/pdf")
    response["Content-Disposition"] = f"inline; filename*=UTF-8''{quote(_('奖补资金下达通知') + '.pdf')}"
    return response
