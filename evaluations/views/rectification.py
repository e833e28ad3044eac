"""整改 pages: the list (staff all, with the 整改 grades awaiting a notice; an authority its region's; a base its own;
an agency those from its rounds' grades, which it may re-check),
the record with the actions box, the base's report page, the files, and staff's opening and ordering forms.
A rectification the user may not see is a 404 (selectors_consequences)."""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from pilotbase.actions import Handler, page, run_action
from pilotbase.models import Base
from pilotbase.rules import is_agency, is_applicant, is_authority, is_staff_side
from pilotbase.timeline import record_timeline
from pilotbase.workflow import WorkflowError, available_transitions, blocked_reasons
from pilotbase.xlsx import xlsx_response

from .. import selectors_consequences as sel
from ..forms_consequences import (
    OpinionForm,
    RectificationFileForm,
    RectificationOpenForm,
    RectificationOrderForm,
    RectificationReportForm,
)
from ..models import EvaluationResult, Grade, RectificationFile, RectificationState
from ..rules import is_base_lead
from ..services import rectification as svc

may_read = is_staff_side | is_authority | is_applicant | is_agency

HANDLERS = {
    "submit_report": Handler(
        run=lambda *, record, actor, expected_state: svc.rectification_submit(
            rectification=record, actor=actor, expected_state=expected_state
        )
    ),
    "return_report": Handler(
        run=lambda *, record, actor, expected_state, opinion: svc.rectification_return(
            rectification=record, actor=actor, opinion=opinion, expected_state=expected_state
        ),
        form=OpinionForm,
    ),
    "accept": Handler(
        run=lambda *, record, actor, expected_state, opinion: svc.rectification_accept(
            rectification=record, actor=actor, opinion=opinion, expected_state=expected_state
        ),
        form=OpinionForm,
    ),
    "reject": Handler(
        run=lambda *, record, actor, expected_state, opinion: svc.rectification_reject(
            rectification=record, actor=actor, opinion=opinion, expected_state=expected_state
        ),
        form=OpinionForm,
    ),
}


def _list_filters(request: HttpRequest) -> tuple[str, str, str]:
    """(state, search, querystring) of the list, the same for the page and its Excel export."""
    state = request.GET.get("state") or ""
    if state not in RectificationState.values or state == RectificationState.NEW:
        state = ""
    q = (request.GET.get("q") or "").strip()[:100]
    return state, q, urlencode({k: v for k, v in (("state", state), ("q", q)) if v})


@page(visible=may_read)
def rectification_list(request: HttpRequest) -> HttpResponse:
    state, q, querystring = _list_filters(request)
    qs = sel.rectification_list(request.user, state=state, q=q)
    page_ = Paginator(qs, 20).get_page(request.GET.get("page"))
    awaiting = list(sel.results_awaiting_rectification()[:50]) if is_staff_side(request.user) else []
    states = [(v, label) for v, label in RectificationState.choices if v != RectificationState.NEW]
    return render(
        request,
        "evaluations/rectification_list.html",
        {
            "page": page_,
            "state": state,
            "q": q,
            "states": states,
            "awaiting": awaiting,
            "querystring": querystring,
            "is_staff": is_staff_side(request.user),
        },
    )


@page(visible=may_read)
def rectification_export(request: HttpRequest) -> HttpResponse:
    """Exactly what the list shows with its filters, every row (no pagination)."""
    state, q, _qs = _list_filters(request)
    rows = (
        [
            r.base.name,
            r.base.lead_unit.name,
            str(r.base.city),
            r.year,
            r.get_origin_display(),
            r.reason,
            r.requirements,
            r.deadline,
            r.get_state_display(),
            r.reported_at and timezone.localtime(r.reported_at).date(),
            r.recheck_opinion,
        ]
        for r in sel.rectification_list(request.user, state=state, q=q)
    )
    return xlsx_response(
        filename=f"整改_{timezone.localdate():%Y%m%d}.xlsx",
        title=_("整改"),
        headers=[
            _("中试基地"),
            _("牵头单位"),
            _("所在设区市"),
            _("所属考核年度"),
            _("整改来源"),
            _("整改原因"),
            _("整改要求"),
            _("整改期限"),
            _("状态"),
            _("报告提交日期"),
            _("复核意见"),
        ],
        rows=rows,
    )


@page(visible=may_read)
def rectification_detail(request: HttpRequest, pk: int) -> HttpResponse:
    rec = sel.rectification_get(request.user, pk)
    forms, status = {}, 200
    if request.method == "POST":
        response, forms = run_action(
            request, rec, HANDLERS, redirect_to=reverse("evaluations:rectification_detail", args=[pk])
        )
        if response is not None:
            return response
        status = 400
    actions = available_transitions(rec, request.user)
    may_edit = (
        rec.state == RectificationState.OPEN
        and is_applicant(request.user)
        and is_base_lead(request.user, rec)
    )
    offered = any(a.name == "submit_report" for a in actions)
    blocked = blocked_reasons(rec, "submit_report") if may_edit and not offered else []
    return render(
        request,
        "evaluations/rectification_detail.html",
        {
            "rec": rec,
            "files": list(rec.files.all()),
            "actions": actions,
            "action_forms": {name: OpinionForm(prefix=name) for name in ("return_report", "accept", "reject")}
            | forms,
            "may_edit_report": may_edit,
            "submit_blocked": blocked,
            "timeline": record_timeline(rec, with_decisions=True),
        },
        status=status,
    )


@page(visible=is_applicant)
def rectification_report(request: HttpRequest, pk: int) -> HttpResponse:
    """The lead unit's page: write the report, add or remove files, then submit from the record page."""
    rec = sel.rectification_get(request.user, pk)
    if not is_base_lead(request.user, rec):
        raise Http404  # a partner reads the rectification but does not write its report
    url = reverse("evaluations:rectification_report", args=[pk])
    form = RectificationReportForm(initial={"report": rec.report})
    file_form = RectificationFileForm()
    status = 200
    if request.method == "POST":
        try:
            if request.POST.get("action") == "upload":
                file_form = RectificationFileForm(request.POST, request.FILES)
                if file_form.is_valid():
                    svc.rectification_file_add(
                        rectification=rec, actor=request.user, upload=file_form.cleaned_data["file"]
                    )
                    messages.success(request, _("附件已上传。"))
                    return redirect(url)
            else:
                form = RectificationReportForm(request.POST)
                if form.is_valid():
                    svc.rectification_report_save(
                        rectification=rec, actor=request.user, report=form.cleaned_data["report"]
                    )
                    messages.success(request, _("整改报告已保存。确认无误后，请在整改页面提交。"))
                    return redirect(url)
        except WorkflowError as exc:
            messages.error(request, str(exc))
        status = 400
    return render(
        request,
        "evaluations/rectification_report.html",
        {
            "rec": rec,
            "form": form,
            "file_form": file_form,
            "files": list(rec.files.all()),
            "editable": rec.state == RectificationState.OPEN,
        },
        status=status,
    )


def _file(request: HttpRequest, pk: int, file_pk: int) -> RectificationFile:
    rec = sel.rectification_get(request.user, pk)
    return get_object_or_404(
        RectificationFile.objects.select_related("rectification__base"), pk=file_pk, rectification=rec
    )


@page(visible=may_read)
def rectification_file(request: HttpRequest, pk: int, file_pk: int) -> FileResponse:
    record = _file(request, pk, file_pk)
    return FileResponse(record.file.open("rb"), as_attachment=True, filename=record.name)


@page(visible=is_applicant)
@require_POST
def rectification_file_delete(request: HttpRequest, pk: int, file_pk: int) -> HttpResponse:
    record = _file(request, pk, file_pk)
    if not is_base_lead(request.user, record.rectification):
        raise Http404
    try:
        svc.rectification_file_delete(file=record, actor=request.user)
    except WorkflowError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("附件已删除。"))
    return redirect("evaluations:rectification_report", pk=pk)


@page(visible=is_staff_side)
def rectification_open(request: HttpRequest, result_pk: int) -> HttpResponse:
    """下达整改通知 for a 整改 grade."""
    result = get_object_or_404(
        EvaluationResult.objects.select_related("base"), pk=result_pk, grade=Grade.RECTIFY
    )
    form = RectificationOpenForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            rec = svc.rectification_open(result=result, actor=request.user, **form.cleaned_data)
        except WorkflowError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, _("已下达整改通知。"))
            return redirect("evaluations:rectification_detail", pk=rec.pk)
    return render(
        request,
        "evaluations/rectification_form.html",
        {
            "form": form,
            "base": result.base,
            "result": result,
            "title": _("下达整改通知"),
        },
        status=400 if form.errors else 200,
    )


@page(visible=is_staff_side)
def rectification_order(request: HttpRequest, base_pk: int) -> HttpResponse:
    """责令整改 without a grade, with a reason."""
    base = get_object_or_404(Base, pk=base_pk)
    form = RectificationOrderForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            rec = svc.rectification_order(base=base, actor=request.user, **form.cleaned_data)
        except WorkflowError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, _("已责令整改。"))
            return redirect("evaluations:rectification_detail", pk=rec.pk)
    return render(
        request,
        "evaluations/rectification_form.html",
        {
            "form": form,
            "base": base,
            "title": _("责令整改"),
        },
        status=400 if form.errors else 200,
    )
