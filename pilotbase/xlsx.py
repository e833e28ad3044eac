"""Excel downloads: one header row, real number and date cells, a response with the right headers.

Excel has no time zones: aware datetimes become naive Asia/Shanghai times shown as yyyy-mm-dd hh:mm;
dates show as yyyy-mm-dd; Decimals become numbers. Headers and sheet titles are rendered as given
(lazy translations in the user's language)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.http import HttpResponse
from django.utils import timezone

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _cell(value: Any) -> tuple[Any, str | None]:
    if isinstance(value, datetime):
        local = timezone.localtime(value) if timezone.is_aware(value) else value
        return local.replace(tzinfo=None), "yyyy-mm-dd hh:mm"
    if isinstance(value, date):
        return value, "yyyy-mm-dd"
    if isinstance(value, Decimal):
        return float(value), None
    if value is None or isinstance(value, int | float | str):
        return value, None
    return str(value), None


def xlsx_response(*, filename: str, title: str, headers: Sequence[Any], rows: Iterable[Sequence[Any]],
                  widths: Sequence[int] = ()) -> HttpResponse:
    """`rows` of plain values; `filename` ASCII (e.g. "queue-2026-11-29.xlsx")."""
    from openpyxl import Workbook  # slow import: only for exports
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    wb = Workbook()
    ws = wb.active
    ws.title = str(title)[:31]
    ws.append([str(h) for h in headers])
    for cell in ws[1]:
        cell.font = Font(bold=True)
    ws.freeze_panes = "A2"
    for row in rows:
        cells = [_cell(v) for v in row]
        ws.append([v for v, _fmt in cells])
        for col, (_v, fmt) in enumerate(cells, start=1):
            if fmt:
                ws.cell(row=ws.max_row, column=col).number_format = fmt
    for col, width in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(col)].width = width
    response = HttpResponse(content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    wb.save(response)
    return response
