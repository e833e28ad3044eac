"""Excel downloads, all through this one helper: optional title lines, one bold frozen header row with an
auto-filter, real number and date cells, a response with the right headers.

Excel has no time zones: aware datetimes become naive Asia/Shanghai times shown as yyyy-mm-dd hh:mm;
dates show as yyyy-mm-dd; Decimals (money is stored in yuan as Decimal) become numbers shown with thousands
separators. Headers and sheet titles are rendered as given (lazy translations in the user's language).

Stored text is hostile until proven otherwise (it is typed by applicants and read by the department):
- **Formula injection** (OWASP "CSV injection"): text starting with ``= + - @``, a tab or a carriage return is
  written as a string cell with Excel's *quote prefix* (``quotePrefix`` in the cell style — what Excel itself
  records when a user types a leading apostrophe). We prefer it to OWASP's literal ``'`` prefix, which is
  meant for CSV: in an xlsx file a literal apostrophe would become part of the value (the export would no
  longer show what was typed), whereas a string cell with the quote prefix keeps the exact text, is never
  evaluated, and stays text even when someone edits the cell in Excel and presses Enter.
- **Control characters** that the xlsx format cannot hold (openpyxl's ``ILLEGAL_CHARACTERS_RE``) are removed,
  so one applicant's stray character never breaks everyone's export; text longer than a cell's limit
  (32,767 characters) is cut there instead of producing a file Excel must "repair".

The workbook is write-only (streamed to a temporary file row by row): memory and time grow linearly with the
rows; nothing ever asks the sheet for ``max_row``."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from io import BytesIO
from typing import Any

from django.http import HttpResponse
from django.utils import timezone
from django.utils.encoding import escape_uri_path

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DATETIME_FORMAT = "yyyy-mm-dd hh:mm"
DATE_FORMAT = "yyyy-mm-dd"
AMOUNT_FORMAT = "#,##0.00"
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
CELL_LIMIT = 32767  # characters Excel holds in one cell
# The same characters as openpyxl.cell.cell.ILLEGAL_CHARACTERS_RE (kept here so importing this module stays cheap).
ILLEGAL_CHARACTERS_RE = re.compile(r"[\000-\010]|[\013-\014]|[\016-\037]")
_SHEET_TITLE_RE = re.compile(r"[\\*?:/\[\]]")


def clean_cell_text(value: str) -> str:
    """Text as the xlsx format can hold it: no illegal control characters, at most one cell's length."""
    return ILLEGAL_CHARACTERS_RE.sub("", value)[:CELL_LIMIT]


def is_formula_like(value: str) -> bool:
    return value.startswith(FORMULA_PREFIXES)


class _Writer:
    """Turns plain values into write-only cells; styles are created once and shared by every cell."""

    def __init__(self, ws):
        from openpyxl.cell import WriteOnlyCell
        from openpyxl.styles import Alignment, Font

        self.ws = ws
        self.Cell = WriteOnlyCell
        self.bold = Font(bold=True)
        self.title_font = Font(bold=True, size=14, color="B3100F")
        self.wrap = Alignment(wrap_text=True, vertical="top")
        self.rows = 0  # rows written so far: the helper's own counter, never the sheet's max_row

    def cell(self, value: Any, *, font=None, wrap: bool = False):
        """A plain value (cheap) or a WriteOnlyCell when the value needs a format, a style or protection."""
        fmt = None
        if isinstance(value, datetime):
            local = timezone.localtime(value) if timezone.is_aware(value) else value
            value, fmt = local.replace(tzinfo=None), DATETIME_FORMAT
        elif isinstance(value, date):
            fmt = DATE_FORMAT
        elif isinstance(value, Decimal):
            value, fmt = float(value), AMOUNT_FORMAT
        elif value is not None and not isinstance(value, bool | int | float | str):
            value = str(value)  # lazy translations, enums, model instances
        quoted = False
        if isinstance(value, str):
            value = clean_cell_text(value)
            quoted = is_formula_like(value)
        if fmt is None and font is None and not wrap and not quoted:
            return value
        cell = self.Cell(self.ws, value=value)
        if quoted:
            cell.data_type = "s"  # openpyxl would otherwise store "=…" as a formula
            cell.quotePrefix = True
        if fmt:
            cell.number_format = fmt
        if font is not None:
            cell.font = font
        if wrap:
            cell.alignment = self.wrap
        return cell

    def append(self, cells: list) -> None:
        self.ws.append(cells)
        self.rows += 1


@dataclass(frozen=True)
class Sheet:
    """One sheet of a workbook (see `xlsx_bytes` for the arguments). `choices`: (0-based column, list source such
    as ``"可选值!$A$2:$A$15"``) pairs that give the column's data cells a drop-down list (import templates)."""

    title: str
    headers: Sequence[Any]
    rows: Iterable[Sequence[Any]] = ()
    widths: Sequence[int] = ()
    heading: Sequence[Any] = ()
    wrap: Sequence[int] = ()
    choices: Sequence[tuple[int, str]] = ()


CHOICE_ROWS = 1000  # data rows below the header that get a column's drop-down list


def _write_sheet(wb, sheet: Sheet) -> None:
    from openpyxl.utils import get_column_letter

    ws = wb.create_sheet(title=_SHEET_TITLE_RE.sub("", clean_cell_text(str(sheet.title)))[:31] or "Sheet1")
    ncols = max(len(sheet.headers), 1)
    last_col = get_column_letter(ncols)
    for col, width in enumerate(sheet.widths, start=1):  # column widths go before the first row in a streamed sheet
        ws.column_dimensions[get_column_letter(col)].width = width
    header_row = len(sheet.heading) + 1
    ws.freeze_panes = f"A{header_row + 1}"
    ws.print_title_rows = f"{header_row}:{header_row}"  # a printed export repeats its header on every page
    if sheet.choices:
        from openpyxl.worksheet.datavalidation import DataValidation

        for col, source in sheet.choices:
            letter = get_column_letter(col + 1)
            validation = DataValidation(type="list", formula1=source, allow_blank=True)
            validation.add(f"{letter}{header_row + 1}:{letter}{header_row + CHOICE_ROWS}")
            ws.data_validations.append(validation)
    out = _Writer(ws)
    for i, line in enumerate(sheet.heading):
        out.append([out.cell(line, font=out.title_font if i == 0 else None)])
        if i == 0 and ncols > 1:
            ws.merged_cells.add(f"A1:{last_col}1")
    out.append([out.cell(h, font=out.bold) for h in sheet.headers])
    wrapped = set(sheet.wrap)
    for row in sheet.rows:
        out.append([out.cell(v, wrap=i in wrapped) for i, v in enumerate(row)])
    ws.auto_filter.ref = f"A{header_row}:{last_col}{out.rows}"


def xlsx_book_bytes(sheets: Sequence[Sheet]) -> bytes:
    """A workbook of several sheets, each written as `xlsx_bytes` writes its one sheet."""
    from openpyxl import Workbook  # slow import: only for exports

    wb = Workbook(write_only=True)
    for sheet in sheets:
        _write_sheet(wb, sheet)
    buffer = BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def xlsx_bytes(*, title: str, headers: Sequence[Any], rows: Iterable[Sequence[Any]], widths: Sequence[int] = (),
               heading: Sequence[Any] = (), wrap: Sequence[int] = ()) -> bytes:
    """The workbook as bytes. `heading`: lines above the header row (the first is the document's title, large,
    red and merged over the columns; e.g. an authority line after it). `wrap`: 0-based columns whose text
    wraps (long opinions)."""
    return xlsx_book_bytes([Sheet(title=title, headers=headers, rows=rows, widths=widths, heading=heading,
                                  wrap=wrap)])


def xlsx_response(*, filename: str, title: str, headers: Sequence[Any], rows: Iterable[Sequence[Any]],
                  widths: Sequence[int] = (), heading: Sequence[Any] = (), wrap: Sequence[int] = ()) -> HttpResponse:
    """`rows` of plain values; `filename` may hold Chinese (sent as RFC 5987 ``filename*``, with an ASCII
    ``filename`` fallback when it is ASCII)."""
    response = HttpResponse(xlsx_bytes(title=title, headers=headers, rows=rows, widths=widths, heading=heading,
                                       wrap=wrap), content_type=XLSX)
    response["Content-Disposition"] = _disposition(filename)
    return response


def xlsx_book_response(*, filename: str, sheets: Sequence[Sheet]) -> HttpResponse:
    """A download of several sheets (e.g. an import template with its sheet of allowed values)."""
    response = HttpResponse(xlsx_book_bytes(sheets), content_type=XLSX)
    response["Content-Disposition"] = _disposition(filename)
    return response


def _disposition(filename: str) -> str:
    if filename.isascii() and '"' not in filename and "\\" not in filename:
        return f'attachment; filename="{filename}"'
    return f"attachment; filename*=UTF-8''{escape_uri_path(filename)}"
