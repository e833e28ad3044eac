"""One cell → a value, or CellError with the Chinese sentence shown next to its row and column."""

from __future__ import annotations

import re
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from pilotbase.validators import validate_credit_code

MAX_AMOUNT = Decimal("1000000000000")  # 1万亿元: beyond it the cell is a typing slip
_DATE_FORMATS = ("%Y-%m-%d", "%Y/%m/%d", "%Y.%m.%d", "%Y年%m月%d日", "%Y%m%d")
_DIGITS = "零一二三四五六七八九"


class CellError(Exception):
    """The message names what is wrong with the cell, not where (the caller adds row and column)."""


def text(value: Any) -> str:
    """Text as typed: numbers that Excel stored as 1.0 read as "1"; full-width spaces and ends stripped."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, datetime | date):
        return value.isoformat()
    return str(value).replace("\u3000", " ").strip()


def required_text(value: Any, *, max_length: int) -> str:
    out = text(value)
    if not out:
        raise CellError(_("必填，不能为空。"))
    if len(out) > max_length:
        raise CellError(_("不能超过%(n)d个字符（当前%(m)d个）。") % {"n": max_length, "m": len(out)})
    return out


def credit_code(value: Any) -> str:
    code = re.sub(r"\s+", "", text(value)).upper()
    if not code:
        raise CellError(_("必填，不能为空。"))
    try:
        validate_credit_code(code)
    except ValidationError as exc:
        raise CellError("".join(str(m) for m in exc.messages)) from None
    return code


def day(value: Any) -> date:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, int | float) and 20000 < value < 80000:  # an Excel serial not formatted as a date
        from openpyxl.utils.datetime import from_excel

        return from_excel(value).date()
    raw = text(value)
    if not raw:
        raise CellError(_("必填，不能为空。"))
    for fmt in _DATE_FORMATS:
        try:
            return datetime.strptime(raw, fmt).date()
        except ValueError:
            continue
    raise CellError(_("“%(value)s”不是有效日期，请填写如 2021-12-20 或 2021年12月20日。") % {"value": raw})


def year(value: Any, *, latest: int) -> int:
    raw = text(value).removesuffix("年")
    if not raw.isdigit() or not 2000 <= int(raw) <= latest:
        raise CellError(_("“%(value)s”不是有效年度，请填写四位数字，如 2022。") % {"value": text(value)})
    return int(raw)


def _chinese_number(raw: str) -> int | None:
    """一 … 九十九 as staff write batch numbers (第一批, 第十二批)."""
    if not raw or any(ch not in _DIGITS + "十" for ch in raw):
        return None
    if "十" not in raw:
        return _DIGITS.index(raw) if len(raw) == 1 else None
    tens, _sep, ones = raw.partition("十")
    if len(tens) > 1 or len(ones) > 1:
        return None
    return (_DIGITS.index(tens) if tens else 1) * 10 + (_DIGITS.index(ones) if ones else 0)


def batch(value: Any) -> int:
    raw = text(value)
    if not raw:
        raise CellError(_("必填，不能为空。"))
    core = raw.removeprefix("第").removesuffix("批")
    number = int(core) if core.isdigit() else _chinese_number(core)
    if not number or not 0 < number < 100:
        raise CellError(_("“%(value)s”不是有效批次，请填写数字（如 1）或“第一批”。") % {"value": raw})
    return number


def amount(value: Any) -> Decimal:
    """Yuan as a Decimal with at most two decimals (a float cell is read through its shortest repr)."""
    if isinstance(value, bool):
        raise CellError(_("请填写以元为单位的金额。"))
    raw = str(value) if isinstance(value, int | float) else re.sub(r"[,，\s]", "", text(value)).removesuffix("元")
    if not raw:
        raise CellError(_("必填，不能为空。"))
    try:
        out = Decimal(raw)
    except InvalidOperation:
        raise CellError(_("“%(value)s”不是金额，请填写以元为单位的数字，如 3000000。") % {"value": text(value)}) from None
    if not out.is_finite() or out <= 0 or out >= MAX_AMOUNT:
        raise CellError(_("金额应大于0元且小于1万亿元。"))
    if out != out.quantize(Decimal("0.01")):
        raise CellError(_("金额最多保留两位小数（分）。"))
    return out.quantize(Decimal("0.01"))


def yes_no(value: Any) -> bool:
    raw = text(value)
    if raw in ("", "否", "无"):
        return False
    if raw in ("是", "有"):
        return True
    raise CellError(_("请填写“是”或“否”。"))
