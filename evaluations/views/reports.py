"""年度报告 pages: the round's report list (staff, the agency, an authority for its region) with filters, counts,
who has not filed and the Excel export; the base's own reports; the report page with the actions box; the
base's edit page with last year's figures beside each."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.encoding import escape_uri_path
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from pilotbase.actions import Handler, page, run_action
from pilotbase.documents import html_to_pdf
from pilotbase.rules import is_agency, is_applicant, is_authority, is_staff_side
from pilotbase.timeline import record_timeline
from pilotbase.workflow import WorkflowError, available_transitions
from pilotbase.xlsx import xlsx_response

from .. import selectors_rounds as sel
from ..forms_rounds import ConfirmForm, ReportFileForm, ReportFilterForm, ReportForm, ReturnForm
from ..models import AnnualReport, ReportFile, ReportState, RoundState
from ..models.report import COUNT_FIELDS, MONEY_FIELDS, NARRATIVE_FIELDS, report_problems
from ..rules import is_report_base
from ..selectors_scoring import evaluations_visible
from ..services import report as svc

PAGE_SIZE = 30
sees_report_lists = is_staff_side | is_agency | is_authority
sees_reports = sees_report_lists | is_applicant


def _filtered(request: HttpRequest, rnd):
    form = ReportFilterForm(request.GET or None)
    form.is_valid()  # a bad value drops its own filter only
    return form, sel.report_list(request.user, rnd, filters=getattr(form, "cleaned_data", {}))


@page(visible=sees_report_lists)
def report_list(request: HttpRequest, pk: int) -> HttpResponse:
    """Who: staff, the commissioned agency, an authority (its region's bases only)."""
    rnd = get_object_or_404(sel.rounds_visible(request.user), pk=pk)
    form, qs = _filtered(request, rnd)
    counts = sel.report_state_counts(sel.report_list(request.user, rnd, filters={}))
    paginator = Paginator(qs, PAGE_SIZE)
    page_obj = paginator.get_page(request.GET.get("page"))
    params = request.GET.copy()
    params.pop("page", None)
    return render(
        request,
        "evaluations/report_list.html",
        {
            "round": rnd,
            "form": form,
            "page": page_obj,
            "counts": counts,
            "querystring": params.urlencode(),
            "states": [(value, label, counts.get(value, 0)) for value, label in ReportState.choices],
            "not_filed": sel.NOT_FILED,
            "can_manage": is_staff_side(request.user) or is_agency(request.user),
        },
    )


COLUMNS = [
    gettext_lazy("基地名称"),
    gettext_lazy("牵头单位"),
    gettext_lazy("设区市"),
    gettext_lazy("状态"),
    gettext_lazy("版本"),
    gettext_lazy("提交时间"),
    *[label for _name, label in COUNT_FIELDS + MONEY_FIELDS],
]


@page(visible=sees_report_lists)
def report_export(request: HttpRequest, pk: int) -> HttpResponse:
    """Exactly the filtered rows (no pagination); figures as numbers, money in yuan."""
    rnd = get_object_or_404(sel.rounds_visible(request.user), pk=pk)
    _form, qs = _filtered(request, rnd)
    names = [name for name, _label in COUNT_FIELDS + MONEY_FIELDS]
    rows = (
        [
            r.base.name,
            r.base.lead_unit.name,
            r.base.city.name,
            r.get_state_display(),
            r.version,
            r.submitted_at,
            *[getattr(r, n) for n in names],
        ]
        for r in qs
    )
    return xlsx_response(
        filename=f"annual-reports-{rnd.year}.xlsx",
        title=_("%(year)s年度报告") % {"year": rnd.year},
        headers=COLUMNS,
        rows=rows,
        widths=(36, 30, 10, 14, 6, 20),
    )


@page(visible=is_applicant)
def report_mine(request: HttpRequest) -> HttpResponse:
    """The base's own reports, every year."""
    reports = sel.reports_visible(request.user).order_by("-round__year", "base_id")
    return render(request, "evaluations/report_mine.html", {"reports": reports})


def _report_for(request: HttpRequest, pk: int) -> AnnualReport:
    return get_object_or_404(sel.reports_visible(request.user), pk=pk)


def _submit(*, record, actor, expected_state=None, **_kw):
    return svc.report_submit(report=record, actor=actor, expected_state=expected_state)


def _confirm(*, record, actor, opinion="", expected_state=None, **_kw):
    return svc.report_confirm(report=record, actor=actor, opinion=opinion, expected_state=expected_state)


def _return(*, record, actor, reason, expected_state=None, **_kw):
    return svc.report_return(report=record, actor=actor, reason=reason, expected_state=expected_state)


def _accept(*, record, actor, expected_state=None, **_kw):
    return svc.report_accept(report=record, actor=actor, expected_state=expected_state)


HANDLERS = {
    "submit": Handler(run=_submit),
    "confirm": Handler(run=_confirm, form=ConfirmForm),
    "return_for_revision": Handler(run=_return, form=ReturnForm),
    "accept": Handler(run=_accept),
}
FORMS = {"confirm": ConfirmForm, "return_for_revision": ReturnForm}


def report_timeline(report: AnnualReport):
    return record_timeline(report)


@page(visible=sees_reports)
def report_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """Who: the base (its own), its authority, the commissioned agency, staff. POST: the actions box."""
    report = _report_for(request, pk)
    bound = {}
    if request.method == "POST":
        response, bound = run_action(request, report, HANDLERS, redirect_to=request.path)
        if response is not None:
            return response
    previous = svc.report_last_year(report)
    actions = available_transitions(report, request.user)
    return render(
        request,
        "evaluations/report_detail.html",
        {
            "report": report,
            "round": report.round,
            "base": report.base,
            "previous": previous,
            # the portal's figures where the base filed others: for whoever reviews the report, not the base
            "figures": svc.report_comparison(report, previous, with_prefill=not is_applicant(request.user)),
            "narratives": _narratives(report),
            "actions": actions,
            "timeline": report_timeline(report),
            "action_forms": {
                a.name: bound.get(a.name) or FORMS[a.name](prefix=a.name) for a in actions if a.name in FORMS
            },
            "problems": report_problems(report) if report.is_editable else {},
            "next_step": _next_step(report),
            "published": report.round.state in (RoundState.PUBLISHED, RoundState.CLOSED),
            "evaluation": evaluations_visible(request.user).filter(report=report).first(),
            "can_edit": report.is_editable and is_report_base(request.user, report),
            "changes": svc.report_changes(report),
            "files": list(report.files.all()),
            "file_form": ReportFileForm(),
        },
    )


def _next_step(report: AnnualReport) -> str:
    """One sentence on the report page: who holds the report now and what happens next."""
    rnd = report.round
    names = {
        "authority": report.base.lead_unit.authority or _("推荐单位"),
        "agency": rnd.agency or _("第三方机构"),
    }
    if report.state == ReportState.DRAFT:
        return _("基地填报中：全部内容填写后由基地提交。")
    if report.state == ReportState.RETURNED:
        return _("已退回基地修改，基地修改后重新提交。")
    if report.state == ReportState.LATE:
        return _("逾期未提交。")
    if report.state == ReportState.SUBMITTED and rnd.authority_confirms:
        return _("已提交，等待推荐单位（%(authority)s）确认后报送第三方机构。") % names
    if report.state in (ReportState.SUBMITTED, ReportState.CONFIRMED):
        return _("等待第三方机构（%(agency)s）受理。") % names
    if rnd.state == RoundState.REPORTS_OPEN:
        return _("已受理，考核进入评价打分后由第三方机构（%(agency)s）评分。") % names
    if rnd.state == RoundState.SCORING:
        return _("第三方机构（%(agency)s）评分中，等次经科技厅确认并公示后公布。") % names
    if rnd.state == RoundState.NOTICE:
        return _("考核结果公示中，公示结束后公布。")
    return _("考核结果已公布。")


def _narratives(report: AnnualReport) -> list[tuple[str, str]]:
    return [(str(AnnualReport._meta.get_field(n).verbose_name), getattr(report, n)) for n in NARRATIVE_FIELDS]


@page(visible=sees_reports)
def report_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """The base fills in its report; 保存 keeps a draft, 保存并提交 submits it when complete. Others who may
    read the report get 403 (the record first: 404 for whoever may not see it)."""
    report = _report_for(request, pk)
    if not is_report_base(request.user, report):  # partners read the report, the lead unit files it
        raise PermissionDenied
    if not report.is_editable:
        messages.info(
            request, _("年度报告当前状态为“%(state)s”，不能修改。") % {"state": report.get_state_display()}
        )
        return redirect("evaluations:report_detail", pk=pk)
    form = ReportForm(request.POST if request.method == "POST" else None, instance=report)
    if request.method == "POST" and form.is_valid():
        data = {name: form.cleaned_data.get(name) for name in form.fields}
        try:
            report = svc.report_save(report=report, actor=request.user, data=data)
            if "submit" in request.POST:
                svc.report_submit(report=report, actor=request.user, expected_state=report.state)
                messages.success(request, _("年度报告已提交。"))
                return redirect("evaluations:report_detail", pk=pk)
        except svc.ReportInvalid as exc:
            for name, message in exc.problems.items():
                form.add_error(name, message)
        except WorkflowError as exc:
            messages.error(request, str(exc))
            return redirect("evaluations:report_edit", pk=pk)
        else:
            messages.success(request, _("已保存。"))
            return redirect("evaluations:report_edit", pk=pk)
    elif request.method == "POST":
        messages.error(request, _("请按提示修改后再保存。"))
    previous = svc.report_last_year(report)
    rows = [(form[row.name], row) for row in svc.report_comparison(report, previous)]
    return render(
        request,
        "evaluations/report_edit.html",
        {
            "report": report,
            "round": report.round,
            "base": report.base,
            "form": form,
            "previous": previous,
            "figure_rows": rows,
            "narrative_fields": [form[n] for n in NARRATIVE_FIELDS],
            "problems": report_problems(report),
        },
    )


@page(visible=sees_reports)
def report_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    """The last submitted version as a PDF for sealing (牵头单位 and 推荐单位 boxes), printed in Chinese."""
    report = _report_for(request, pk)
    version = report.versions.order_by("-version").first()
    if version is None:
        messages.info(request, _("年度报告提交后才能下载用于盖章的PDF。"))
        return redirect("evaluations:report_detail", pk=pk)
    money = {name for name, _label in MONEY_FIELDS}

    def value(name):
        raw = version.data.get(name)
        return None if raw is None else (Decimal(raw) if name in money else int(raw))

    figures = [
        svc.FigureRow(name=n, label=str(label), value=value(n), previous=None, is_money=n in money)
        for n, label in COUNT_FIELDS + MONEY_FIELDS
    ]
    narratives = [
        (str(AnnualReport._meta.get_field(n).verbose_name), version.data.get(n) or "")
        for n in NARRATIVE_FIELDS
    ]
    data = html_to_pdf(
        "evaluations/pdf/report.html",
        {
            "report": report,
            "base": report.base,
            "round": report.round,
            "version": version,
            "figures": figures,
            "narratives": narratives,
            "portal_name": settings.PORTAL_NAME,
        },
    )
    response = HttpResponse(data, content_type="application/pdf")
    filename = f"{report.base.name}-{report.round.year}年度报告-第{version.version}版.pdf"
    response["Content-Disposition"] = f"inline; filename*=UTF-8''{escape_uri_path(filename)}"
    return response


# ---- attachments -------------------------------------------------------------------------------------------
def _file(request: HttpRequest, pk: int, file_pk: int) -> ReportFile:
    report = _report_for(request, pk)
    return get_object_or_404(ReportFile.objects.select_related("report__base"), pk=file_pk, report=report)


@page(visible=sees_reports)
def report_file(request: HttpRequest, pk: int, file_pk: int) -> FileResponse:
    """Whoever may read the report downloads its files (404 for a file of another report)."""
    record = _file(request, pk, file_pk)
    return FileResponse(record.file.open("rb"), as_attachment=True, filename=record.name)


@page(visible=sees_reports)
@require_POST
def report_file_add(request: HttpRequest, pk: int) -> HttpResponse:
    report = _report_for(request, pk)
    if not is_report_base(request.user, report):  # partners read the report, the lead unit files it
        raise PermissionDenied
    form = ReportFileForm(request.POST, request.FILES)
    if not form.is_valid():
        messages.error(request, "；".join(e for errors in form.errors.values() for e in errors))
    else:
        try:
            svc.report_file_add(report=report, actor=request.user, upload=form.cleaned_data["file"])
        except WorkflowError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, _("附件已上传。"))
    return redirect("evaluations:report_detail", pk=pk)


@page(visible=sees_reports)
@require_POST
def report_file_delete(request: HttpRequest, pk: int, file_pk: int) -> HttpResponse:
    record = _file(request, pk, file_pk)
    if not is_report_base(request.user, record.report):  # partners read the report, the lead unit files it
        raise PermissionDenied
    try:
        svc.report_file_delete(file=record, actor=request.user)
    except WorkflowError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("附件已删除。"))
    return redirect("evaluations:report_detail", pk=pk)
