"""资金台账 pages: the ledger list (filters, counts, the totals by the chosen grouping, pagination) and the Excel of
exactly what is filtered. Read only for everybody (a POST is 405): rows are written by the stages' services (ledger_post).

Staff see every row; a recommending authority its region's bases'; a base's own units their bases'; the agency,
experts and the public get 404 (subsidies.selectors.ledger).
"""

from __future__ import annotations

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_safe

from pilotbase.actions import page
from pilotbase.xlsx import xlsx_response

from ..forms.ledger import ledger_filters
from ..models import LedgerKind
from ..rules import may_read_ledger
from ..selectors import ledger as sel

PAGE_SIZE = 50


def _filtered(request: HttpRequest):
    form, filters, group, querystring = ledger_filters(request.GET, years=sel.ledger_years(request.user))
    return form, sel.ledger_rows(request.user, filters=filters), group, querystring


@page(visible=may_read_ledger)
@require_safe
def ledger_list(request: HttpRequest) -> HttpResponse:
    form, qs, group, querystring = _filtered(request)
    totals = sel.ledger_totals(qs, group)
    summary = sel.ledger_summary_of(totals)  # the totals' lines add up to it: one read of the rows for both
    paginator = Paginator(qs, PAGE_SIZE)
    paginator.count = summary["n"]  # the summary counts the rows: no second COUNT
    return render(request, "subsidies/ledger_list.html", {
        "form": form,
        "page": paginator.get_page(request.GET.get("page")),
        "summary": summary,
        "totals": totals,
        "group_label": sel.GROUPS[group][0],
        "querystring": querystring,
        "kinds": sel.MONEY_KINDS,
    })


COLUMNS = [gettext_lazy("记录编号"), gettext_lazy("发生日期"), gettext_lazy("预算年度"), gettext_lazy("中试基地"), gettext_lazy("牵头单位"),
           gettext_lazy("所在设区市"), gettext_lazy("产业领域"), gettext_lazy("平台类型"), gettext_lazy("资金类别"), gettext_lazy("类别"),
           gettext_lazy("金额（元）"), gettext_lazy("冲正的记录"), gettext_lazy("已被冲正"), gettext_lazy("文号/凭证号"), gettext_lazy("说明"),
           gettext_lazy("登记人"), gettext_lazy("登记时间")]


def export_row(row) -> list:
    """One ledger row as the export writes it (the tests compare the file with these)."""
    reversed_by = getattr(row, "reversed_by", None)
    return [row.pk, row.occurred_on, row.year, row.base.name, row.base.lead_unit.name, str(row.base.city),
            str(row.base.industry), str(row.base.platform_type), row.get_support_display(), row.get_kind_display(),
            row.amount, row.reverses_id or "", _("是（%(no)s号）") % {"no": reversed_by.pk} if reversed_by else "",
            row.document_no, row.reason, str(row.created_by) if row.created_by else _("系统"), row.created_at]


@page(visible=may_read_ledger)
@require_safe
def ledger_export(request: HttpRequest) -> HttpResponse:
    """Every filtered row (no pagination), then the totals of the filtered rows per kind."""
    _form, qs, _group, _qs = _filtered(request)
    summary = sel.ledger_summary(qs)
    heading = [_("中试研究基地资金台账"),
               "；".join(f"{LedgerKind(k).label}合计 {summary[k]:,.2f} 元" for k in sel.MONEY_KINDS)
               + _("（已扣除冲正）；共 %(n)s 条记录") % {"n": summary["n"]}]
    return xlsx_response(
        filename=f"资金台账-{timezone.localdate().isoformat()}.xlsx",
        title=_("资金台账"),
        headers=COLUMNS,
        rows=(export_row(r) for r in qs.iterator(chunk_size=2000)),
        heading=heading,
        widths=(10, 12, 10, 40, 30, 12, 16, 14, 12, 10, 16, 12, 14, 22, 30, 12, 18),
    )
