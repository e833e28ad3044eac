"""Validators of Chinese identifiers shared by the apps: 统一社会信用代码 and telephone numbers."""

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

# Landline or mobile as people write them: digits, spaces, + - ( ) and full-width （）, 7 to 20 characters.
PHONE_RE = re.compile(r"^[0-9+\-()（） ]{7,20}$")

# 统一社会信用代码 (GB 32100-2015): 18 characters from a 31-symbol alphabet; the last is a check digit.
CREDIT_CODE_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
CREDIT_CODE_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)


def credit_code_check_char(first17: str) -> str:
    total = sum(CREDIT_CODE_ALPHABET.index(ch) * w for ch, w in zip(first17, CREDIT_CODE_WEIGHTS, strict=True))
    return CREDIT_CODE_ALPHABET[(31 - total % 31) % 31]


def validate_credit_code(value: str) -> None:
    code = (value or "").strip().upper()
    if len(code) != 18:
        raise ValidationError(_("统一社会信用代码应为18位，当前为%(n)d位。"), code="length", params={"n": len(code)})
    bad = sorted({ch for ch in code if ch not in CREDIT_CODE_ALPHABET})
    if bad:
        raise ValidationError(
            _("统一社会信用代码含有不允许的字符：%(chars)s（不使用 I、O、Z、S、V）。"),
            code="charset",
            params={"chars": "".join(bad)},
        )
    if credit_code_check_char(code[:17]) != code[17]:
        raise ValidationError(_("统一社会信用代码校验位不正确，请核对营业执照。"), code="checksum")


def validate_phone(value: str) -> None:
    if not PHONE_RE.match((value or "").strip()):
        raise ValidationError(_("请填写有效的联系电话（7至20位数字，可含区号和“-”）。"), code="phone")
