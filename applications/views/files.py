"""Attachments and the application PDF: served through Django after the access check, never by URL."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from pilotbase.actions import page
from pilotbase.workflow import WorkflowError, record_refresh

from .. import services
from ..forms import AttachmentForm
from ..pdf import application_pdf_is_current
from ._access import editable_application, visible_application
from .applications import edit_page_context


@page()
@require_POST
def attachment_add(request: HttpRequest, pk: int) -> HttpResponse:
    """On success back to the list (PRG); on errors the page again, errors beside the fields, category kept."""
    application = editable_application(request, pk)
    if not application.is_editable:
        messages.info(request, _("申报已提交，当前不能修改。"))
        return redirect("applications:detail", pk=pk)
    form = AttachmentForm(request.POST, request.FILES, application=application)
    if form.is_valid():
        try:
            services.attachment_add(application=application, requirement=form.cleaned_data["requirement"],
                                    title=form.cleaned_data["title"], uploaded_file=form.cleaned_data["file"],
                                    actor=request.user)
        except ValidationError as exc:
            form.add_error("file", exc)
        except WorkflowError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("附件“%(name)s”已上传。") % {"name": form.cleaned_data["file"].name})
            return redirect("applications:edit", pk=pk, section="attachments")
    messages.error(request, _("上传失败，请按表单中的提示修改后重新上传。"))
    return render(request, "applications/edit.html", edit_page_context(application, "attachments", attachment_form=form))


@page()
@require_POST
def attachment_delete(request: HttpRequest, pk: int, attachment_pk: int) -> HttpResponse:
    application = editable_application(request, pk)
    attachment = get_object_or_404(application.attachments, pk=attachment_pk)
    try:
        services.attachment_delete(attachment=attachment, actor=request.user)
    except WorkflowError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("附件已删除。"))
    return redirect("applications:edit", pk=pk, section="attachments")


@page()
def attachment_download(request: HttpRequest, pk: int, attachment_pk: int) -> HttpResponse:
    application = visible_application(request, pk)
    attachment = get_object_or_404(application.attachments, pk=attachment_pk)
    try:
        handle = attachment.file.open("rb")
    except FileNotFoundError as exc:
        raise Http404 from exc
    return FileResponse(handle, as_attachment=True, filename=attachment.original_name,
                        content_type=attachment.content_type)


@page()
def application_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    application = visible_application(request, pk, to_read=True)
    if application.version and not application_pdf_is_current(application):
        # Missing (e.g. the broker was down at submit): ask again, once per version however often the page is
        # opened (a pending render is marked); inline when there is no worker.
        from ..pdf import application_pdf_enqueue

        application_pdf_enqueue(application_id=application.pk, version=application.version)
        record_refresh(application, fields=["pdf", "pdf_version"])
    if not application.pdf or application.pdf_version != application.version:  # an older file is not served
        return render(request, "applications/pdf_pending.html", {"application": application})
    try:
        handle = application.pdf.open("rb")
    except FileNotFoundError as exc:
        raise Http404 from exc
    name = f"申报书-{application.acceptance_no}-v{application.pdf_version}.pdf"
    return FileResponse(handle, as_attachment=True, filename=name, content_type="application/pdf")
