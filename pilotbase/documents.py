"""Documents that outlive the request (frozen snapshots, PDFs, official tables) are in the portal's
language, Chinese, whatever language the user who triggered them reads the portal in."""

from __future__ import annotations

import logging
import mimetypes
from pathlib import Path, PurePosixPath
from typing import Any
from urllib.parse import unquote, urlsplit

from django.conf import settings
from django.core.exceptions import SuspiciousFileOperation
from django.template.loader import render_to_string
from django.utils import translation
from django.utils._os import safe_join

log = logging.getLogger(__name__)

# Relative and root-relative URLs in a PDF template resolve against this, so `{% static "x.png" %}`
# ("/static/x.png") becomes file:///static/x.png, which the fetcher maps to the static file.
PDF_BASE_URL = "file:///"


def official_language() -> translation.override:
    """Context manager: render in `settings.LANGUAGE_CODE` (zh-hans). A new one per use (it keeps the
    language it replaces), so never share one instance as a decorator."""
    return translation.override(settings.LANGUAGE_CODE)


def static_file_for_url(url: str) -> Path | None:
    """The project's static file a PDF's URL names (found like `collectstatic` would, or in STATIC_ROOT),
    or None: other files, other hosts and `..` are never served."""
    parts = urlsplit(url)
    prefix = urlsplit(settings.STATIC_URL).path
    if parts.scheme != "file" or parts.netloc not in ("", "localhost") or not parts.path.startswith(prefix):
        return None
    name = unquote(parts.path[len(prefix):])
    if not name or "\x00" in name or ".." in PurePosixPath(name).parts:
        return None
    from django.contrib.staticfiles import finders

    found = finders.find(name)
    if found:
        return Path(found)
    if settings.STATIC_ROOT:
        try:
            candidate = Path(safe_join(settings.STATIC_ROOT, name))
        except SuspiciousFileOperation:
            return None
        if candidate.is_file():
            return candidate
    return None


def pdf_url_fetcher():
    """WeasyPrint's fetcher for every PDF: data: URIs and the project's static files, nothing else.

    The default one follows http(s)://, ftp:// and file:// URLs, so a URL that reached a template (user
    text, a stylesheet) could make the server fetch from the network or read any file. Refusals are
    logged; WeasyPrint then leaves the image out and carries on."""
    from weasyprint.urls import URLFetcher, URLFetcherResponse

    class StaticOnlyURLFetcher(URLFetcher):
        def __init__(self) -> None:
            super().__init__(allowed_protocols=("data",), allow_redirects=False, timeout=1)

        def fetch(self, url: str, headers: dict | None = None) -> URLFetcherResponse:
            if url[:5].lower() == "data:":
                return super().fetch(url, headers)
            path = static_file_for_url(url)
            if path is None:
                log.warning("PDF: refused to fetch %r (only static files and data: URIs are served)", url[:300])
                raise ValueError(f"refused to fetch {url[:300]!r}")
            content_type = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
            return URLFetcherResponse(path.as_uri(), path.read_bytes(), {"Content-Type": content_type})

    return StaticOnlyURLFetcher()


def html_string_to_pdf(html: str) -> bytes:
    """Print HTML with WeasyPrint (fonts from the system) through the static-only URL fetcher."""
    from weasyprint import HTML  # slow import: only where a PDF is made

    return HTML(string=html, base_url=PDF_BASE_URL, url_fetcher=pdf_url_fetcher()).write_pdf()


def html_to_pdf(template: str, context: dict[str, Any]) -> bytes:
    """Render `template` in the official language and print it (see `html_string_to_pdf`)."""
    with official_language():
        html = render_to_string(template, context)
    return html_string_to_pdf(html)


# ---- one pending render per document version -------------------------------------------------------
# A page that finds a PDF missing asks for it; without this every view (and every double click) queued
# another render of the same version. The mark is a cache key taken with add(), atomic in Redis (shared by
# web and workers) and in the local mode's in-process cache; the task removes it when it is done (rendered,
# failed for good or timed out). It expires on its own after the longest a task and its retries may take, so
# a message lost with a dead broker never blocks the document for good.
PDF_PENDING_SECONDS = 30 * 60


def pdf_render_claim(key: str) -> bool:
    """True for the first caller while no render of `key` (e.g. "application:12:v3") is pending. With the cache
    unreachable (Redis down) also True: a second render of a version is harmless (the write is conditional), a
    render never asked for is not."""
    from django.core.cache import cache

    try:
        return cache.add(f"pdf-pending:{key}", 1, PDF_PENDING_SECONDS)
    except Exception as exc:  # redis.ConnectionError and the like
        log.warning("PDF %s: cache unavailable, render asked without the pending mark: %s", key, exc)
        return True


def pdf_render_pending(key: str) -> bool:
    from django.core.cache import cache

    try:
        return cache.get(f"pdf-pending:{key}") is not None
    except Exception:  # cache down: nothing is known to be pending
        return False


def pdf_render_release(key: str) -> None:
    from django.core.cache import cache

    try:
        cache.delete(f"pdf-pending:{key}")
    except Exception as exc:  # cache down: the mark, if any, expires by itself
        log.warning("PDF %s: cache unavailable, pending mark not removed: %s", key, exc)
