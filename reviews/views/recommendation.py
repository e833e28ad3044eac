"""Pages of 初审推荐 (authority) and 形式审查 (department).

Every record is fetched through a selector scoped to the user: not visible → 404; visible but
the action is not the user's → 403 (PermissionDenied from the rules / the service).
"""

from __future__ import annotations

import mimetypes

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods

from pilotbase.actions import Handler, page, run_action
from pilotbase.inputs import choice_param, int_param, parse_int, text_param
from pilotbase.keyset import PAGE_PARAMS, keyset_page
from pilotbase.rules import is_authority, is_staff_side
from pilotbase.timeline import timeline_of
from pilotbase.workflow import WorkflowError, available_transitions, page_actions
from pilotbase.xlsx import xlsx_response

from ..forms.recommendation import DecisionForm, FormalCheckForm, LetterForm, PriorityForm
from ..models import BatchState, FormalCheckState, RecommendationState
from ..selectors import recommendation as sel
from ..services import recommendation as svc

PAGE_SIZE = 20


def _querystring(request: HttpRequest) -> str:
    return urlencode({k: v for k, v in request.GET.items() if k not in PAGE_PARAMS and v})


def _queue_page(request: HttpRequest, qs, total: int | None):
    """A queue's page by keyset (a deep page seeks, no OFFSET over the joined rows). Its total is the tab's count
    where the tabs count the same rows (no filter beyond the state), else (None) one COUNT."""
    return keyset_page(qs, request.GET, count=qs.count() if total is None else total, per_page=PAGE_SIZE)


# ---- authority: queue and review --------------------------------------------------------------
def _queue_filters(request: HttpRequest, states: list[str]) -> dict:
    """state / call / q of a queue page, as the page and its Excel export read them."""
    return {"state": choice_param(request.GET, "state", states), "call_id": int_param(request.GET, "call"),
            "q": text_param(request.GET, "q")}


@page(visible=is_authority)
def rec_queue(request: HttpRequest) -> HttpResponse:
    filters = _queue_filters(request, RecommendationState.values)
    state, call_id, q = filters["state"], filters["call_id"], filters["q"]
    qs = sel.recommendation_queue(user=request.user, **filters)
    counts = sel.recommendation_counts(user=request.user, call_id=call_id)  # the tabs count the call's rows
    page = _queue_page(request, qs, None if q else counts[state or "all"])
    calls = sel.calls_of_authority(request.user)
    return render(request, "reviews/recommendation/queue.html", {
        "page": page, "counts": counts, "tabs": [(v, label, counts[v]) for v, label in RecommendationState.choices],
        "state": state, "call_id": call_id, "q": q, "calls": calls, "waiting": sel.batches_waiting(user=request.user),
        "querystring": _querystring(request),
    })


def _recommend(*, record, actor, expected_state, opinion, **_kw):
    svc.recommendation_recommend(recommendation=record, actor=actor, opinion=opinion, expected_state=expected_state)


def _return(*, record, actor, expected_state, opinion, requested_materials="", **_kw):
    svc.recommendation_return(recommendation=record, actor=actor, opinion=opinion, expected_state=expected_state,
                              requested_materials=requested_materials)


def _decline(*, record, actor, expected_state, opinion, **_kw):
    svc.recommendation_decline(recommendation=record, actor=actor, reason=opinion, expected_state=expected_state)


def _reconsider(*, record, actor, expected_state, **_kw):
    svc.recommendation_reconsider(recommendation=record, actor=actor, expected_state=expected_state)


def _forward(*, record, actor, expected_state, **_kw):
    svc.recommendation_forward(recommendation=record, actor=actor, expected_state=expected_state)


# The review form's choice values (kept for the page's markup) → the service and the model transition behind it.
_SUBMITTED = gettext_lazy("已提交：%(action)s。")
DECISION_HANDLERS = {
    "recommend": Handler(run=_recommend, transition="recommend", done=_SUBMITTED),
    "return": Handler(run=_return, transition="send_back", done=_SUBMITTED),
    "decline": Handler(run=_decline, transition="decline", done=_SUBMITTED),
    "reconsider": Handler(run=_reconsider, transition="reconsider", done=_SUBMITTED),
    "forward": Handler(run=_forward, transition="forward", done=_SUBMITTED),
}


def _choices(record, user, handlers: dict[str, Handler]) -> list[tuple[str, str]]:
    """The choices a decision form offers: what the model lets `user` run now, with the declared labels."""
    allowed = {a.name: a.label for a in available_transitions(record, user)}
    return [(value, allowed[h.transition]) for value, h in handlers.items() if h.transition in allowed]


def _decide(request: HttpRequest, record, handlers: dict[str, Handler], data: dict, *, redirect_to: str):
    """Run the decision form's choice through run_action: the choice names the handler (its transition's permission
    → 403); a refusal (stale state, an unmet condition) comes back as a message with the bound form kept."""
    args = {k: v for k, v in data.items() if k not in {"action", "expected_state"}}
    response, _forms = run_action(request, record, handlers, name=data["action"], args=args, redirect_to=redirect_to,
                                  stay_on_refusal=True)
    return response


@page()
@require_http_methods(["GET", "POST"])
def rec_review(request: HttpRequest, pk: int) -> HttpResponse:
    rec = sel.recommendation_for_user(user=request.user, pk=pk)
    choices = _choices(rec, request.user, DECISION_HANDLERS)
    form = DecisionForm(request.POST or None, choices=choices, initial={"expected_state": rec.state})
    if request.method == "POST":
        if not choices:
            raise PermissionDenied(_("您没有权限执行该操作。"))
        if form.is_valid():
            url = reverse("reviews:rec_review", args=[rec.pk])
            return _decide(request, rec, DECISION_HANDLERS, form.cleaned_data, redirect_to=url) or redirect(url)
    app = rec.application
    return render(request, "reviews/recommendation/review.html", {
        "rec": rec, "app": app, "form": form, "actions": choices,
        "diff": sel.what_changed(rec), "timeline": timeline_of(app, viewer=request.user), "attachments": sel.attachment_links(app),
        "totals": app.totals(),
    })


# ---- authority: batches -----------------------------------------------------------------------
@page(visible=is_authority | is_staff_side)
def rec_batches(request: HttpRequest) -> HttpResponse:
    return render(request, "reviews/recommendation/batches.html", {"batches": sel.batch_list(user=request.user)})


# The batch page's edits of an open batch (their markup kept: `action` names the handler): order and letter. Its
# transition, "submit", is in the page's actions box and runs through run_action (its conditions say why the
# batch cannot be sent yet, on the disabled button).
def _batch_priority(*, record, actor, form, **_kw) -> str:
    svc.batch_set_priority(batch=record, ordered_recommendation_ids=form.ordered_ids(), actor=actor)
    return _("推荐排序已保存。")


def _batch_move(direction: str):
    def run(*, record, actor, request, recommended, **_kw) -> str:
        ids = [r.pk for r in recommended]
        rec_id = parse_int(request.POST.get("rec"))
        if rec_id not in ids:
            raise WorkflowError(_("排序名单与当前拟推荐名单不一致，请刷新页面后再操作。"))
        i = ids.index(rec_id)
        j = i - 1 if direction == "up" else i + 1
        if 0 <= j < len(ids):
            ids[i], ids[j] = ids[j], ids[i]
            svc.batch_set_priority(batch=record, ordered_recommendation_ids=ids, actor=actor)
        return ""

    return run


def _batch_letter(*, record, actor, form, **_kw) -> str:
    svc.batch_attach_letter(batch=record, actor=actor, upload=form.cleaned_data["letter"])
    return _("推荐函已上传。")


def _batch_submit(*, record, actor, expected_state, **_kw) -> None:
    svc.batch_submit(batch=record, actor=actor, expected_state=expected_state or BatchState.DRAFT)


BATCH_TRANSITIONS = {"submit": Handler(run=_batch_submit, done=gettext_lazy("推荐名单已报送科技厅。"))}


BATCH_HANDLERS = {
    "priority": Handler(run=_batch_priority, form=PriorityForm),
    "up": Handler(run=_batch_move("up")),
    "down": Handler(run=_batch_move("down")),
    "letter": Handler(run=_batch_letter, form=LetterForm),
}


def _batch_form(handler: Handler, request: HttpRequest | None, recommended: list):
    data, files = (request.POST, request.FILES) if request is not None else (None, None)
    if handler.form is PriorityForm:
        return PriorityForm(data, recommendations=recommended)
    return handler.form(data, files)


@page()
@require_http_methods(["GET", "POST"])
def rec_batch(request: HttpRequest, pk: int) -> HttpResponse:
    batch = sel.batch_for_user(user=request.user, pk=pk)
    recommended = [r for r in batch.ordered if r.state == RecommendationState.RECOMMENDED]
    can_edit = may_submit(batch, request.user)
    forms = {name: _batch_form(h, None, recommended) for name, h in BATCH_HANDLERS.items() if h.form}
    if request.method == "POST" and "transition" in request.POST:
        response, _forms = run_action(request, batch, BATCH_TRANSITIONS,
                                      redirect_to=reverse("reviews:rec_batch", args=[batch.pk]))
        return response
    if request.method == "POST":
        handler = BATCH_HANDLERS.get(request.POST.get("action", ""))
        if not can_edit or handler is None:
            raise PermissionDenied(_("您没有权限执行该操作。"))
        name = request.POST["action"]
        form = _batch_form(handler, request, recommended) if handler.form else None
        if form is None or form.is_valid():
            try:
                done = handler.run(record=batch, actor=request.user, form=form, request=request,
                                   recommended=recommended)
            except WorkflowError as exc:
                messages.error(request, str(exc))
            else:
                if done:
                    messages.success(request, done)
            return redirect("reviews:rec_batch", pk=batch.pk)
        forms[name] = form
    call = batch.call
    quota_used = sum(1 for r in batch.ordered if r.state in {RecommendationState.RECOMMENDED,
                                                            RecommendationState.FORWARDED})
    return render(request, "reviews/recommendation/batch.html", {
        "batch": batch, "call": call, "recs": batch.ordered, "recommended": recommended, "can_edit": can_edit,
        "priority_form": forms["priority"], "letter_form": forms["letter"], "quota_used": quota_used,
        "actions": page_actions(batch, request.user, names=list(BATCH_TRANSITIONS), show_blocked=True),
    })


def may_submit(batch, user) -> bool:
    """The list, its order and its letter may be changed by whoever may send it, while it can still be sent
    (the permission of the batch's submit from its state: a sent batch offers nothing)."""
    trans = batch.submit._django_fsm.get_transition(batch.state)
    return trans is not None and trans.has_perm(batch, user)


@page()
def rec_batch_letter(request: HttpRequest, pk: int) -> FileResponse:
    batch = sel.batch_for_user(user=request.user, pk=pk)
    if not batch.letter:
        raise Http404
    ext = batch.letter.name.rsplit(".", 1)[-1].lower()
    content_type = mimetypes.types_map.get(f".{ext}", "application/octet-stream")
    return FileResponse(batch.letter.open("rb"), as_attachment=True, filename=batch.letter_name or f"推荐函.{ext}",
                        content_type=content_type)


@page()
def rec_batch_summary(request: HttpRequest, pk: int, fmt: str) -> HttpResponse:
    batch = sel.batch_for_user(user=request.user, pk=pk)
    filename = f"推荐汇总表-{batch.authority.name}-{batch.call.year}.{fmt}"
    if fmt == "xlsx":
        data, content_type = sel.summary_xlsx(batch), "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    else:
        data, content_type = sel.summary_pdf(batch), "application/pdf"
    response = HttpResponse(data, content_type=content_type)
    from django.utils.encoding import escape_uri_path

    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{escape_uri_path(filename)}"
    return response


# ---- department: formal check -----------------------------------------------------------------
@page(visible=is_staff_side)
def fc_queue(request: HttpRequest) -> HttpResponse:
    filters = _queue_filters(request, FormalCheckState.values)
    state, call_id, q = filters["state"], filters["call_id"], filters["q"]
    qs = sel.formal_check_queue(user=request.user, **filters)
    counts = sel.formal_check_counts(user=request.user)  # the tabs count every check, whatever the call
    page = _queue_page(request, qs, None if q or call_id else counts[state or "all"])
    return render(request, "reviews/recommendation/fc_queue.html", {
        "page": page, "counts": counts, "tabs": [(v, label, counts[v]) for v, label in FormalCheckState.choices],
        "state": state, "call_id": call_id, "q": q, "calls": sel.calls_with_formal_checks(),
        "querystring": _querystring(request),
    })


def _fc(service):
    def run(*, record, actor, expected_state, results, opinion, **_kw):
        service(check=record, actor=actor, results=results, opinion=opinion, expected_state=expected_state)

    return run


_CHECKED = gettext_lazy("形式审查结论已保存。")
CHECK_HANDLERS = {
    "pass": Handler(run=_fc(svc.formal_check_pass), transition="pass_check", done=_CHECKED),
    "return": Handler(run=_fc(svc.formal_check_return), transition="send_back", done=_CHECKED),
    "reject": Handler(run=_fc(svc.formal_check_reject), transition="reject", done=_CHECKED),
}


@page()
@require_http_methods(["GET", "POST"])
def fc_check(request: HttpRequest, pk: int) -> HttpResponse:
    check = sel.formal_check_for_user(user=request.user, pk=pk)
    app = check.application
    items = list(app.call.check_items.all())
    choices = _choices(check, request.user, CHECK_HANDLERS)
    form = FormalCheckForm(request.POST or None, check=check, items=items, choices=choices,
                           initial={"expected_state": check.state})
    if request.method == "POST":
        if not choices:
            raise PermissionDenied(_("您没有权限执行该操作。"))
        if form.is_valid():
            response = _decide(request, check, CHECK_HANDLERS, {**form.cleaned_data, "results": form.results()},
                               redirect_to=reverse("reviews:fc_check", args=[check.pk]))
            if response is not None:
                return response
    rec = getattr(app, "recommendation", None)
    batch = rec.batch if rec is not None else None
    return render(request, "reviews/recommendation/fc_check.html", {
        "check": check, "app": app, "form": form, "can_act": bool(choices), "rec": rec, "batch": batch,
        "timeline": timeline_of(app, viewer=request.user), "attachments": sel.attachment_links(app),
        "letter_url": reverse("reviews:rec_batch_letter", args=[batch.pk]) if batch and batch.letter else "",
    })


# ---- Excel exports of the queues (exactly the filtered rows) ---------------------------------------
@page(visible=is_authority)
@require_GET
def rec_queue_export(request: HttpRequest) -> HttpResponse:
    qs = sel.recommendation_queue(user=request.user, **_queue_filters(request, RecommendationState.values))
    rows = sel.recommendation_export_rows(qs)  # streamed plain columns, one query
    return xlsx_response(
        filename=f"recommendations-{timezone.localdate().isoformat()}.xlsx", title=_("初审推荐"), rows=rows,
        headers=[_("受理编号"), _("基地名称"), _("申报单位"), _("产业领域"), _("申报批次"), _("提交时间"),
                 _("状态"), _("推荐排序"), _("初审意见"), _("推荐截止时间")],
        widths=(14, 36, 30, 14, 36, 18, 10, 10, 50, 18))


@page(visible=is_staff_side)
@require_GET
def fc_queue_export(request: HttpRequest) -> HttpResponse:
    qs = sel.formal_check_queue(user=request.user, **_queue_filters(request, FormalCheckState.values))
    rows = sel.formal_check_export_rows(qs)  # streamed plain columns, one query
    return xlsx_response(
        filename=f"formal-checks-{timezone.localdate().isoformat()}.xlsx", title=_("形式审查"), rows=rows,
        headers=[_("受理编号"), _("基地名称"), _("申报单位"), _("推荐单位"), _("推荐排序"), _("产业领域"),
                 _("申报批次"), _("状态"), _("审查意见"), _("审查时间")],
        widths=(14, 36, 30, 24, 10, 14, 36, 12, 50, 18))
