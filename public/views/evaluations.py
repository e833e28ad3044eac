"""Public results of the annual evaluation (绩效考核): the published years, one year's table, its Excel table and
its PDF announcement. A round not yet published (draft, reports open, scoring, 公示) answers 404.

Grades only, unless the round publishes its scores; never an expert, a comment or a reason."""

from __future__ import annotations

import logging

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.encoding import escape_uri_path
from django.utils.translation import gettext as _

from evaluations import selectors_results as sel
from pilotbase.documents import html_to_pdf, official_language
from pilotbase.xlsx import xlsx_response

log = logging.getLogger(__name__)
ANNOUNCEMENT_SECONDS = 7 * 24 * 3600  # a cached PDF is dropped by its key changing, this only frees the cache


def announcement_title(year: int) -> str:
    return _("关于公布%(year)s年度广西中试研究基地绩效考核结果的通知") % {"year": year}


def evaluation_list(request: HttpRequest) -> HttpResponse:
    return render(request, "public/evaluation_list.html", {"rounds": list(sel.rounds_published())})


def evaluation_results(request: HttpRequest, year: int) -> HttpResponse:
    results = sel.published_results(sel.round_published_get(year))
    return render(
        request,
        "public/evaluation_results.html",
        {
            "round": results.round,
            "results": results,
            "title": announcement_title(year),
        },
    )


def _headers(results: sel.PublishedResults) -> list[str]:
    headers = [_("序号"), _("基地名称"), _("牵头单位"), _("所在设区市"), _("考核等次")]
    return headers + [_("总分")] if results.scores_public else headers


def _cells(results: sel.PublishedResults) -> list[list]:
    return [
        [r.no, r.base_name, r.lead_unit, r.city, str(r.grade_label)]
        + ([r.total] if results.scores_public else [])
        for r in results.rows
    ]


def evaluation_results_xlsx(request: HttpRequest, year: int) -> HttpResponse:
    results = sel.published_results(sel.round_published_get(year))
    counts = "，".join(f"{label}{n}" for _g, label, n in results.counts)
    return xlsx_response(
        filename=_("%(year)s年度中试研究基地绩效考核结果.xlsx") % {"year": year},
        title=_("考核结果"),
        heading=[
            announcement_title(year),
            _("共%(n)s个基地：%(counts)s") % {"n": len(results.rows), "counts": counts},
        ],
        headers=_headers(results),
        rows=_cells(results),
        widths=[6, 44, 36, 12, 10, 10],
    )


def announcement_pdf_bytes(results: sel.PublishedResults) -> bytes:
    """The announcement, in Chinese whatever the reader's language (the document outlives the request)."""
    rnd = results.round
    with official_language():
        context = {
            "round": rnd,
            "results": results,
            "title": announcement_title(rnd.year),
            "headers": _headers(results),
            "issuer": str(settings.PORTAL_ISSUER),
            "published_on": results.published_on or timezone.localdate(),
        }
    return html_to_pdf("public/evaluation_announcement_pdf.html", context)


def announcement_pdf_cached(results: sel.PublishedResults) -> bytes:
    """Rendered once per round and content (round id + the digest of what it prints): a corrected result or a
    renamed base gives a new key, so a stale announcement is never served; a cache that is down only costs a
    render."""
    key = f"evaluation-announcement:{results.round.pk}:{results.digest}"
    try:
        data = cache.get(key)
    except Exception as exc:  # redis down: render without the cache
        log.warning("announcement %s: cache unavailable: %s", key, exc)
        data = None
    if data is None:
        data = announcement_pdf_bytes(results)
        try:
            cache.set(key, data, ANNOUNCEMENT_SECONDS)
        except Exception as exc:
            log.warning("announcement %s: not cached: %s", key, exc)
    return data


def evaluation_announcement_pdf(request: HttpRequest, year: int) -> HttpResponse:
    results = sel.published_results(sel.round_published_get(year))
    response = HttpResponse(announcement_pdf_cached(results), content_type="application/pdf")
    with official_language():
        name = announcement_title(year) + ".pdf"
    response["Content-Disposition"] = f"inline; filename*=UTF-8''{escape_uri_path(name)}"
    return response
