"""Thin Celery tasks of the intake stage: fetch by id, call a service, retry on failure."""

import logging

from celery import shared_task
from celery.exceptions import SoftTimeLimitExceeded
from django.conf import settings

from pilotbase.documents import pdf_render_release

from .models import Application
from .pdf import application_pdf_key, application_pdf_render

log = logging.getLogger(__name__)


@shared_task(name="applications.render_application_pdf", bind=True, max_retries=3, default_retry_delay=30,
             soft_time_limit=settings.PILOTBASE_PDF_SOFT_TIME_LIMIT, time_limit=settings.PILOTBASE_PDF_TIME_LIMIT)
def render_application_pdf(self, *, application_id: int, version: int | None = None) -> str:
    """Render the current version's PDF. `version` names the pending mark to clear (application_pdf_enqueue)."""
    done = True
    try:
        return application_pdf_render(application_id=application_id)
    except Application.DoesNotExist:
        return "missing"
    except SoftTimeLimitExceeded:
        log.error("application %s: PDF rendering exceeded %s s, not retried", application_id,
                  settings.PILOTBASE_PDF_SOFT_TIME_LIMIT)
        return "timeout"
    except Exception as exc:
        if self.request.is_eager:
            # Inline mode (no broker): never break the request that submitted; the page says "not yet".
            log.exception("application %s: PDF rendering failed", application_id)
            return "failed"
        done = self.request.retries >= self.max_retries
        raise self.retry(exc=exc, countdown=30 * (2 ** self.request.retries)) from exc
    finally:
        if done and version is not None:
            pdf_render_release(application_pdf_key(application_id, version))


@shared_task(name="applications.pdf_sweep")
def pdf_sweep() -> int:
    """Beat: queue the PDF of every submitted version that has none yet (see application_pdf_sweep)."""
    from .pdf import application_pdf_sweep

    return application_pdf_sweep()
