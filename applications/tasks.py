"""Thin Celery tasks of the intake stage: fetch by id, call a service, retry on failure."""

import logging

from celery import shared_task

from .models import Application
from .pdf import application_pdf_render

log = logging.getLogger(__name__)


@shared_task(name="applications.render_application_pdf", bind=True, max_retries=3, default_retry_delay=30)
def render_application_pdf(self, *, application_id: int) -> str:
    try:
        return application_pdf_render(application_id=application_id)
    except Application.DoesNotExist:
        return "missing"
    except Exception as exc:
        if self.request.is_eager:
            # Inline mode (no broker): never break the request that submitted; the page says "not yet".
            log.exception("application %s: PDF rendering failed", application_id)
            return "failed"
        raise self.retry(exc=exc, countdown=30 * (2 ** self.request.retries)) from exc
