"""运行奖补 pages: the list of reward years, a new year's settings, a year's page (eligible and not-eligible bases
with why, the tiers' amounts, the total against the budget, each line's adjust and disbursement forms, the actions
box), its settings while in draft, and the Excel of exactly what the page lists.

Staff see and decide everything; a recommending authority reads the years and, on a year's page, its region's
bases only (no form, no action: a POST is 403); a base's units read their own lines on the base's page
(hooks/rewards.py) and get 404 here, as do the agency, experts and the public.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from evaluations.models import EvaluationResult, EvaluationRound
from pilotbase.actions import Handler, page, run_action
from pilotbase.rules import is_staff_side
from pilotbase.workflow import WorkflowError, can_run, page_actions
from pilotbase.xlsx import xlsx_response

from ..forms.rewards import AdjustForm, ApproveForm, DisburseForm, OverrideForm, ReturnForm, RewardYearForm
from ..models import RewardYear, RewardYearState
from ..rules import may_read_subsidies
from ..selectors import rewards as sel
from ..services import rewards as svc

PAGE_SIZE = 50

YEAR_ACTIONS = ["override_budget", "propose", "return_draft", "approve", "disburse"]
YEAR_FORMS = {"override_budget": OverrideForm, "return_draft": ReturnForm, "approve": ApproveForm,
              "disburse": DisburseForm}
YEAR_HANDLERS = {
    "override_budget": Handler(
        run=lambda *, record, actor, expected_state, reason: svc.reward_budget_override(
            reward_year=record, actor=actor, reason=reason, expected_state=expected_state),
        form=OverrideForm, done=_("已登记超预算说明。")),
    "propose": Handler(
        run=lambda *, record, actor, expected_state: svc.reward_year_propose(
            reward_year=record, actor=actor, expected_state=expected_state),
        done=_("已提交审批，须由另一名工作人员批准。")),
    "return_draft": Handler(
        run=lambda *, record, actor, expected_state, opinion: svc.reward_year_return(
            reward_year=record, actor=actor, opinion=opinion, expected_state=expected_state),
        form=ReturnForm),
    "approve": Handler(
        run=lambda *, record, actor, expected_state, **data: svc.reward_year_approve(
            reward_year=record, actor=actor, expected_state=expected_state, **data),
        form=ApproveForm, done=_("已批准，奖补资金已记入台账并通知各基地。")),
    "disburse": Handler(
        run=lambda *, record, actor, expected_state, **data: svc.reward_year_disburse(
            reward_year=record, actor=actor, expected_state=expected_state, **data),
        form=DisburseForm, done=_("已登记全部拨付。")),
}
LINE_FORMS = {"adjust": AdjustForm, "disburse": DisburseForm}
LINE_HANDLERS = {
    "adjust": Handler(
        run=lambda *, record, actor, expected_state, amount, reason: svc.reward_line_adjust(
            line=record, actor=actor, amount=amount, reason=reason, expected_state=expected_state),
        form=AdjustForm, done=_("已调整奖补金额。")),
    "disburse": Handler(
        run=lambda *, record, actor, expected_state, **data: svc.reward_line_disburse(
            line=record, actor=actor, expected_state=expected_state, **data),
        form=DisburseForm, done=_("已登记拨付。")),
}


def _open_years() -> list[int]:
    """Evaluation years with results (imported or published) and no reward list yet, latest first."""
    taken = set(RewardYear.objects.values_list("evaluation_year", flat=True))
    years = set(EvaluationResult.objects.values_list("year", flat=True).distinct())
    years |= set(EvaluationRound.objects.filter(state__in=svc.PUBLISHED_ROUND_STATES).values_list("year", flat=True))
    return sorted(years - taken, reverse=True)


@page(visible=may_read_subsidies)
def reward_year_list(request: HttpRequest) -> HttpResponse:
    return render(request, "subsidies/reward_year_list.html", {
        "years": list(sel.reward_year_list(request.user)),
        "may_manage": is_staff_side(request.user),
    })


def _settings_kwargs(form: RewardYearForm) -> dict:
    data = form.cleaned_data
    return {"year": data["year"], "min_grade": data["min_grade"], "budget": data["budget"],
            "tiers": form.tiers(), "note": data["note"]}


@page(visible=is_staff_side)
def reward_year_create(request: HttpRequest) -> HttpResponse:
    years = _open_years()
    initial = {"evaluation_year": years[0] if years else None, "year": (years[0] + 1) if years else None}
    form = RewardYearForm(request.POST if request.method == "POST" else None, years=years, initial=initial)
    if request.method == "POST" and form.is_valid():
        evaluation_year = form.cleaned_data["evaluation_year"]
        rnd = EvaluationRound.objects.filter(year=evaluation_year).first()
        try:
            reward_year = svc.reward_year_create(actor=request.user, evaluation_year=evaluation_year, round=rnd,
                                                 **_settings_kwargs(form))
        except WorkflowError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, _("已生成运行奖补名单，请核对后提交审批。"))
            return redirect("subsidies:reward_year_detail", pk=reward_year.pk)
    return render(request, "subsidies/reward_year_form.html", {"form": form, "years": years},
                  status=400 if form.errors else 200)


@page(visible=is_staff_side)
def reward_year_edit(request: HttpRequest, pk: int) -> HttpResponse:
    reward_year = sel.reward_year_get(request.user, pk)
    tiers = dict(reward_year.tiers.values_list("grade", "amount"))
    initial = {"year": reward_year.year, "min_grade": reward_year.min_grade, "budget": reward_year.budget,
               "note": reward_year.note, **{f"tier_{g}": a for g, a in tiers.items()}}
    form = RewardYearForm(request.POST if request.method == "POST" else None, fixed_year=reward_year.evaluation_year,
                          initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            svc.reward_year_update(reward_year=reward_year, actor=request.user, **_settings_kwargs(form))
        except WorkflowError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, _("已保存设置并重新核算名单。"))
            return redirect("subsidies:reward_year_detail", pk=pk)
    return render(request, "subsidies/reward_year_form.html", {"form": form, "reward_year": reward_year},
                  status=400 if form.errors else 200)


@page(visible=may_read_subsidies)
def reward_year_detail(request: HttpRequest, pk: int) -> HttpResponse:
    reward_year = sel.reward_year_get(request.user, pk)
    url = reverse("subsidies:reward_year_detail", args=[pk])
    forms, status = {}, 200
    if request.method == "POST":
        if request.POST.get("transition") == "refresh":  # not a transition: the service says who may (403)
            try:
                svc.reward_year_refresh(reward_year=reward_year, actor=request.user)
            except WorkflowError as exc:
                messages.error(request, str(exc))
            else:
                messages.success(request, _("已按最新的考核结果和建设支持重新核算名单。"))
            return redirect(url)
        response, forms = run_action(request, reward_year, YEAR_HANDLERS, redirect_to=url)
        if response is not None:
            return response
        status = 400
    lines = sel.reward_lines(request.user, reward_year)
    totals = sel.reward_totals(lines)
    # a page of lines, the eligible first (a national year has thousands: the whole list was megabytes of HTML)
    page_obj = Paginator(lines, PAGE_SIZE).get_page(request.GET.get("page"))
    rows = list(page_obj.object_list)
    staff = is_staff_side(request.user)
    if staff:
        reward_year._total = totals["total"]
    actions = page_actions(reward_year, request.user, names=YEAR_ACTIONS, show_blocked={"propose"})
    for line in rows:  # each line's forms: what its own transitions allow the user now (the model says)
        line.reward_year = reward_year
        line.may_adjust = can_run(line, "adjust", request.user)
        line.may_disburse = can_run(line, "disburse", request.user)
    return render(request, "subsidies/reward_year_detail.html", {
        "reward_year": reward_year,
        "tiers": list(reward_year.tiers.all()),
        "eligible": [r for r in rows if r.eligible],
        "ineligible": [r for r in rows if not r.eligible],
        "totals": totals,
        "over_budget": staff and totals["total"] > reward_year.budget,
        "actions": actions,
        "action_forms": {name: form(prefix=name) for name, form in YEAR_FORMS.items()} | forms,
        "staff": staff,
        "draft": reward_year.state == RewardYearState.DRAFT,
        "awaits_second": reward_year.state == RewardYearState.PROPOSED
        and reward_year.proposed_by_id == request.user.pk,
        "next_step": sel.reward_year_next_step(reward_year, totals),
        "page": page_obj,
        "adjust_form": AdjustForm(prefix="adjust"),
        "disburse_form": DisburseForm(prefix="disburse"),
    }, status=status)


@page(visible=may_read_subsidies)
def reward_line_action(request: HttpRequest, pk: int, line_pk: int) -> HttpResponse:
    """A line's adjust or disbursement (POST only): through the line's declared transitions. A line the user may
    not see is a 404; a transition the user may not run is a 403 (run_action asks the line's declarations)."""
    reward_year = sel.reward_year_get(request.user, pk)
    line = sel.reward_line_get(request.user, reward_year, line_pk)
    url = reverse("subsidies:reward_year_detail", args=[pk]) + f"#line-{line.pk}"
    if request.method != "POST":
        return redirect(url)
    response, forms = run_action(request, line, LINE_HANDLERS, redirect_to=url)
    if response is not None:
        return response
    form = next(iter(forms.values()))
    messages.error(request, "；".join(f"{form.fields[f].label}：{e}" if f in form.fields else str(e)
                                     for f, errors in form.errors.items() for e in errors))
    return redirect(url)


@page(visible=may_read_subsidies)
def reward_year_export(request: HttpRequest, pk: int) -> HttpResponse:
    """Every line the page lists for the user (an authority: its region's), eligible first."""
    reward_year = sel.reward_year_get(request.user, pk)
    rows = (
        [line.base.name, line.base.lead_unit.name, str(line.base.city), line.grade_label,
         _("是") if line.supported else _("否"), line.year_after, _("是") if line.eligible else _("否"),
         line.reasons or line.rule, line.proposed_amount, line.amount, line.adjust_reason,
         line.get_state_display(), line.disbursed_on, line.document_no]
        for line in sel.reward_lines(request.user, reward_year)
    )
    return xlsx_response(
        filename=f"运行奖补_{reward_year.evaluation_year}.xlsx",
        title=str(reward_year),
        headers=[_("中试基地"), _("牵头单位"), _("所在设区市"), _("考核等次"), _("已获建设支持"), _("认定后第几年"),
                 _("符合条件"), _("适用规则/不符合原因"), _("按档次核算（元）"), _("奖补金额（元）"), _("调整理由"),
                 _("拨付状态"), _("拨付日期"), _("文号/凭证号")],
        rows=rows,
    )
