"""The application PDF (申报书): rendered from the frozen snapshot of the current version."""

from __future__ import annotations

import logging

from django.conf import settings
from django.core.files.base import ContentFile
from django.utils import timezone

from pilotbase.documents import html_to_pdf, pdf_render_claim, pdf_render_release

from .models import Application, Snapshot

log = logging.getLogger(__name__)


def application_pdf_bytes(*, application: Application, snapshot: Snapshot) -> bytes:
    return html_to_pdf("applications/pdf/application.html", {
        "application": application, "data": snapshot.data, "snapshot": snapshot,
        "portal_name": settings.PORTAL_NAME, "issuer": settings.PORTAL_ISSUER, "generated_at": timezone.now(),
    })


def application_pdf_render(*, application_id: int) -> str:
    """Render the PDF of the current version unless it exists already (idempotent by version)."""
    application = Application.objects.select_related("call", "applicant", "authority").get(pk=application_id)
    if application.version == 0:
        return "not-submitted"
    if application.pdf_version == application.version and application.pdf:
        return "exists"
    snapshot = application.snapshots.get(version=application.version)
    content = application_pdf_bytes(application=application, snapshot=snapshot)
    old_name = application.pdf.name if application.pdf else ""
    name = f"{application.acceptance_no or application.pk}-v{application.version}.pdf"
    application.pdf.save(name, ContentFile(content), save=False)
    # Conditional write: a slower render of an older version never overwrites a newer one.
    updated = Application.objects.filter(pk=application.pk, pdf_version__lt=snapshot.version).update(
        pdf=application.pdf.name, pdf_version=snapshot.version)
    if not updated:
        application.pdf.storage.delete(application.pdf.name)
        return "superseded"
    if old_name:
        application.pdf.storage.delete(old_name)
    log.info("application %s: PDF v%s rendered", application.pk, snapshot.version)
    return "rendered"


def application_pdf_key(application_id: int, version: int) -> str:
    return f"application:{application_id}:v{version}"


def application_pdf_enqueue(*, application_id: int, version: int) -> bool:
    """Queue the render of `version` unless one is pending already: the submit, every view of a missing
    PDF and a redelivered message share one render. Inline (local mode) it runs here, in the request."""
    from .tasks import render_application_pdf

    key = application_pdf_key(application_id, version)
    if not pdf_render_claim(key):
        return False
    try:
        render_application_pdf.delay(application_id=application_id, version=version)
    except Exception:
        pdf_render_release(key)  # not queued (broker down): the next view may ask again
        raise
    return True
