"""Chinese display formats: 2026年11月28日, ¥1,234,567.00, 123.46万元, 第一批 (dates in English as
28 Nov 2026 when the user reads the portal in English; documents render in Chinese)."""

from datetime import date, datetime
from decimal import Decimal

from django.utils import timezone, translation
from django.utils.translation import gettext, ngettext

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


_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def cn_date(value: date | datetime | None) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime) and timezone.is_aware(value):
        value = timezone.localtime(value)
    day = (f"{value.day} {_MONTHS[value.month - 1]} {value.year}" if _english()
           else f"{value.year}年{value.month}月{value.day}日")
    return f"{day} {value:%H:%M}" if isinstance(value, datetime) else day


def _english() -> bool:
    return (translation.get_language() or "").startswith("en")


def yuan(value: Decimal | int | float | None) -> str:
    if value is None:
        return ""
    return f"CNY {Decimal(value):,.2f}" if _english() else f"{Decimal(value):,.2f}元"


def wan_yuan(value: Decimal | int | float | None) -> str:
    """Amounts in 万元 (10,000 yuan), the unit of the notice; English readers get millions."""
    if value is None:
        return ""
    if _english():
        return f"CNY {(Decimal(value) / Decimal(1_000_000)):,.2f} million"
    return f"{(Decimal(value) / Decimal(10000)):,.2f}万元"


def days_until(value: date | datetime | None, today: date | None = None) -> int | None:
    """Whole calendar days from today (local) until a date or datetime; negative when it is past."""
    if value is None:
        return None
    day = timezone.localtime(value).date() if isinstance(value, datetime) else value
    return (day - (today or timezone.localdate())).days


def days_left_text(days: int | None, *, closes: bool = False) -> str:
    """The one sentence of a deadline, for every page: 「还剩 N 天」, 「今天截止」, and once past 「已逾期 N 天」 (a
    task that is late) or, with `closes` (a window that shuts: a call, a recommendation period), 「已截止」. Each count
    goes through ngettext, so a msgid is never used both with and without a plural (makemessages would merge them)."""
    if days is None:
        return ""
    if days > 0:
        return ngettext("还剩 %(n)d 天", "还剩 %(n)d 天", days) % {"n": days}
    if days == 0:
        return gettext("今天截止")
    if closes:
        return gettext("已截止")
    return ngettext("已逾期 %(n)d 天", "已逾期 %(n)d 天", -days) % {"n": -days}
