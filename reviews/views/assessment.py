"""Pages of the assessment stage (评估论证). Thin: scope the record, validate a form, call a service.

Scoping: a record outside the user's reach answers 404 (an expert sees only own seats, an agency
only its commissions); a page the role may see but an action it may not take answers 403.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET

from applications.models import Attachment, Call, ScoreIndicator
from pilotbase.actions import Handler, run_action
from pilotbase.inputs import choice_param, parse_int
from pilotbase.models import Role
from pilotbase.panels import KIND_LABELS, panel_score
from pilotbase.rules import is_staff_side
from pilotbase.timeline import timeline_of
from pilotbase.workflow import (
    WorkflowError,
    acting,
    available_transitions,
    can_run,
    looking,
    page_actions,
    record_refresh,
)
from pilotbase.xlsx import xlsx_response

from ..forms.assessment import (
    AcceptForm,
    CommissionForm,
    ConcludeForm,
    ExpertFilterForm,
    ReasonForm,
    ScoreSheetForm,
    SiteVisitFileForm,
    SiteVisitForm,
)
from ..models import (
    Assessment,
    AssessmentState,
    AssignmentState,
    ExpertAssignment,
    SiteVisitFile,
)
from ..models.assessment import PASS_CONDITIONS, no_veto
from ..selectors import assessment as sel
from ..services import assessment as svc


def _require(ok: bool) -> None:
    """Role gate of a page: a role the page is not for does not learn it exists (404)."""
    if not ok:
        raise Http404


def _is_agency(user) -> bool:
    return user.role == Role.AGENCY and bool(user.organization_id)


# ---- department: commissions ----------------------------------------------------------------
@login_required
def commission_list(request: HttpRequest) -> HttpResponse:
    """The commissions, each with its first assessments; `?commission=` one commission with all its assessments,
    20 a page."""
    _require(is_staff_side(request.user) or _is_agency(request.user))
    calls = Call.objects.order_by("-year", "-opens_at") if is_staff_side(request.user) else []
    commission_id = parse_int(request.GET.get("commission"))
    if commission_id is not None:
        commission = get_object_or_404(sel.commissions_for(request.user), pk=commission_id)
        page = Paginator(sel.commission_assessments(commission), 20).get_page(request.GET.get("page"))
        page.object_list = sel.with_progress(list(page.object_list))
        return render(request, "reviews/assessment/commission_list.html", {
            "commission": commission, "page": page, "calls": calls, "querystring": f"commission={commission.pk}"})
    page = Paginator(sel.commissions_for(request.user), 20).get_page(request.GET.get("page"))
    page.object_list = sel.with_preview(list(page.object_list))
    return render(request, "reviews/assessment/commission_list.html", {"page": page, "calls": calls})


@login_required
def commission_create(request: HttpRequest) -> HttpResponse:
    _require(is_staff_side(request.user))
    call_id = parse_int(request.GET.get("call") or request.POST.get("call"))
    if call_id is None:
        calls = Call.objects.order_by("-year", "-opens_at")
        return render(request, "reviews/assessment/commission_form.html", {"calls": calls, "form": None})
    call = get_object_or_404(Call, pk=call_id)
    form = CommissionForm(request.POST or None, call=call)
    if request.method == "POST" and form.is_valid():
        try:
            svc.commission_create(call=call, agency=form.cleaned_data["agency"],
                                  applications=form.cleaned_data["applications"],
                                  due_on=form.cleaned_data["due_on"], title=form.cleaned_data["title"],
                                  note=form.cleaned_data["note"], actor=request.user)
        except WorkflowError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, _("已委托第三方机构开展评估论证。"))
            return redirect("reviews:assess_commissions")
    return render(request, "reviews/assessment/commission_form.html", {"call": call, "form": form})


# ---- expert pool ----------------------------------------------------------------------------
@login_required
@require_GET
def expert_pool(request: HttpRequest) -> HttpResponse:
    _require(is_staff_side(request.user) or _is_agency(request.user))
    form = ExpertFilterForm(request.GET or None)
    qs = sel.expert_pool(**form.filters()) if request.GET else sel.expert_pool()
    page = Paginator(qs, 25).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(request, "reviews/assessment/expert_pool.html",
                  {"form": form, "page": page, "querystring": query.urlencode()})


# ---- agency: assessment page ----------------------------------------------------------------
def _pass_blocked(assessment: Assessment, offered: set[str]) -> str:
    """Why the page offers only a fail: the unmet conditions of `conclude_pass`, read from the model."""
    if "conclude_fail" not in offered or "conclude_pass" in offered:
        return ""
    unmet = [c for c in PASS_CONDITIONS if not c(assessment)]
    if no_veto in unmet:
        return str(no_veto.message)
    steps = "、".join(str(c.step) for c in unmet if c.step)
    return _("作出通过结论前还须%(steps)s；目前只能作出不通过结论。") % {"steps": steps} if steps else ""


def _assessment_context(assessment: Assessment, *, is_agency: bool, viewer: Any, candidates_of: int | None = None,
                        **forms) -> dict:
    """The page's context. A draw's candidates (the whole available pool, thousands at national scale) are a count;
    their names are resolved for the draw `candidates_of` only (?candidates=<draw>, the record's 查看名单)."""
    # each condition read once for the page, for its viewer (the pass conditions: the offer, then why not)
    with looking(), acting(viewer):
        return _assessment_context_of(assessment, is_agency=is_agency, viewer=viewer, candidates_of=candidates_of,
                                      **forms)


def _assessment_context_of(assessment: Assessment, *, is_agency: bool, viewer: Any, candidates_of: int | None,
                           **forms) -> dict:
    seats = sel.assessment_seats(assessment=assessment)
    draws = sel.assessment_draws(assessment=assessment)
    ids = {e for d in draws for e in d.drawn + [x["expert"] for x in d.exclusions]}
    ids |= {e for d in draws if d.pk == candidates_of for e in d.candidates}
    names = sel.expert_names(ids)
    for d in draws:  # resolve ids to experts for the audit view (experts removed since are left out)
        d.drawn_experts = [names[i] for i in d.drawn if i in names]
        d.candidate_experts = [names[i] for i in d.candidates if i in names] if d.pk == candidates_of else None
        d.exclusion_rows = [(names[x["expert"]], x["reason"]) for x in d.exclusions if x["expert"] in names]
    redrawn = {d.replaces_id for d in draws if d.replaces_id}
    visit = getattr(assessment, "site_visit", None)
    submitted = [s for s in seats if s.state == AssignmentState.SUBMITTED]
    active = [s for s in seats if s.state not in sel.GONE_SEATS]
    any_veto = any(s.vetoed for s in submitted)
    offered = {a.name for a in available_transitions(assessment, viewer)}  # the page asks the model
    conclude_form = forms.get("conclude_form") or ConcludeForm()
    conclude_form.offer(offered)
    return {
        "assessment": assessment, "application": assessment.application, "seats": seats, "draws": draws,
        "redrawn": redrawn, "kind_labels": KIND_LABELS, "visit": visit,
        "visit_files": list(visit.files.all()) if visit else [],
        "submitted_count": len(submitted), "active_count": len(active),
        "preview_total": panel_score((s.total for s in submitted if s.total is not None), rule=sel.SCORE_RULE),
        "any_veto": any_veto, "pass_blocked": _pass_blocked(assessment, offered),
        "is_agency": is_agency, "offered": offered,
        "assessment_actions": page_actions(assessment, viewer, names=list(ASSESSMENT_TRANSITIONS),
                                           show_blocked={"start_site_visit"}) if is_agency else [],
        "visit_actions": page_actions(visit, viewer, names=list(VISIT_TRANSITIONS)) if visit and is_agency else [],
        "reopenable": {s.pk for s in submitted if can_run(s, "reopen", viewer)},
        "can_draw": is_agency and assessment.state == AssessmentState.PANEL and not active,
        "site_form": forms.get("site_form") or SiteVisitForm(initial=SiteVisitForm.initial_from(visit)),
        "file_form": forms.get("file_form") or SiteVisitFileForm(),
        "conclude_form": conclude_form,
        "timeline": timeline_of(assessment.application, viewer=viewer),
    }


@login_required
def assessment_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """The agency's assessment page. Transitions of one record run through run_action: the assessment's box
    (开始专家评审, 进入现场核查), the site visit's (完成现场核查), a seat row's 退回修改 (the seat's `reopen`, the
    row posts `seat`) and the conclusion. What is not a transition of one record stays a plain service call by the
    posted `action`: the draw and a seat's 补抽 (redraw: it creates a PanelDraw and a new seat; the declined or
    recused seat does not move), the site-visit record and its files (edits)."""
    try:
        assessment = sel.assessment_detail(user=request.user, pk=pk)
    except Assessment.DoesNotExist as exc:
        raise Http404 from exc
    is_agency = _is_agency(request.user) and request.user.organization_id == assessment.commission.agency_id
    forms: dict = {}
    # a seat row's 退回修改: the seat's transition
    if request.method == "POST" and "transition" in request.POST and "seat" in request.POST:
        if not is_agency:
            raise PermissionDenied(_("只有受托第三方机构可以操作。"))
        response, _forms = run_action(request, _seat_of(request, assessment), SEAT_TRANSITIONS,
                                      redirect_to=reverse("reviews:assess_detail", args=[assessment.pk]),
                                      args={"reason": request.POST.get("reason", "")})
        return response
    if request.method == "POST" and "transition" in request.POST:  # the actions boxes: the assessment's, the visit's
        visit = getattr(assessment, "site_visit", None)
        on_visit = request.POST["transition"] in VISIT_TRANSITIONS
        if on_visit and visit is None:
            raise Http404
        response, _forms = run_action(request, visit if on_visit else assessment,
                                      VISIT_TRANSITIONS if on_visit else ASSESSMENT_TRANSITIONS,
                                      redirect_to=reverse("reviews:assess_detail", args=[assessment.pk]))
        return response
    if request.method == "POST":
        action = ASSESSMENT_ACTIONS.get(request.POST.get("action", ""))
        if action is None:
            raise Http404
        if not is_agency:
            raise PermissionDenied(_("只有受托第三方机构可以操作。"))
        try:  # the action puts its bound forms into `forms`: kept with what was typed when it fails
            refused = action(request, assessment, forms) is False  # False: refused, its message already given
        except WorkflowError as exc:
            messages.error(request, str(exc))
            done = False
        else:
            done = not refused and not any(form.errors for form in forms.values())
        if done:
            return redirect("reviews:assess_detail", pk=assessment.pk)
        assessment = sel.assessment_detail(user=request.user, pk=pk)
    context = _assessment_context(assessment, is_agency=is_agency, viewer=request.user,
                                  candidates_of=parse_int(request.GET.get("candidates")), **forms)
    return render(request, "reviews/assessment/assessment_detail.html", context)


# The agency's actions on the page that are not a transition of one record, by the posted `action`: the draw and
# a seat's 补抽 (redraw) create a Draw and new seats, the site-visit record and its files are edits; each stays a
# plain service call. (A seat's 退回修改 is the seat's `reopen` transition: SEAT_TRANSITIONS, through run_action.)
# A form is put into `forms` before its service runs, so that an invalid form or a refused action (WorkflowError)
# shows the page again with what was typed.
def _draw(request: HttpRequest, assessment: Assessment, forms: dict) -> None:
    draw = svc.panel_draw(assessment=assessment, actor=request.user)
    messages.success(request, _("已抽取 %(n)d 名专家并发出邀请（随机种子 %(seed)s）。")
                     % {"n": len(draw.drawn), "seed": draw.seed})


def _seat_of(request: HttpRequest, assessment: Assessment) -> ExpertAssignment:
    post = request.POST
    seat = get_object_or_404(ExpertAssignment, pk=post.get("seat") or 0, assessment=assessment)
    return seat


def _redraw(request: HttpRequest, assessment: Assessment, forms: dict) -> None:
    svc.panel_redraw(assignment=_seat_of(request, assessment), actor=request.user)
    messages.success(request, _("已补抽专家并发出邀请。"))


def _site_visit(request: HttpRequest, assessment: Assessment, forms: dict) -> None:
    form = forms["site_form"] = SiteVisitForm(request.POST)
    if not form.is_valid():
        return
    d = form.cleaned_data
    svc.site_visit_save(assessment=assessment, actor=request.user, visit_date=d["visit_date"], team=d["team"],
                        items=form.items(), findings=d["findings"], conclusion=d["conclusion"])
    messages.success(request, _("现场核查记录已保存。"))


def _site_file(request: HttpRequest, assessment: Assessment, forms: dict) -> None:
    form = forms["file_form"] = SiteVisitFileForm(request.POST, request.FILES)
    visit = getattr(assessment, "site_visit", None)
    if visit is None:
        raise WorkflowError(_("请先保存现场核查记录，再上传照片或文件。"))
    if not form.is_valid():
        return
    svc.site_visit_file_add(visit=visit, actor=request.user, upload=form.cleaned_data["file"],
                            caption=form.cleaned_data["caption"])
    messages.success(request, _("文件已上传。"))


def _conclude(request: HttpRequest, assessment: Assessment, forms: dict) -> bool | None:
    """The conclusion form's choice names the transition (建议通过 → conclude_pass); run_action runs it."""
    form = forms["conclude_form"] = ConcludeForm(request.POST)
    if not form.is_valid():
        return None
    name = "conclude_pass" if form.cleaned_data["passed"] else "conclude_fail"
    response, _forms = run_action(request, assessment, CONCLUSION_HANDLERS, name=name, args=form.cleaned_data,
                                  redirect_to=reverse("reviews:assess_detail", args=[assessment.pk]),
                                  stay_on_refusal=True)
    return response is not None


def _conclude_run(*, record: Assessment, actor, passed: bool, consensus_opinion: str, **_kw) -> None:
    svc.assessment_conclude(assessment=record, actor=actor, passed=passed, consensus_opinion=consensus_opinion)


CONCLUSION_HANDLERS = {name: Handler(run=_conclude_run, done=gettext_lazy("评估结论已保存。"))
                       for name in ("conclude_pass", "conclude_fail")}


ASSESSMENT_ACTIONS = {
    "draw": _draw, "redraw": _redraw, "site_visit": _site_visit, "site_file": _site_file,
    "conclude": _conclude,
}

# The transitions in the page's actions boxes (templates/pilotbase/_actions.html), run through run_action.
def _start_scoring(*, record: Assessment, actor, **_kw) -> None:
    svc.assessment_start_scoring(assessment=record, actor=actor)


def _start_site_visit(*, record: Assessment, actor, **_kw) -> None:
    svc.assessment_start_site_visit(assessment=record, actor=actor)


def _site_complete(*, record, actor, **_kw) -> None:
    svc.site_visit_complete(visit=record, actor=actor)


ASSESSMENT_TRANSITIONS = {
    "start_scoring": Handler(run=_start_scoring, done=gettext_lazy("已开始专家评审。")),
    "start_site_visit": Handler(run=_start_site_visit, done=gettext_lazy("已进入现场核查阶段。")),
}
def _seat_reopen(*, record: ExpertAssignment, actor, reason: str, **_kw) -> None:
    svc.assignment_reopen(assignment=record, actor=actor, reason=reason)


SEAT_TRANSITIONS = {"reopen": Handler(run=_seat_reopen, done=gettext_lazy("已退回专家修改评分。"))}
VISIT_TRANSITIONS = {"complete": Handler(run=_site_complete, done=gettext_lazy("现场核查已完成。"))}


@login_required
@require_GET
def site_visit_file(request: HttpRequest, pk: int) -> FileResponse:
    try:
        record = sel.site_visit_file_for(user=request.user, pk=pk)
    except SiteVisitFile.DoesNotExist as exc:
        raise Http404 from exc
    inline = record.content_type.startswith("image/") or record.content_type == "application/pdf"
    return FileResponse(record.file.open("rb"), content_type=record.content_type, as_attachment=not inline,
                        filename=record.original_name)


# ---- expert ---------------------------------------------------------------------------------
@login_required
@require_GET
def my_assignments(request: HttpRequest) -> HttpResponse:
    _require(request.user.role == Role.EXPERT)
    qs = sel.my_seats(request.user)
    state = choice_param(request.GET, "state", AssignmentState.values)
    if state:
        qs = qs.filter(state=state)
    page = Paginator(qs, 20).get_page(request.GET.get("page"))
    page.object_list = sel.with_units(list(page.object_list))
    return render(request, "reviews/assessment/my_assignments.html",
                  {"page": page, "state": state, "states": AssignmentState.choices, "today": timezone.localdate(),
                   "querystring": f"state={state}" if state else ""})


def _score_initial(seat: ExpertAssignment) -> dict:
    data = {"opinion": seat.opinion, "veto_reason": seat.veto_reason}
    for s in seat.scores.all():
        if s.indicator.is_veto:
            data[f"veto_{s.indicator_id}"] = "1" if s.vetoed else "0"
        else:
            data[f"score_{s.indicator_id}"] = s.score
    return data


# The expert's transitions of the seat, run through run_action by the page's own forms (the posted `action` names
# the transition: the accept form, the reason form's two buttons, the score sheet's 提交评分 after its save).
def _accept(*, record: ExpertAssignment, actor, no_conflict: bool, declaration: str, **_kw) -> None:
    svc.assignment_accept(assignment=record, actor=actor, no_conflict=no_conflict, declaration=declaration)


def _decline(*, record: ExpertAssignment, actor, reason: str, **_kw) -> None:
    svc.assignment_decline(assignment=record, actor=actor, reason=reason)


def _recuse(*, record: ExpertAssignment, actor, reason: str, **_kw) -> None:
    svc.assignment_recuse(assignment=record, actor=actor, reason=reason)


def _submit(*, record: ExpertAssignment, actor, **_kw) -> None:
    svc.assignment_submit(assignment=record, actor=actor)


EXPERT_TRANSITIONS = {
    "accept": Handler(run=_accept, done=gettext_lazy("已接受评审邀请。")),
    "decline": Handler(run=_decline, done=gettext_lazy("已提交，感谢您的配合。")),
    "recuse": Handler(run=_recuse, done=gettext_lazy("已提交，感谢您的配合。")),
    "submit": Handler(run=_submit, done=gettext_lazy("评分已提交。")),
}


@login_required
def assignment_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """The expert's seat. 接受, 谢绝, 申明回避 and 提交评分 are the seat's transitions, run through run_action by the
    page's own forms (a refusal keeps what was typed); 保存草稿 is an edit of the sheet, a plain service call."""
    try:
        seat = sel.assignment_detail(user=request.user, pk=pk)
    except ExpertAssignment.DoesNotExist as exc:
        raise Http404 from exc
    application = seat.assessment.application
    indicators = ScoreIndicator.objects.filter(call_id=application.call_id).order_by("order", "id")
    accept_form, reason_form = AcceptForm(), ReasonForm()
    sheet = ScoreSheetForm(initial=_score_initial(seat), indicators=indicators)
    if request.method == "POST":
        action = request.POST.get("action", "")
        here = reverse("reviews:assess_assignment", args=[seat.pk])
        response = None
        try:
            if action == "accept":
                accept_form = AcceptForm(request.POST)
                if accept_form.is_valid():
                    response, _forms = run_action(request, seat, EXPERT_TRANSITIONS, name="accept", redirect_to=here,
                                                  args=accept_form.cleaned_data, stay_on_refusal=True)
            elif action in {"decline", "recuse"}:  # one reason form, two buttons: the button names the transition
                reason_form = ReasonForm(request.POST)
                if reason_form.is_valid():
                    response, _forms = run_action(request, seat, EXPERT_TRANSITIONS, name=action,
                                                  redirect_to=reverse("reviews:assess_my"),
                                                  args=reason_form.cleaned_data, stay_on_refusal=True)
            elif action in {"save", "submit"}:
                sheet = ScoreSheetForm(request.POST, indicators=indicators)
                if sheet.is_valid():
                    svc.scores_save(assignment=seat, actor=request.user, scores=sheet.scores(),
                                    vetoes=sheet.vetoes(), veto_reason=sheet.cleaned_data["veto_reason"],
                                    opinion=sheet.cleaned_data["opinion"])
                    if action == "submit":
                        record_refresh(seat)
                        response, _forms = run_action(request, seat, EXPERT_TRANSITIONS, name="submit",
                                                      redirect_to=here, stay_on_refusal=True)
                    else:
                        messages.success(request, _("评分草稿已保存。"))
                        response = redirect(here)
                else:
                    messages.error(request, _("评分表有错误，请按提示修改。"))
            else:
                raise Http404
        except WorkflowError as exc:  # the draft's save refused (scoring closed)
            messages.error(request, str(exc))
        if response is not None:
            return response
        record_refresh(seat)
    by_indicator = {s.indicator_id: s for s in seat.scores.all()}
    attachments = (list(application.attachments.select_related("requirement"))
                   if seat.state in (AssignmentState.ACCEPTED, AssignmentState.SUBMITTED) else [])
    return render(request, "reviews/assessment/assignment_detail.html", {
        "seat": seat, "application": application, "partners": list(application.partners.select_related("organization")),
        "attachments": attachments, "accept_form": accept_form, "reason_form": reason_form, "sheet": sheet,
        "peers": sel.peers_visible(assignment=seat), "blind": application.call.blind_scoring,
        "score_rows": [(ind, by_indicator.get(ind.pk)) for ind in indicators],
        "editable": seat.can_score,
    })


@login_required
@require_GET
def assignment_attachment(request: HttpRequest, pk: int, attachment_id: int) -> FileResponse:
    """An application's attachment, for an expert holding an accepted or submitted seat on it."""
    try:
        seat = sel.assignments_for(request.user).select_related("assessment").get(pk=pk)
    except ExpertAssignment.DoesNotExist as exc:
        raise Http404 from exc
    record = get_object_or_404(Attachment, pk=attachment_id, application_id=seat.assessment.application_id)
    if seat.state not in (AssignmentState.ACCEPTED, AssignmentState.SUBMITTED):
        raise PermissionDenied(_("接受评审邀请后才能查看申报材料。"))
    return FileResponse(record.file.open("rb"), content_type=record.content_type, as_attachment=True,
                        filename=record.original_name)


# ---- department: ranked list ----------------------------------------------------------------
RANKING_PAGE_SIZE = 50


def _ranked_call(request: HttpRequest) -> Call | None:
    _require(is_staff_side(request.user))
    call_id = parse_int(request.GET.get("call"))
    return get_object_or_404(Call, pk=call_id) if call_id else Call.objects.order_by("-year", "-id").first()


@login_required
@require_GET
def ranked_list(request: HttpRequest) -> HttpResponse:
    """The ranking by pages of 50: the order of the whole call is computed from narrow rows, the rows shown (with
    their experts' scores) for the page only; a call sends hundreds of applications to assessment."""
    call = _ranked_call(request)
    page = Paginator(sel.ranking_order(call=call) if call else [], RANKING_PAGE_SIZE).get_page(request.GET.get("page"))
    rows = sel.ranked_assessments(call=call, order=list(page.object_list)) if call else []
    return render(request, "reviews/assessment/ranked.html", {
        "call": call, "rows": rows, "page": page, "calls": Call.objects.order_by("-year", "-id"),
        "querystring": f"call={call.pk}" if call else "",
    })


@login_required
@require_GET
def ranked_export(request: HttpRequest) -> HttpResponse:
    call = _ranked_call(request)
    if call is None:
        raise Http404
    rows = sel.ranked_assessments(call=call)

    def line(a):  # the page's order and ranks: concluded ranked, open ones after without a rank
        visit = getattr(a, "site_visit", None)
        return [
            a.rank, a.application.acceptance_no or "", a.application.name, a.application.applicant.name,
            a.get_state_display(), a.total_score,
            "是" if a.vetoed else "是（暂定）" if a.provisional_veto else "否", a.provisional_score,
            "、".join(f"{s.expert.user}:{s.total}" for s in a.submitted),
            visit.get_conclusion_display() if visit else "",
            {"passed": "建议通过", "failed": "建议不通过"}.get(a.state, ""),
            timezone.localtime(a.concluded_at).date() if a.concluded_at else None,
        ]

    return xlsx_response(
        filename=f"assessment-ranking-{call.pk}.xlsx", title="评估排名", rows=(line(a) for a in rows),
        headers=["排名", "受理编号", "申报名称", "申报单位", "状态", "综合得分", "一票否决", "暂定得分（评估中）",
                 "各专家得分", "现场核查结论", "评估结论", "结论日期"],
        widths=(6, 14, 36, 30, 12, 10, 10, 14, 40, 16, 12, 12))

