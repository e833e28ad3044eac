"""All applications a reviewer may see, filterable, sortable, paginated, and exported to Excel as filtered."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from pilotbase.actions import page
from pilotbase.keyset import keyset_page, without_page_params
from pilotbase.rules import is_authority, is_staff_side
from pilotbase.xlsx import xlsx_response

from ..forms import ApplicationFilterForm
from ..selectors import application_export_rows, application_list, application_state_counts

PAGE_SIZE = 20
# A page for reviewers only (department staff: all; recommending authorities: their applicants): other roles
# do not learn it exists (404).
is_reviewer = is_staff_side | is_authority


def _filtered(request: HttpRequest):
    form = ApplicationFilterForm(request.GET or None)
    form.is_valid()  # a bad value (?state=zzz) drops its own filter only: cleaned_data keeps the valid ones
    filters = getattr(form, "cleaned_data", {})
    return form, application_list(request.user, filters=filters, sort=filters.get("sort", ""))


@page(visible=is_reviewer)
def application_list_view(request: HttpRequest) -> HttpResponse:
    """Who: department staff (all), recommending authorities (their applicants)."""
    form, qs = _filtered(request)
    counts = application_state_counts(qs)
    total = sum(n for _value, _label, n in counts)  # the per-state counts sum to the total: no 2nd COUNT
    page = keyset_page(qs, request.GET, count=total, per_page=PAGE_SIZE)  # a deep page seeks, no OFFSET
    return render(request, "applications/list.html", {
        "form": form, "page": page, "total": total, "counts": counts,
        "querystring": without_page_params(request.GET)})


COLUMNS = [gettext_lazy("受理编号"), gettext_lazy("基地名称"), gettext_lazy("申报单位"), gettext_lazy("统一社会信用代码"), gettext_lazy("设区市"),
           gettext_lazy("推荐单位"), gettext_lazy("产业领域"), gettext_lazy("申报批次"), gettext_lazy("状态"), gettext_lazy("提交时间"), gettext_lazy("申请财政支持（元）")]


@page(visible=is_reviewer)
def application_export(request: HttpRequest) -> HttpResponse:
    """Exactly the filtered rows (no pagination), real date cells, amounts as numbers."""
    _form, qs = _filtered(request)
    rows = application_export_rows(qs)  # streamed in chunks, plain values (no instance per row)
    return xlsx_response(filename=f"applications-{timezone.localdate().isoformat()}.xlsx", title=_("申报"),
                         headers=COLUMNS, rows=rows, widths=(14, 36, 30, 22, 10, 24, 16, 36, 14, 22, 18))
