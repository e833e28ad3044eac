"""The template's columns. Headers are fixed Chinese text whatever language the page is in: the file is filled
by hand and read back by these headers (like the PDFs, it is an official-language document)."""

from __future__ import annotations

import re
from dataclasses import dataclass

from django.utils import timezone

# Partners: numbered column pairs rather than one cell of "名称|代码; 名称|代码". Staff fill the sheet by hand,
# often with a Chinese input method that types ；and ｜ for ; and |: a separator syntax is the usual source of
# errors, and a code pasted into its own cell is checked and named precisely (「共建单位2统一社会信用代码」).
# Bases have few partners (the 2021 batch: at most three units in all); more are added in the admin.
PARTNER_SLOTS = 4
FIRST_GRADE_YEAR = 2022  # the first yearly evaluation (of the 2021 batch)
EXAMPLE_MARK = "【示例】"  # a row whose base name starts with it is the template's example and is skipped
SHEET_TITLE = "基地名单"
CHOICES_TITLE = "可选值"


@dataclass(frozen=True)
class Column:
    key: str
    header: str
    required: bool = False
    width: int = 16
    choices: str = ""  # the column of the 可选值 sheet that lists the allowed values


def grade_header(year: int) -> str:
    return f"{year}年度考核等次"


GRADE_HEADER_RE = re.compile(r"^(\d{4})年度?(考核|评价)?(等次|结果)?$")


def grade_years(today=None) -> list[int]:
    """The years with a column in the downloaded template: every evaluation year before this one."""
    today = today or timezone.localdate()
    return list(range(FIRST_GRADE_YEAR, today.year))


def columns(today=None) -> list[Column]:
    cols = [
        Column("name", "基地名称", True, 40),
        Column("lead_name", "牵头单位名称", True, 30),
        Column("lead_code", "牵头单位统一社会信用代码", True, 22),
    ]
    for i in range(1, PARTNER_SLOTS + 1):
        cols += [Column(f"partner{i}_name", f"共建单位{i}名称", width=26),
                 Column(f"partner{i}_code", f"共建单位{i}统一社会信用代码", width=22)]
    cols += [
        Column("city", "所在设区市", True, 12, choices="A"),
        Column("industry", "产业领域", True, 16, choices="B"),
        Column("platform_type", "平台类型", True, 14, choices="C"),
        Column("batch", "认定批次", True, 10),
        Column("certified_on", "认定日期", True, 12),
        Column("number", "证书编号", True, 24),
    ]
    cols += [Column(f"grade_{y}", grade_header(y), width=14, choices="D") for y in grade_years(today)]
    cols += [
        Column("support", "是否获得建设支持", width=10, choices="E"),
        Column("support_amount", "建设支持金额（元）", width=16),
        Column("support_year", "建设支持年度", width=10),
    ]
    return cols


def header_text(column: Column) -> str:
    return f"{column.header}*" if column.required else column.header


def normalise_header(value) -> str:
    """A header as typed: spaces and the required mark (* or ＊) do not matter; ( ) equal （ ）."""
    text = re.sub(r"\s+", "", str(value or ""))
    return text.rstrip("*＊").replace("(", "（").replace(")", "）")
