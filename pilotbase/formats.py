"""Chinese display formats: 2026年11月28日, ¥1,234,567.00, 123.46万元, 第一批."""

from datetime import date, datetime
from decimal import Decimal

from django.utils import timezone

_DIGITS = "零一二三四五六七八九"


def chinese_number(n: int) -> str:
    """1..99 as Chinese numerals (第一批 … 第十二批)."""
    if n < 10:
        return _DIGITS[n]
    tens, ones = divmod(n, 10)
    head = "" if tens == 1 else _DIGITS[tens]
    return f"{head}十{_DIGITS[ones] if ones else ''}"


def batch_label(n: int) -> str:
    return f"第{chinese_number(n)}批" if 0 < n < 100 else f"第{n}批"


def cn_date(value: date | datetime | None) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        value = timezone.localtime(value) if timezone.is_aware(value) else value
        return f"{value.year}年{value.month}月{value.day}日 {value:%H:%M}"
    return f"{value.year}年{value.month}月{value.day}日"


def yuan(value: Decimal | int | float | None) -> str:
    if value is None:
        return ""
    return f"{Decimal(value):,.2f}元"


def wan_yuan(value: Decimal | int | float | None) -> str:
    if value is None:
        return ""
    return f"{(Decimal(value) / Decimal(10000)):,.2f}万元"
