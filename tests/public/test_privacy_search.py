"""The search of the privacy walk (tests/public/privacy.py), on its own: what counts as found, and which private
values are distinctive enough to look for."""

from decimal import Decimal

from . import privacy
from .privacy import Value


def test_an_amount_is_looked_for_as_the_portal_prints_it():
    assert privacy._renderings(Decimal("2500000.00"), "money") == ["2,500,000.00", "2500000.00", "250.00万",
                                                                    "2.50 million"]
    assert privacy._renderings(Decimal("8.1"), "score") == ["8.10"]


def test_a_narrative_is_looked_for_whole_and_line_by_line():
    assert privacy._renderings("第一行说明\n  第二行  说明 \n", "") == ["第一行说明 第二行 说明", "第一行说明", "第二行 说明"]


def test_a_number_is_found_only_between_non_digits():
    score = Value("8.10", "x.score", number=True)
    assert privacy.found_in("得分 8.10 分", [score]) == [score]
    assert privacy.found_in("18.10、2026.8.10、8.105、1,8.10", [score]) == []


def test_text_is_found_whatever_its_spacing():
    name = Value("某某 异议人", "x.name")
    assert privacy.found_in("异议人：某某\n   异议人", [name]) == [name]
    assert privacy.found_in("异议人：某某", [name]) == []


def test_short_public_and_portal_words_are_not_looked_for():
    values = [Value(t, "x.f") for t in ("陈芳", "韦建华", "abc", "abcd", "广西示范基地", "科技局")]
    public = [Value("广西示范基地名单", "p.f")]
    assert [v.text for v in privacy.searchable(values, public)] == ["韦建华", "abcd"]


def test_every_field_that_looks_private_is_declared():
    """A model's phone, opinion, amount, contact … is private (searched), public, or not searched with a reason."""
    assert privacy.undeclared_fields() == []
