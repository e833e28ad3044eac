"""Money: Decimal yuan with two places, shown with thousands separators (1,234,567.89), in 万元 where officials
expect it (123.46万元), and in Chinese capitals (大写) as financial documents write them: 壹佰贰拾万元整,
叁万肆仟伍佰陆拾柒元捌角玖分.

One helper for every stage (奖补 grants, rewards, recoveries; reports' figures). A float never enters: every
function refuses one (TypeError), so 0.1 + 0.2 cannot slip into an amount through a formatter or a parser.
"""

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from .formats import wan_yuan, yuan

__all__ = ["CENT", "amount", "capitals", "parse_amount", "wan_yuan", "yuan", "amount_text"]

CENT = Decimal("0.01")
MAX_AMOUNT = Decimal("999999999999.99")  # Decimal(14, 2)

_DIGITS = "零壹贰叁肆伍陆柒捌玖"
_SMALL = ("仟", "佰", "拾", "")
_BIG = ("", "万", "亿")


def _decimal(value) -> Decimal:
    if isinstance(value, float):
        raise TypeError("money must be a Decimal, an int or a string, never a float")
    if isinstance(value, bool):
        raise TypeError("money must not be a bool")
    if isinstance(value, Decimal):
        return value
    if isinstance(value, int):
        return Decimal(value)
    if isinstance(value, str):
        return Decimal(value.strip().replace(",", "").replace("，", ""))
    raise TypeError(f"not an amount: {value!r}")


def quantize(value) -> Decimal:
    """Two places, half up (the way a cashier rounds)."""
    return _decimal(value).quantize(CENT, rounding=ROUND_HALF_UP)


def amount(value) -> str:
    """1234567.8 → '1,234,567.80' (no unit; '' for None)."""
    if value is None or value == "":
        return ""
    return f"{quantize(value):,.2f}"


def parse_amount(text, *, allow_zero: bool = False) -> Decimal:
    """A typed amount in yuan ('1,200,000', '34567.89') → Decimal with two places, or a ValidationError in
    Chinese: not a number, more than two decimals, negative (or zero unless allowed), too large."""
    if isinstance(text, float):
        raise TypeError("money must be a Decimal, an int or a string, never a float")
    try:
        value = _decimal(text)
    except (InvalidOperation, ValueError):
        raise ValidationError(_("请输入金额（元），例如 1200000 或 34567.89。"), code="invalid") from None
    if not value.is_finite():
        raise ValidationError(_("请输入金额（元），例如 1200000 或 34567.89。"), code="invalid")
    if value != value.quantize(CENT, rounding=ROUND_HALF_UP):
        raise ValidationError(_("金额最多保留两位小数（分）。"), code="places")
    if value < 0 or (value == 0 and not allow_zero):
        raise ValidationError(_("金额须大于零。") if not allow_zero else _("金额不能为负数。"), code="min")
    if value > MAX_AMOUNT:
        raise ValidationError(_("金额过大。"), code="max")
    return value.quantize(CENT)


def _group(n: int) -> str:
    """0..9999 in capitals within a group: 1010 → 壹仟零壹拾, 1001 → 壹仟零壹 (trailing zeros dropped)."""
    out, pending_zero = "", False
    for digit, unit in zip(f"{n:04d}", _SMALL, strict=True):
        d = int(digit)
        if d == 0:
            pending_zero = bool(out)
            continue
        if pending_zero:
            out += "零"
            pending_zero = False
        out += _DIGITS[d] + unit
    return out


def capitals(value) -> str:
    """Chinese capitals (大写) of an amount in yuan: 1200000 → 壹佰贰拾万元整, 34567.89 → 叁万肆仟伍佰陆拾柒元捌角玖分,
    100010000 → 壹亿零壹万元整, 1000.05 → 壹仟元零伍分, 0.5 → 伍角整, 0 → 零元整; a negative amount is prefixed 负."""
    value = quantize(value)
    if value < 0:
        return "负" + capitals(-value)
    if value > MAX_AMOUNT:
        raise ValueError("amount too large for capitals")
    cents = int(value * 100)
    whole, rest = divmod(cents, 100)
    jiao, fen = divmod(rest, 10)
    groups = []
    while whole:
        whole, g = divmod(whole, 10000)
        groups.append(g)
    out, pending_zero = "", False
    for pos in range(len(groups) - 1, -1, -1):
        g = groups[pos]
        if g == 0:
            pending_zero = bool(out)
            continue
        if out and (g < 1000 or pending_zero):
            out += "零"
        out += _group(g) + _BIG[pos]
        pending_zero = False
    if out:
        out += "元"
    if jiao == 0 and fen == 0:
        return (out or "零元") + "整"
    if jiao:
        out += _DIGITS[jiao] + "角"
    elif out:
        out += "零"
    return out + (_DIGITS[fen] + "分" if fen else "整")


def amount_text(value) -> str:
    """Figures and capitals together, as a notice writes them: 「1,200,000.00元（大写：壹佰贰拾万元整）」."""
    return f"{amount(value)}元（大写：{capitals(value)}）"
