"""Documents that outlive the request (frozen snapshots, PDFs, official tables) are in the portal's
language, Chinese, whatever language the user who triggered them reads the portal in."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import translation


def official_language() -> translation.override:
    """Context manager: render in `settings.LANGUAGE_CODE` (zh-hans). A new one per use (it keeps the
    language it replaces), so never share one instance as a decorator."""
    return translation.override(settings.LANGUAGE_CODE)


def html_to_pdf(template: str, context: dict[str, Any]) -> bytes:
    """Render `template` in the official language and print it with WeasyPrint (fonts from the system)."""
    from weasyprint import HTML  # slow import: only where a PDF is made

    with official_language():
        html = render_to_string(template, context)
    return HTML(string=html, base_url=str(settings.BASE_DIR)).write_pdf()
