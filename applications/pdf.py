"""The application PDF (申报书): rendered from the frozen snapshot of the current version."""

from __future__ import annotations

import logging
from datetime import timedelta

from django.conf import settings
from django.core.files.base import ContentFile
from django.db.models import F, Q
from django.utils import timezone

from pilotbase.documents import html_to_pdf, pdf_render_claim, pdf_render_release

from .models import Application, Snapshot

log = logging.getLogger(__name__)


RECOMMENDED_SUFFIX = "-r.pdf"  # the file prints the 推荐单位意见 (rendered again once the authority recommends)


def application_pdf_opinion(application: Application) -> dict | None:
    """The authority's 拟推荐 opinion on the current version (its TransitionLog row), for the 推荐单位意见 box."""
    if not application.submitted_at:
        return None
    from django.contrib.contenttypes.models import ContentType

    from pilotbase.models import TransitionLog

    row = (TransitionLog.objects.filter(record_type=ContentType.objects.get_for_model(Application),
                                        record_id=application.pk, transition="recommend",
                                        at__gte=application.submitted_at)
           .order_by("-at").values("comment", "at", "actor_org").first())
    if row is None:
        return None
    return {"text": row["comment"], "date": timezone.localdate(row["at"]), "unit": row["actor_org"]}


def application_pdf_is_current(application: Application, *, opinion: dict | None | bool = False) -> bool:
    """The stored PDF is of the current version and, once recommended, prints the opinion."""
    if not application.pdf or application.pdf_version != application.version:
        return False
    if application.pdf.name.endswith(RECOMMENDED_SUFFIX):
        return True
    return (application_pdf_opinion(application) if opinion is False else opinion) is None


def application_pdf_bytes(*, application: Application, snapshot: Snapshot, opinion: dict | None = None) -> bytes:
    return html_to_pdf("applications/pdf/application.html", {
        "application": application, "data": snapshot.data, "snapshot": snapshot, "opinion": opinion,
        "portal_name": settings.PORTAL_NAME, "issuer": settings.PORTAL_ISSUER, "generated_at": timezone.now(),
    })


def application_pdf_render(*, application_id: int) -> str:
    """Render the PDF of the current version unless it exists already (idempotent by version)."""
    application = Application.objects.select_related("call", "applicant", "authority").get(pk=application_id)
    if application.version == 0:
        return "not-submitted"
    opinion = application_pdf_opinion(application)
    if application_pdf_is_current(application, opinion=opinion):
        return "exists"
    snapshot = application.snapshots.get(version=application.version)
    content = application_pdf_bytes(application=application, snapshot=snapshot, opinion=opinion)
    old_name = application.pdf.name if application.pdf else ""
    stem = f"{application.acceptance_no or application.pk}-v{application.version}"
    application.pdf.save(stem + (RECOMMENDED_SUFFIX if opinion else ".pdf"), ContentFile(content), save=False)
    # Conditional write: a slower render of an older version (or without the opinion) never overwrites a newer one.
    newer = Q(pdf_version__lt=snapshot.version)
    if opinion:
        newer |= Q(pdf_version=snapshot.version) & ~Q(pdf__endswith=RECOMMENDED_SUFFIX)
    updated = Application.objects.filter(newer, pk=application.pk).update(
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
    PDF and a redelivered message share one render. Inline (local mode) it runs here, in the request. With the
    broker down nothing is queued (False); the next view or the outbox sweep asks again."""
    from pilotbase.queue import enqueue

    from .tasks import render_application_pdf

    key = application_pdf_key(application_id, version)
    if not pdf_render_claim(key):
        return False
    if not enqueue(render_application_pdf, application_id=application_id, version=version):
        pdf_render_release(key)
        return False
    return True


def application_pdf_sweep() -> int:
    """The outbox sweep of application PDFs (beat): every submitted version still without its PDF
    PILOTBASE_OUTBOX_STALE_MINUTES after submission (the broker was down, the worker died) is queued again, once
    per version (the pending mark). Returns how many were queued."""
    stale = timezone.now() - timedelta(minutes=settings.PILOTBASE_OUTBOX_STALE_MINUTES)
    missing = (Application.objects.filter(version__gt=0, submitted_at__lte=stale).exclude(pdf_version=F("version"))
               .order_by("pk").values_list("pk", "version")[:500])
    return sum(application_pdf_enqueue(application_id=pk, version=version) for pk, version in missing)
