"""Coverage at a glance (中试基地布局与建设进度), for the public: bases per city (all 14, zeros shown) and per
industry, and bases certified per year, against the notice's targets, each chart with its table beside it and
the tables as one Excel workbook.

Counted: the bases the public directory lists (`reviews.selectors.certification.bases_public`: active or
rectifying, never revoked), through the dashboard's own counting (`evaluations.coverage`). Only counts and
reference names: no score, grade, subsidy or contact.
"""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _

from evaluations.coverage import coverage, target_table
from evaluations.selectors_bases import state_totals
from pilotbase.models import BaseStatus
from pilotbase.xlsx import Sheet, xlsx_book_response
from reviews.selectors import certification as cert_sel

CHARTS = ("cities", "industries", "years")


def _figures() -> dict:
    today = timezone.localdate()
    bases = cert_sel.bases_public()
    figures = coverage(bases, today=today, with_targets=True,
                       years_title=_("累计认定中试基地数（按年度，不含已撤销）"))
    states = state_totals(bases)
    return {**figures, "today": today, "total": sum(states.values()),
            "active": states.get(BaseStatus.ACTIVE, 0), "rectifying": states.get(BaseStatus.RECTIFYING, 0)}


def coverage_page(request: HttpRequest) -> HttpResponse:
    figures = _figures()
    return render(request, "public/coverage.html", {**figures})


def coverage_xlsx(request: HttpRequest) -> HttpResponse:
    """The page's tables, one sheet each (the targets first): the same numbers the page shows."""
    figures = _figures()
    day = figures["today"].isoformat()
    heading = _("截至%(day)s，不含已撤销认定的基地") % {"day": day}
    headers, rows = target_table(figures["targets"])
    sheets = [Sheet(title=_("建设目标"), headers=headers, rows=rows, widths=(30, 16, 16, 10),
                    heading=[_("中试基地建设目标完成情况"), heading])]
    for key in CHARTS:
        chart = figures["charts"][key]
        sheets.append(Sheet(title=chart.title[:31], headers=chart.headers, rows=chart.rows,
                            widths=[30] + [12] * (len(chart.headers) - 1), heading=[chart.title, heading]))
    return xlsx_book_response(filename=f"中试基地布局与建设进度-{day}.xlsx", sheets=sheets)
