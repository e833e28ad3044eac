"""Celery tasks of certification. Imported by hooks.certification (AppConfig.ready) so workers see them."""

import logging

from celery import shared_task

log = logging.getLogger(__name__)


@shared_task(name="reviews.render_certificate", bind=True, max_retries=5, default_retry_delay=30)
def render_certificate(self, *, certificate_id: int) -> str:
    """Render a certificate's PDF and mark it valid. Safe to run twice (see certificate_render)."""
    from ..services.certification import certificate_render

    try:
        return certificate_render(certificate_id=certificate_id)
    except Exception as exc:
        log.warning("certificate %s: PDF failed: %s", certificate_id, exc)
        if self.request.is_eager:
            return "failed"  # inline mode: the certificate stays 生成中; staff can regenerate
        raise self.retry(exc=exc, countdown=30 * (2 ** self.request.retries)) from exc
