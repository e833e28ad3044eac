"""年度绩效考核 pages for staff (and the commissioned agency, read-only): the round list, a new round (copied from
last year's), the round's page with its settings, indicator rows, grade bands, bases and phase actions."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from pilotbase.actions import Handler, page, run_action
from pilotbase.rules import is_agency, is_authority, is_staff_side
from pilotbase.workflow import WorkflowError, blocked_reasons, page_actions
from reviews.models import ObjectionState
from reviews.selectors.certification import notice_objections

from .. import selectors_rounds as sel
from ..base_lookup import base_suggestions
from ..forms_rounds import BandFormSet, IndicatorFormSet, RoundBaseForm, RoundForm, RoundOpenSettingsForm
from ..models import EvaluationRound, EvaluationState, RoundState
from ..services import round as svc

sees_rounds = is_staff_side | is_agency | is_authority
manages_rounds = is_staff_side | is_agency


@page(visible=sees_rounds)
def round_list(request: HttpRequest) -> HttpResponse:
    """Who: staff (every round), the agency (its commissioned rounds), an authority (rounds past draft with one
    of its region's bases)."""
    rounds = sel.rounds_visible(request.user).order_by("-year")
    return render(
        request, "evaluations/round_list.html", {"rounds": rounds, "can_create": is_staff_side(request.user)}
    )


@page(visible=manages_rounds, allowed=is_staff_side)
def round_create(request: HttpRequest) -> HttpResponse:
    """A new round starts as a copy of last year's (or of the round chosen with ?from=<id>)."""
    source = None
    if request.GET.get("from", "").isdigit():
        source = get_object_or_404(EvaluationRound, pk=int(request.GET["from"]))
    source = source or svc.previous_round()
    form = RoundForm(
        request.POST if request.method == "POST" else None, initial=svc.round_initial(previous=source)
    )
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        try:
            rnd = svc.round_create(actor=request.user, copy_from=source, **data)
        except WorkflowError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(
                request, _("已创建%(title)s，请核对参评基地、考核指标和等次分数线。") % {"title": rnd.title}
            )
            return redirect("evaluations:round_detail", pk=rnd.pk)
    return render(request, "evaluations/round_form.html", {"form": form, "source": source})


def _round_for(request: HttpRequest, pk: int) -> EvaluationRound:
    return get_object_or_404(sel.round_managed(request.user), pk=pk)


def _round_to_change(request: HttpRequest, pk: int) -> EvaluationRound:
    """The round for a staff write: 404 for whoever may not see it, 403 for the agency that may."""
    rnd = _round_for(request, pk)
    if not is_staff_side(request.user):
        raise PermissionDenied
    return rnd


def _run(*, name: str):
    def run(*, record, actor, expected_state=None, **_kw):
        if name == "open_reports":
            return svc.round_open_reports(rnd=record, actor=actor, expected_state=expected_state)
        return svc.round_advance(rnd=record, actor=actor, name=name, expected_state=expected_state)

    return run


HANDLERS = {
    name: Handler(run=_run(name=name))
    for name in ("open_reports", "start_scoring", "open_notice", "publish", "close")
}


def _settings_form(rnd: EvaluationRound, data=None):
    if rnd.state == RoundState.DRAFT:
        return RoundForm(data, instance=rnd)
    if rnd.state == RoundState.REPORTS_OPEN:
        return RoundOpenSettingsForm(data, instance=rnd)
    return None


def _next_step(rnd: EvaluationRound) -> str:
    """One sentence on the round page after the reports open: who acts now and where."""
    names = {"agency": rnd.agency or _("第三方机构")}
    if rnd.state == RoundState.REPORTS_OPEN:
        return _(
            "各基地填报年度报告，推荐单位确认、第三方机构受理；全部受理或逾期后，由科技厅“进入评价打分”。"
        )
    if rnd.state == RoundState.SCORING:
        done = rnd.evaluations.exclude(state=EvaluationState.PENDING).count()
        names.update(done=done, total=rnd.evaluations.count())
        return (
            _(
                "第三方机构（%(agency)s）在“评分”页面逐个评分（已评分 %(done)s / %(total)s 个）；全部评分后，"
                "科技厅在“等次确认”页面确认等次，再发起考核结果公示。"
            )
            % names
        )
    if rnd.state == RoundState.NOTICE:
        return _(
            "考核结果公示中，公众可对公示结果提出书面异议；公示期满、异议处理完毕后，由科技厅“公布考核结果”，"
            "各基地将收到通知。异议成立的，可在公布前调整该基地的考核等次（须填写理由）。"
        )
    if rnd.state == RoundState.PUBLISHED:
        return _("考核结果已公布，各基地已收到通知；连续两年不合格的基地由平台列入“撤销认定”名单。")
    return ""


ENTRIES_PER_PAGE = 50  # the round's bases a page (a national round holds 3,000)
def _bases_for(rnd: EvaluationRound, action: str):
    """The bases `action` may take: 列入 (include) a base not yet included, 移出 (exclude) one that is; 404 for
    any other action."""
    if action == "include":
        return sel.bases_addable(rnd)
    if action == "exclude":
        return sel.bases_in(rnd)
    raise Http404


def _base_form(rnd: EvaluationRound, action: str, data=None) -> RoundBaseForm:
    """The include or exclude box, suggesting the bases the action may take (round_base_search)."""
    return RoundBaseForm(data, prefix=action, bases=_bases_for(rnd, action),
                         search_url=reverse("evaluations:round_base_search", args=[rnd.pk, action]))


def _detail(request: HttpRequest, rnd: EvaluationRound, **forms) -> HttpResponse:
    staff = is_staff_side(request.user)
    draft = rnd.state == RoundState.DRAFT
    tally = sel.round_entry_tally(rnd)
    paginator = Paginator(sel.round_entries(rnd), ENTRIES_PER_PAGE)
    paginator.count = tally["entries"]  # counted with the included ones: no second COUNT
    ctx = {
        "round": rnd,
        "entries": paginator.get_page(request.GET.get("page")),
        "included": tally["included"],
        "indicators": list(rnd.indicators.all()),
        "bands": list(rnd.bands.all()),
        "staff": staff,
        "draft": draft,
        # 公布考核结果 waits for the notice's period and its objections: shown disabled with the reasons meanwhile.
        "actions": page_actions(rnd, request.user, names=list(HANDLERS), show_blocked={"publish"}),
        "action_forms": {},
        "blocked": blocked_reasons(rnd, "open_reports") if staff and draft else [],
        "counts": sel.report_state_counts(rnd.reports.all()) if rnd.state != RoundState.DRAFT else None,
        "next_step": _next_step(rnd),
        "notice": rnd.notice if rnd.notice_id else None,
    }
    if staff and rnd.notice_id:
        objections = list(notice_objections(rnd.notice))
        evaluations = dict(rnd.evaluations.filter(base_id__in={o.entry.base_id for o in objections})
                           .values_list("base_id", "pk"))
        for o in objections:
            o.evaluation_id = evaluations.get(o.entry.base_id)
        ctx["notice_objections"] = objections
        ctx["notice_pending"] = sum(1 for o in objections if o.state == ObjectionState.PENDING)
    if staff:
        ctx["settings_form"] = forms.get("settings_form") or _settings_form(rnd)
        if draft:
            ctx["indicator_formset"] = forms.get("indicator_formset") or IndicatorFormSet(
                prefix="ind",
                initial=[
                    {
                        "name": i.name,
                        "description": i.description,
                        "weight": i.weight,
                        "max_score": i.max_score,
                        "is_veto": i.is_veto,
                    }
                    for i in ctx["indicators"]
                ],
            )
            ctx["band_formset"] = forms.get("band_formset") or BandFormSet(
                prefix="band",
                initial=[
                    {"grade": b.grade, "min_score": b.min_score, "quota_percent": b.quota_percent}
                    for b in ctx["bands"]
                ],
            )
        if rnd.state in (RoundState.DRAFT, RoundState.REPORTS_OPEN):
            for action in ("include", "exclude"):  # the two boxes (_bases_for)
                ctx[f"{action}_form"] = forms.get(f"{action}_form") or _base_form(rnd, action)
    return render(request, "evaluations/round_detail.html", ctx)


@page(visible=manages_rounds)
def round_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """Who: staff (edit, actions), the commissioned agency (read). POST: a phase transition (actions box)."""
    rnd = _round_for(request, pk)
    if request.method == "POST":
        response, _forms = run_action(request, rnd, HANDLERS, redirect_to=request.path)
        return response
    return _detail(request, rnd)


@page(visible=manages_rounds)
@require_POST
def round_settings(request: HttpRequest, pk: int) -> HttpResponse:
    rnd = _round_to_change(request, pk)
    form = _settings_form(rnd, request.POST)
    if form is None:
        messages.error(
            request, _("本年度考核当前状态为“%(state)s”，不能修改。") % {"state": rnd.get_state_display()}
        )
        return redirect("evaluations:round_detail", pk=pk)
    if form.is_valid():
        try:
            svc.round_update(rnd=rnd, actor=request.user, **form.cleaned_data)
        except WorkflowError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("考核设置已保存。"))
            return redirect("evaluations:round_detail", pk=pk)
    return _detail(request, _round_for(request, pk), settings_form=form)


@page(visible=manages_rounds)
@require_POST
def round_indicators(request: HttpRequest, pk: int) -> HttpResponse:
    rnd = _round_to_change(request, pk)
    formset = IndicatorFormSet(request.POST, prefix="ind")
    if formset.is_valid():
        try:
            svc.round_indicators_save(rnd=rnd, actor=request.user, rows=formset.rows())
        except WorkflowError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, _("考核指标已保存。"))
        return redirect("evaluations:round_detail", pk=pk)
    return _detail(request, rnd, indicator_formset=formset)


@page(visible=manages_rounds)
@require_POST
def round_bands(request: HttpRequest, pk: int) -> HttpResponse:
    rnd = _round_to_change(request, pk)
    formset = BandFormSet(request.POST, prefix="band")
    if formset.is_valid():
        try:
            svc.round_bands_save(rnd=rnd, actor=request.user, rows=formset.rows())
        except WorkflowError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, _("等次分数线已保存。"))
        return redirect("evaluations:round_detail", pk=pk)
    return _detail(request, rnd, band_formset=formset)


@page(visible=manages_rounds)
@require_POST
def round_base(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    """Include (action=include) or exclude (action=exclude) one base, with the reason."""
    rnd = _round_to_change(request, pk)
    form = _base_form(rnd, action, request.POST)
    if form.is_valid():
        run = svc.round_base_include if action == "include" else svc.round_base_exclude
        try:
            run(
                rnd=rnd,
                base=form.cleaned_data["base"],
                actor=request.user,
                reason=form.cleaned_data["reason"],
            )
        except WorkflowError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(
                request,
                (_("已列入“%(base)s”。") if action == "include" else _("已移出“%(base)s”。"))
                % {"base": form.cleaned_data["base"]},
            )
        return redirect("evaluations:round_detail", pk=pk)
    return _detail(request, rnd, **{f"{action}_form": form})


@page(visible=manages_rounds)
@require_GET
def round_base_search(request: HttpRequest, pk: int, action: str) -> JsonResponse:
    """The include and exclude boxes' suggestions: bases the action may take (列入: not yet included; 移出:
    included); staff only (the agency: 403)."""
    return base_suggestions(request, _bases_for(_round_to_change(request, pk), action))
