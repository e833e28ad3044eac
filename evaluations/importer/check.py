"""The dry run: a workbook → an ImportPlan (rows, units to reuse or create, problems by row and column).

Every check that decides whether the file may be imported lives here, and the import runs it again inside its
transaction, so what the staff saw is what is written (or refused, if the database changed meanwhile).
Queries do not grow with the rows: reference data, existing names, numbers, units and bureaus are each read
once for the whole file.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from io import BytesIO
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from pilotbase.documents import official_language
from pilotbase.formats import cn_date
from pilotbase.models import (
    AuthorityKind,
    Base,
    Certificate,
    City,
    Industry,
    Organization,
    OrgKind,
    PlatformType,
)

from ..models import BaseImport, Grade
from . import cells
from .cells import CellError
from .columns import (
    EXAMPLE_MARK,
    GRADE_HEADER_RE,
    PARTNER_SLOTS,
    SHEET_TITLE,
    Column,
    columns,
    grade_header,
    normalise_header,
)

MAX_ROWS = 500
EMPTY_ROWS_AT_END = 200
PROGRAMME_START = date(2021, 1, 1)  # the pilot scheme dates from 2021: an earlier certification is a typing slip
LEAD_KINDS = {OrgKind.APPLICANT}
PARTNER_KINDS = {OrgKind.APPLICANT, OrgKind.OTHER}


@dataclass(frozen=True)
class Problem:
    row: int | None  # the Excel row number; None for the file as a whole
    column: str  # the column's header as in the template; "" for the row or the file
    message: str

    def __str__(self) -> str:
        where = pgettext("spreadsheet row", "第%(row)d行") % {"row": self.row} if self.row else _("文件")
        return f"{where}{f'「{self.column}」' if self.column else ''}：{self.message}"


@dataclass
class Unit:
    """A unit of the file: an existing organisation reused (same credit code), or one the import creates."""

    code: str
    name: str
    row: int
    existing: Organization | None = None
    authority: Organization | None = None  # new units: the bureau of the base's city
    city: City | None = None  # new lead units: the base's city

    @property
    def is_new(self) -> bool:
        return self.existing is None


@dataclass
class RowPlan:
    row: int
    name: str = ""
    lead: str = ""  # credit code, a key of ImportPlan.units
    partners: list[str] = field(default_factory=list)
    city: City | None = None
    industry: Industry | None = None
    platform_type: PlatformType | None = None
    batch: int | None = None
    certified_on: date | None = None
    number: str = ""
    grades: dict[int, str] = field(default_factory=dict)  # year → Grade value
    support: tuple[Decimal, int] | None = None  # (amount in yuan, year)


@dataclass
class ImportPlan:
    filename: str
    sha256: str
    rows: list[RowPlan] = field(default_factory=list)
    units: dict[str, Unit] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)
    notes: list[Problem] = field(default_factory=list)  # reused units whose name differs: not an error

    @property
    def ok(self) -> bool:
        return not self.problems and bool(self.rows)

    @property
    def new_units(self) -> list[Unit]:
        return [u for u in self.units.values() if u.is_new]

    @property
    def reused_units(self) -> list[Unit]:
        return [u for u in self.units.values() if not u.is_new]

    def grade_years(self) -> list[int]:
        return sorted({y for r in self.rows for y in r.grades})


# ---- reading ---------------------------------------------------------------------------------------
def _sheet_rows(content: bytes) -> list[tuple[int, tuple]] | str:
    """(Excel row number, values) of the base sheet, or the message why the file cannot be read."""
    from openpyxl import load_workbook

    try:
        wb = load_workbook(BytesIO(content), read_only=True, data_only=True)
    except Exception:  # openpyxl raises many kinds for a damaged or foreign file
        return _("无法读取该文件，请使用下载的模板，另存为 Excel 工作簿（.xlsx）后再上传。")
    try:
        ws = wb[SHEET_TITLE] if SHEET_TITLE in wb.sheetnames else wb.worksheets[0]
        out, empty = [], 0
        for number, values in enumerate(ws.iter_rows(values_only=True), start=1):
            if any(v not in (None, "") for v in values):
                out.append((number, values))
                empty = 0
            elif (empty := empty + 1) > EMPTY_ROWS_AT_END:
                break  # a sheet formatted down to row 1,048,576 is read up to its data, not to its end
            if len(out) > MAX_ROWS + 5:
                break
        return out
    finally:
        wb.close()


def _map_headers(values: tuple, cols: list[Column], today: date, problems: list[Problem]) -> dict[int, Column]:
    """Column index → Column, by header text; grade columns for any year (e.g. 2022年度考核等次)."""
    known = {normalise_header(c.header): c for c in cols}
    mapped: dict[int, Column] = {}
    seen: dict[str, int] = {}
    for index, value in enumerate(values):
        header = normalise_header(value)
        if not header:
            continue
        column = known.get(header)
        match = GRADE_HEADER_RE.match(header)
        if column is None and match and 2000 < int(match.group(1)) <= today.year:
            year = int(match.group(1))
            column = Column(f"grade_{year}", grade_header(year))
        if column is None:
            problems.append(Problem(None, str(value).strip(), _("无法识别的列，请使用模板中的列名。")))
            continue
        if column.key in seen:
            problems.append(Problem(None, column.header, _("该列出现了两次。")))
            continue
        seen[column.key] = index
        mapped[index] = column
    for column in cols:
        if column.required and column.key not in seen:
            problems.append(Problem(None, column.header, _("缺少必填列，请使用下载的模板。")))
    return mapped


class _Row:
    """One data row: cells by key, problems recorded against the row and the column's header."""

    def __init__(self, number: int, values: dict[str, Any], headers: dict[str, str], problems: list[Problem]):
        self.number, self.values, self.headers, self.problems = number, values, headers, problems

    def header(self, key: str) -> str:
        return self.headers.get(key, key)

    def fail(self, key: str, message: str) -> None:
        self.problems.append(Problem(self.number, self.header(key), message))

    def get(self, key: str, parse, *args, **kwargs):
        try:
            return parse(self.values.get(key), *args, **kwargs)
        except CellError as exc:
            self.fail(key, str(exc))
            return None

    def blank(self, key: str) -> bool:
        return cells.text(self.values.get(key)) == ""


def _named(items, kind_label: str):
    """name → item, also without the 市 of a city; the parser for a cell of such names."""
    index = {}
    for item in items:
        index[item.name] = item
        if item.name.endswith("市"):
            index.setdefault(item.name[:-1], item)

    def parse(value):
        raw = cells.text(value)
        if not raw:
            raise CellError(_("必填，不能为空。"))
        if raw not in index:
            raise CellError(_("未知的%(kind)s“%(value)s”，请从“可选值”表中选择。") % {"kind": kind_label, "value": raw})
        return index[raw]

    return parse


# ---- the dry run -----------------------------------------------------------------------------------
def check_workbook(content: bytes, *, filename: str, today: date | None = None) -> ImportPlan:
    today = today or timezone.localdate()
    plan = ImportPlan(filename=filename, sha256=hashlib.sha256(content).hexdigest())
    with official_language():
        _check(plan, content, today)
    order = {c.header: i for i, c in enumerate(columns(today))}  # by row, then as the columns stand in the template
    plan.problems.sort(key=lambda p: (p.row or 0, order.get(p.column, len(order))))
    return plan


def _check(plan: ImportPlan, content: bytes, today: date) -> None:
    problems = plan.problems
    earlier = BaseImport.objects.filter(sha256=plan.sha256).select_related("imported_by").first()
    if earlier is not None:
        problems.append(Problem(None, "", _("该文件已于%(when)s由%(who)s导入，不能重复导入。")
                                % {"when": cn_date(earlier.imported_at), "who": earlier.imported_by}))
    rows = _sheet_rows(content)
    if isinstance(rows, str):
        problems.append(Problem(None, "", rows))
        return
    header_at = next((i for i, (_n, values) in enumerate(rows[:5])
                      if any(normalise_header(v) == "基地名称" for v in values)), None)
    if header_at is None:
        problems.append(Problem(None, "", _("未找到表头行（含“基地名称”的一行），请使用下载的模板。")))
        return
    cols = columns(today)
    mapped = _map_headers(rows[header_at][1], cols, today, problems)
    if any(p.message == _("缺少必填列，请使用下载的模板。") for p in problems):
        return
    headers = {c.key: c.header for c in mapped.values()}
    refs = {"city": _named(City.objects.all(), _("设区市")), "industry": _named(Industry.objects.all(), _("产业领域")),
            "platform_type": _named(PlatformType.objects.all(), _("平台类型"))}
    row_cells: dict[int, _Row] = {}
    for number, values in rows[header_at + 1:]:
        cells_by_key = {mapped[i].key: v for i, v in enumerate(values) if i in mapped}
        if all(cells.text(v) == "" for v in cells_by_key.values()):
            continue
        if cells.text(cells_by_key.get("name")).startswith(EXAMPLE_MARK):
            continue
        if len(plan.rows) == MAX_ROWS:
            problems.append(Problem(number, "", _("一个文件最多导入%(n)d个基地，请分成几个文件。") % {"n": MAX_ROWS}))
            break
        row_cells[number] = _Row(number, cells_by_key, headers, problems)
        plan.rows.append(_parse_row(row_cells[number], refs, today))
    if not plan.rows and not problems:
        problems.append(Problem(None, "", _("文件中没有基地数据（示例行不导入）。")))
    _check_against_file_and_database(plan, headers, row_cells)


def _parse_row(row: _Row, refs: dict, today: date) -> RowPlan:
    plan = RowPlan(row=row.number)
    plan.name = row.get("name", cells.required_text, max_length=120) or ""
    for key in ("city", "industry", "platform_type"):
        setattr(plan, key, row.get(key, refs[key]))
    plan.batch = row.get("batch", cells.batch)
    plan.certified_on = row.get("certified_on", cells.day)
    if plan.certified_on and not PROGRAMME_START <= plan.certified_on <= today:
        row.fail("certified_on", _("认定日期应在2021年1月1日至今天之间。"))
        plan.certified_on = None
    plan.number = row.get("number", cells.required_text, max_length=40) or ""
    _parse_grades(row, plan, today)
    _parse_support(row, plan, today)
    return plan


def _parse_grades(row: _Row, plan: RowPlan, today: date) -> None:
    with official_language():
        by_label = {str(label): value for value, label in Grade.choices}
    for key, value in row.values.items():
        if not key.startswith("grade_") or cells.text(value) == "":
            continue
        year, label = int(key.removeprefix("grade_")), cells.text(value)
        if label not in by_label:
            row.fail(key, _("“%(value)s”不是考核等次，请填写优秀、良好、合格、整改或不合格，未参加考核的年度留空。")
                     % {"value": label})
        elif plan.certified_on and year < plan.certified_on.year:
            row.fail(key, _("该年度早于认定年度（%(year)d年），不应有考核等次。") % {"year": plan.certified_on.year})
        else:
            plan.grades[year] = by_label[label]


def _parse_support(row: _Row, plan: RowPlan, today: date) -> None:
    received = row.get("support", cells.yes_no)
    if received is None:
        return
    if not received:
        for key in ("support_amount", "support_year"):
            if not row.blank(key):
                row.fail(key, _("未获得建设支持（“是否获得建设支持”为否或空）时，此处应留空。"))
        return
    amount = row.get("support_amount", cells.amount)
    year = row.get("support_year", cells.year, latest=today.year)
    if year and plan.certified_on and year < plan.certified_on.year:
        row.fail("support_year", _("建设支持年度早于认定年度（%(year)d年）。") % {"year": plan.certified_on.year})
        year = None
    if amount is not None and year is not None:
        plan.support = (amount, year)


# ---- across rows and against the database ------------------------------------------------------------
def _check_against_file_and_database(plan: ImportPlan, headers: dict[str, str], row_cells: dict[int, _Row]) -> None:
    problems = plan.problems
    rows = plan.rows
    header = headers.get

    def duplicates(attr: str, key: str, existing: set[str], in_db: str, in_file: str) -> None:
        first: dict[str, int] = {}
        for r in rows:
            value = getattr(r, attr)
            if not value:
                continue
            if value in existing:
                problems.append(Problem(r.row, header(key), in_db))
            if value in first:
                problems.append(Problem(r.row, header(key), in_file % {"row": first[value]}))
            first.setdefault(value, r.row)

    names = {r.name for r in rows if r.name}
    numbers = {r.number for r in rows if r.number}
    duplicates("name", "name", set(Base.objects.filter(name__in=names).values_list("name", flat=True)),
               _("系统中已有同名的中试基地，不能重复导入。"), _("与第%(row)d行的基地名称重复。"))
    duplicates("number", "number", set(Certificate.objects.filter(number__in=numbers).values_list("number", flat=True)),
               _("系统中已有该编号的证书，不能重复导入。"), _("与第%(row)d行的证书编号重复。"))
    _check_units(plan, row_cells)


def _unit_cells() -> list[tuple[str, str, str]]:
    """(role, name key, code key) of a row's unit cells: the lead, then each partner slot."""
    out = [("lead", "lead_name", "lead_code")]
    for i in range(1, PARTNER_SLOTS + 1):
        out.append(("partner", f"partner{i}_name", f"partner{i}_code"))
    return out


def _check_units(plan: ImportPlan, row_cells: dict[int, _Row]) -> None:
    """Units are matched by 统一社会信用代码: one code is one unit, reused when the portal knows it (its name and
    recommending authority stay as they are); a new unit is an applicant unit under its base city's bureau."""
    occurrences = []  # (row plan, _Row, role, name key, code key, name, code)
    for r in plan.rows:
        row = row_cells[r.row]
        for role, name_key, code_key in _unit_cells():
            if role == "partner" and row.blank(name_key) and row.blank(code_key):
                continue
            name = row.get(name_key, cells.required_text, max_length=120)
            code = row.get(code_key, cells.credit_code)
            if name and code:
                occurrences.append((r, row, role, name_key, code_key, name, code))
    codes = {o[6] for o in occurrences}
    names = {o[5] for o in occurrences}
    by_code = {o.credit_code: o for o in Organization.objects.filter(credit_code__in=codes)}
    by_name = {o.name: o for o in Organization.objects.filter(name__in=names)}
    bureaus: dict[int, Organization] = {}
    cities = {r.city.pk for r in plan.rows if r.city}
    for bureau in (Organization.objects.filter(kind=OrgKind.AUTHORITY, authority_kind=AuthorityKind.CITY_BUREAU,
                                               city_id__in=cities, is_active=True).order_by("-id")):
        bureaus[bureau.city_id] = bureau  # the oldest bureau of a city wins
    new_names: dict[str, Unit] = {}
    for r, row, role, name_key, code_key, name, code in occurrences:
        kinds = LEAD_KINDS if role == "lead" else PARTNER_KINDS
        unit = plan.units.get(code)
        if unit is None:
            existing = by_code.get(code)
            if existing is not None:
                unit = plan.units[code] = Unit(code=code, name=existing.name, row=r.row, existing=existing)
            elif name in by_name:
                other = by_name[name]
                row.fail(name_key, _("系统中已有同名单位，但其统一社会信用代码为%(code)s，请核对。")
                         % {"code": other.credit_code} if other.credit_code
                         else _("系统中已有同名单位，但未登记统一社会信用代码，请先在后台补登后再导入。"))
                continue
            elif name in new_names:
                row.fail(code_key, _("第%(row)d行的同名单位填写了另一个统一社会信用代码，请核对。")
                         % {"row": new_names[name].row})
                continue
            else:
                bureau = bureaus.get(r.city.pk) if r.city else None
                if r.city and bureau is None:
                    row.fail("city", _("系统中没有%(city)s的推荐单位（设区市科技局），无法为新单位“%(name)s”指定推荐单位，"
                                       "请先在后台添加。") % {"city": r.city.name, "name": name})
                unit = plan.units[code] = Unit(code=code, name=name, row=r.row, authority=bureau,
                                               city=r.city if role == "lead" else None)
                new_names[name] = unit
        if unit.existing is not None:
            if unit.existing.kind not in kinds:
                row.fail(code_key, _("该统一社会信用代码属于“%(name)s”（%(kind)s），不能作为%(role)s。")
                         % {"name": unit.existing.name, "kind": unit.existing.get_kind_display(),
                            "role": _("牵头单位") if role == "lead" else _("共建单位")})
                continue
            if unit.existing.name != name:
                plan.notes.append(Problem(r.row, row.header(name_key),
                                          _("系统中该统一社会信用代码的单位为“%(name)s”，将沿用该单位，不新建。")
                                          % {"name": unit.existing.name}))
        elif unit.name != name:
            row.fail(name_key, _("同一统一社会信用代码在第%(row)d行填写的单位名称为“%(name)s”，前后不一致。")
                     % {"row": unit.row, "name": unit.name})
            continue
        if role == "lead":
            r.lead = code
        elif code == r.lead:
            row.fail(code_key, _("共建单位不能与牵头单位相同。"))
        elif code in r.partners:
            row.fail(code_key, _("该共建单位在本行已填写过。"))
        else:
            r.partners.append(code)
