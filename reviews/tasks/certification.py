"""Celery tasks of certification. Imported by hooks.certification (AppConfig.ready) so workers see them."""

import logging

from celery import shared_task
from celery.exceptions import SoftTimeLimitExceeded
from django.conf import settings

log = logging.getLogger(__name__)


@shared_task(name="reviews.render_certificate", bind=True, max_retries=5, default_retry_delay=30,
             soft_time_limit=settings.PILOTBASE_PDF_SOFT_TIME_LIMIT, time_limit=settings.PILOTBASE_PDF_TIME_LIMIT)
def render_certificate(self, *, certificate_id: int) -> str:
    """Render a certificate's PDF and mark it valid. Safe to run twice (see certificate_render)."""
    from pilotbase.documents import pdf_render_release

    from ..services.certification import certificate_pdf_key, certificate_render

    done = True
    try:
        return certificate_render(certificate_id=certificate_id)
    except SoftTimeLimitExceeded:
        log.error("certificate %s: PDF exceeded %s s, not retried (staff can regenerate)", certificate_id,
                  settings.PILOTBASE_PDF_SOFT_TIME_LIMIT)
        return "timeout"
    except Exception as exc:
        log.warning("certificate %s: PDF failed: %s", certificate_id, exc)
        if self.request.is_eager:
            return "failed"  # inline mode: the certificate stays 生成中; staff can regenerate
        done = self.request.retries >= self.max_retries
        raise self.retry(exc=exc, countdown=30 * (2 ** self.request.retries)) from exc
    finally:
        if done:
            pdf_render_release(certificate_pdf_key(certificate_id))


@shared_task(name="reviews.certificate_pdf_sweep")
def certificate_pdf_sweep() -> int:
    """Beat: queue the PDF of every certificate still being generated (see services.certificate_pdf_sweep)."""
    from ..services.certification import certificate_pdf_sweep as sweep

    return sweep()
