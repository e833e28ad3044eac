"""导入既有基地: the template download, the upload with its dry run, and the confirmation (staff only)."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from pilotbase.actions import page
from pilotbase.formats import batch_label
from pilotbase.workflow import WorkflowError
from pilotbase.xlsx import xlsx_book_response

from .. import selectors as sel
from ..forms import BaseImportConfirmForm, BaseImportUploadForm
from ..importer.template import template_sheets
from ..models import Grade
from ..rules import may_import_bases
from ..services import base_import as svc

SESSION_KEY = "evaluations.base_import"


def _preview(plan) -> list[dict]:
    """What a checked file would create, row by row (units as the plan resolved them)."""
    return [{
        "row": r.row, "name": r.name, "lead": plan.units[r.lead], "partners": [plan.units[c] for c in r.partners],
        "city": r.city, "industry": r.industry, "batch": batch_label(r.batch), "certified_on": r.certified_on,
        "number": r.number, "grades": [(y, Grade(g).label) for y, g in sorted(r.grades.items())], "support": r.support,
    } for r in plan.rows]


def _render(request: HttpRequest, *, form=None, plan=None, token: str = "") -> HttpResponse:
    return render(request, "evaluations/base_import.html", {
        "form": form or BaseImportUploadForm(), "plan": plan, "token": token, "imports": sel.recent_imports(),
        "rows": _preview(plan) if plan is not None and plan.ok else [],
    })


def _forget_pending(request: HttpRequest) -> None:
    pending = request.session.pop(SESSION_KEY, None)
    if pending:
        svc.pending_discard(pending.get("token", ""))


@page(visible=may_import_bases)
def base_import(request: HttpRequest) -> HttpResponse:
    """GET: the page. POST: the dry run; a valid file is kept server-side for the confirmation."""
    if request.method != "POST":
        return _render(request)
    form = BaseImportUploadForm(request.POST, request.FILES)
    if not form.is_valid():
        return _render(request, form=form)
    upload = form.cleaned_data["file"]
    content = b"".join(upload.chunks())
    plan = svc.base_import_check(content=content, filename=upload.name)
    _forget_pending(request)
    token = ""
    if plan.ok:
        token = svc.pending_save(content=content)
        request.session[SESSION_KEY] = {"token": token, "sha256": plan.sha256, "filename": upload.name}
    return _render(request, plan=plan, token=token)


@page(visible=may_import_bases)
@require_POST
def base_import_confirm(request: HttpRequest) -> HttpResponse:
    """Import the file this user checked last (from the session, never re-uploaded), in one transaction."""
    form = BaseImportConfirmForm(request.POST)
    pending = request.session.get(SESSION_KEY) or {}
    content = svc.pending_read(pending.get("token", "")) if pending else None
    if not form.is_valid() or form.cleaned_data["token"] != pending.get("token") or content is None:
        messages.error(request, _("没有待确认的文件，或页面已过期（例如在另一窗口又上传了文件），请重新上传。"))
        return redirect("evaluations:base_import")
    try:
        record = svc.base_import_run(content=content, filename=pending["filename"], actor=request.user)
    except svc.ImportRefused as exc:
        _forget_pending(request)
        messages.error(request, str(exc))
        return _render(request, plan=exc.plan)
    except WorkflowError as exc:
        _forget_pending(request)
        messages.error(request, str(exc))
        return redirect("evaluations:base_import")
    _forget_pending(request)
    messages.success(request, _("已导入 %(n)d 个基地（文件“%(file)s”）。") % {"n": record.row_count, "file": record.filename})
    return redirect("evaluations:base_import")


@page(visible=may_import_bases)
def base_import_template(request: HttpRequest) -> HttpResponse:
    return xlsx_book_response(filename=f"既有基地导入模板_{timezone.localdate():%Y%m%d}.xlsx", sheets=template_sheets())
