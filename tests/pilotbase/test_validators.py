import pytest
from django.core.exceptions import ValidationError

from pilotbase.validators import credit_code_check_char, validate_credit_code

# 91350100M000100Y43 is a published real code; the others follow GB 32100-2015 check digits.
GOOD = ["91350100M000100Y43", "91450100198230146G", "124500004985003233"]


@pytest.mark.parametrize("code", GOOD)
def test_credit_code_valid_codes_pass(code):
    assert credit_code_check_char(code[:17]) == code[17]
    validate_credit_code(code)


@pytest.mark.parametrize(
    ("code", "error_code"),
    [
        ("9145010019823014", "length"),  # too short
        ("91450100198230146KX", "length"),  # too long
        ("91450100I98230146K", "charset"),  # I is not in the alphabet
        ("91450100198230146A", "checksum"),  # wrong check digit
    ],
)
def test_credit_code_bad_codes_refused_with_chinese_message(code, error_code):
    with pytest.raises(ValidationError) as exc:
        validate_credit_code(code)
    assert exc.value.code == error_code
    assert "统一社会信用代码" in exc.value.messages[0]
