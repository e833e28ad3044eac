"""One cell → a value or the sentence shown next to it: a table per kind of cell."""

from datetime import date, datetime
from decimal import Decimal

import pytest

from evaluations.importer import cells
from evaluations.importer.cells import CellError


@pytest.mark.parametrize(("value", "expected"), [
    (1, 1), (1.0, 1), ("1", 1), ("第一批", 1), ("第1批", 1), ("二", 2), ("第十批", 10), ("第十二批", 12),
    ("二十一", 21), ("第0批", None), ("第一百批", None), ("", None), ("首批", None), (100, None),
])
def test_batch(value, expected):
    if expected is None:
        with pytest.raises(CellError):
            cells.batch(value)
    else:
        assert cells.batch(value) == expected


@pytest.mark.parametrize(("value", "expected"), [
    (3000000, Decimal("3000000.00")), (2500000.5, Decimal("2500000.50")), ("3,000,000", Decimal("3000000.00")),
    ("300000元", Decimal("300000.00")), ("1.005", None), ("300万", None), (0, None), (-5, None), ("NaN", None),
    ("1e13", None), (True, None),
])
def test_amount(value, expected):
    if expected is None:
        with pytest.raises(CellError):
            cells.amount(value)
    else:
        assert cells.amount(value) == expected


@pytest.mark.parametrize(("value", "expected"), [
    (datetime(2021, 12, 20, 0, 0), date(2021, 12, 20)), (date(2022, 1, 5), date(2022, 1, 5)),
    ("2021-12-20", date(2021, 12, 20)), ("2021/12/20", date(2021, 12, 20)), ("2021年12月20日", date(2021, 12, 20)),
    (44550, date(2021, 12, 20)), ("2021-02-30", None), ("去年", None), ("", None),
])
def test_day(value, expected):
    if expected is None:
        with pytest.raises(CellError):
            cells.day(value)
    else:
        assert cells.day(value) == expected


def test_credit_code_is_read_without_spaces_in_capitals():
    from tests.factories import credit_code

    good = credit_code(1)
    assert cells.credit_code(f" {good[:9].lower()} {good[9:]} ") == good
    with pytest.raises(CellError, match="18位"):
        cells.credit_code(good[:17])
