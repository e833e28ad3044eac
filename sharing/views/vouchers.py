"""创新券使用情况 (staff: the department and the system admin; 404 for everyone else): voucher-paid service requests
delivered or confirmed, by base and year with the base's city, the totals per base, per city and per year, the
filters (year, city, base) and the Excel export of exactly what is filtered (`sharing.selectors_vouchers`)."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from pilotbase.actions import page
from pilotbase.rules import is_staff_side
from pilotbase.xlsx import Sheet, xlsx_book_response

from .. import selectors_vouchers as sel
from ..forms_vouchers import voucher_filters


def _filtered(request: HttpRequest):
    form, filters, querystring = voucher_filters(request.GET, years=sel.voucher_years())
    return form, sel.voucher_usage(**filters), querystring


PER_PAGE = 50  # rows a page of each long table (by base and year, by base); the totals are of every row


def _joined(*parts: str) -> str:
    return "&".join(part for part in parts if part)


@page(visible=is_staff_side)
def voucher_usage(request: HttpRequest) -> HttpResponse:
    """Every filtered row is read for the totals (one query); the two long tables show a page each, and each
    table's page links keep the filters and the other table's page."""
    form, usage, querystring = _filtered(request)
    rows = Paginator(usage.rows, PER_PAGE).get_page(request.GET.get("page"))
    bases = Paginator(usage.by_base, PER_PAGE).get_page(request.GET.get("base_page"))
    return render(request, "sharing/voucher_usage.html", {
        "form": form, "usage": usage, "querystring": querystring, "rows": rows, "bases": bases,
        "rows_query": _joined(querystring, f"base_page={bases.number}" if bases.number > 1 else ""),
        "bases_query": _joined(querystring, f"page={rows.number}" if rows.number > 1 else ""),
    })


ROW_HEADERS = [gettext_lazy("年度"), gettext_lazy("设区市"), gettext_lazy("中试基地"), gettext_lazy("用券需求（项）"),
               gettext_lazy("创新券金额（元）"), gettext_lazy("服务报价合计（元）")]
TOTAL_HEADERS = [gettext_lazy("用券需求（项）"), gettext_lazy("创新券金额（元）"), gettext_lazy("服务报价合计（元）")]


def _total_row(t: sel.Total) -> list:
    return [t.label, t.requests, t.voucher_amount, t.quote_amount]


@page(visible=is_staff_side)
def voucher_usage_export(request: HttpRequest) -> HttpResponse:
    """The same rows and totals as the page, one sheet each: 按基地和年度, 按基地, 按设区市, 按年度."""
    _form, usage, _qs = _filtered(request)
    rows = [[r.year, r.city_name, r.base_name, r.requests, r.voucher_amount, r.quote_amount] for r in usage.rows]
    rows.append([_("合计"), "", "", usage.total.requests, usage.total.voucher_amount, usage.total.quote_amount])
    heading = [_("科技创新券使用情况"), _("统计口径：已交付或已确认完成、使用科技创新券的服务需求，按交付年度。")]
    sheets = [
        Sheet(title=_("按基地和年度"), headers=ROW_HEADERS, rows=rows, widths=(8, 12, 40, 14, 18, 18), heading=heading),
        Sheet(title=_("按基地"), headers=[gettext_lazy("中试基地"), *TOTAL_HEADERS],
              rows=[_total_row(t) for t in usage.by_base], widths=(40, 14, 18, 18)),
        Sheet(title=_("按设区市"), headers=[gettext_lazy("设区市"), *TOTAL_HEADERS],
              rows=[_total_row(t) for t in usage.by_city], widths=(12, 14, 18, 18)),
        Sheet(title=_("按年度"), headers=[gettext_lazy("年度"), *TOTAL_HEADERS],
              rows=[_total_row(t) for t in usage.by_year], widths=(8, 14, 18, 18)),
    ]
    return xlsx_book_response(filename="创新券使用情况.xlsx", sheets=sheets)
