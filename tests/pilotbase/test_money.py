from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.template import Context, Template

from pilotbase import money


@pytest.mark.parametrize(("value", "expected"), [
    (Decimal("1200000"), "壹佰贰拾万元整"),
    (Decimal("34567.89"), "叁万肆仟伍佰陆拾柒元捌角玖分"),
    (Decimal("0"), "零元整"),
    (Decimal("0.05"), "伍分"),
    (Decimal("0.50"), "伍角整"),
    (Decimal("0.55"), "伍角伍分"),
    (Decimal("10"), "壹拾元整"),
    (Decimal("15"), "壹拾伍元整"),
    (Decimal("101"), "壹佰零壹元整"),
    (Decimal("1001"), "壹仟零壹元整"),
    (Decimal("1010"), "壹仟零壹拾元整"),
    (Decimal("1000.05"), "壹仟元零伍分"),
    (Decimal("1000.50"), "壹仟元伍角整"),
    (Decimal("100100"), "壹拾万零壹佰元整"),
    (Decimal("105000.05"), "壹拾万伍仟元零伍分"),
    (Decimal("500000"), "伍拾万元整"),
    (Decimal("2000000"), "贰佰万元整"),
    (Decimal("100000000"), "壹亿元整"),
    (Decimal("100010000"), "壹亿零壹万元整"),
    (Decimal("100000001"), "壹亿零壹元整"),
    (Decimal("101000000"), "壹亿零壹佰万元整"),
    (Decimal("10100000"), "壹仟零壹拾万元整"),
    (Decimal("123456789012.34"), "壹仟贰佰叁拾肆亿伍仟陆佰柒拾捌万玖仟零壹拾贰元叁角肆分"),
    (Decimal("-12.30"), "负壹拾贰元叁角整"),
    (1200000, "壹佰贰拾万元整"),
    ("34,567.89", "叁万肆仟伍佰陆拾柒元捌角玖分"),
])
def test_capitals(value, expected):
    assert money.capitals(value) == expected


@pytest.mark.parametrize(("value", "expected"), [
    (Decimal("1234567.8"), "1,234,567.80"),
    (Decimal("0"), "0.00"),
    (Decimal("999.995"), "1,000.00"),
    (1200000, "1,200,000.00"),
    (None, ""),
])
def test_amount(value, expected):
    assert money.amount(value) == expected


def test_a_float_never_enters():
    with pytest.raises(TypeError):
        money.capitals(0.1 + 0.2)
    with pytest.raises(TypeError):
        money.amount(1.5)
    with pytest.raises(TypeError):
        money.parse_amount(0.3)


def test_decimal_sums_stay_exact():
    assert money.parse_amount("0.1") + money.parse_amount("0.2") == Decimal("0.30")
    assert money.capitals(money.parse_amount("0.1") + money.parse_amount("0.2")) == "叁角整"


@pytest.mark.parametrize(("text", "expected"), [
    ("1200000", Decimal("1200000.00")), ("1,200,000", Decimal("1200000.00")), (" 34567.89 ", Decimal("34567.89")),
    ("1，000", Decimal("1000.00")),
])
def test_parse_amount(text, expected):
    assert money.parse_amount(text) == expected


@pytest.mark.parametrize(("text", "message"), [
    ("abc", "请输入金额"), ("1.234", "两位小数"), ("-5", "大于零"), ("0", "大于零"), ("1e20", "过大"), ("NaN", "请输入金额"),
])
def test_parse_amount_refuses_with_chinese_message(text, message):
    with pytest.raises(ValidationError) as caught:
        money.parse_amount(text)
    assert message in caught.value.messages[0]


def test_amount_text_and_filters():
    assert money.amount_text(Decimal("1200000")) == "1,200,000.00元（大写：壹佰贰拾万元整）"
    html = Template("{% load money %}{{ v|amount }}|{{ v|capitals }}|{{ none|capitals }}").render(
        Context({"v": Decimal("34567.89"), "none": None}))
    assert html == "34,567.89|叁万肆仟伍佰陆拾柒元捌角玖分|"
