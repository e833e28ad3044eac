"""运行奖补 eligibility as tables (subsidies.reward_rules; docs/subsidies.md, 运行奖补): facts in, eligible or not and
why out. Pure: no database."""

from datetime import date

import pytest

from subsidies.reward_rules import (
    BaseFacts,
    base_eligibility,
    full_years,
    grade_at_least,
    reward_eligibility,
    year_after_certification,
)

A, B, C, R, F = "excellent", "good", "pass", "rectify", "fail"
REF = date(2025, 6, 30)  # the round's reference date (基准日)


def facts(certified_on, *, grade=B, state="active", pk=1):
    return BaseFacts(base_id=pk, certified_on=certified_on, state=state, grade=grade)


# (why, certified on, reference date, the n-th year after certification)
YEARS = [
    ("certified on the reference date", date(2025, 6, 30), REF, 1),
    ("one day short of a year", date(2024, 7, 1), REF, 1),
    ("exactly one year", date(2024, 6, 30), REF, 2),
    ("certified in January of the year before", date(2024, 1, 15), REF, 2),
    ("certified in December of the year before: still the 1st year", date(2024, 12, 28), REF, 1),
    ("one day short of two years", date(2023, 7, 1), REF, 2),
    ("exactly two years", date(2023, 6, 30), REF, 3),
    ("29 February: anniversary on 28 February of a common year", date(2024, 2, 29), date(2025, 2, 28), 2),
    ("29 February: the day before that anniversary", date(2024, 2, 29), date(2025, 2, 27), 1),
    ("after the reference date (never negative)", date(2026, 1, 1), REF, 1),
]


@pytest.mark.parametrize("why,certified,on,n", YEARS, ids=[y[0] for y in YEARS])
def test_year_after_certification(why, certified, on, n):
    assert year_after_certification(certified, on) == n
    assert full_years(certified, on) == n - 1


# (why, certified on, supported, grade, state, minimum grade, eligible, reason fragments)
CASES = [
    # without construction support: from the 2nd year (one full year at the reference date)
    ("unsupported, 2nd year", date(2024, 6, 30), False, B, "active", B, True, []),
    ("unsupported, 1st year (certified a day later)", date(2024, 7, 1), False, B, "active", B, False,
     ["2024年7月1日认定", "尚处认定后第1年", "未获建设支持的基地自认定后第2年起享受"]),
    ("unsupported, certified in March of the year before", date(2024, 3, 1), False, A, "active", B, True, []),
    ("unsupported, certified in November of the year before", date(2024, 11, 1), False, A, "active", B, False,
     ["尚处认定后第1年"]),
    # with construction support: from the 3rd year (two full years)
    ("supported, 2nd year is too early", date(2024, 6, 30), True, A, "active", B, False,
     ["尚处认定后第2年", "已获建设支持的基地自认定后第3年起享受"]),
    ("supported, one day short of the 3rd year", date(2023, 7, 1), True, A, "active", B, False,
     ["尚处认定后第2年"]),
    ("supported, 3rd year", date(2023, 6, 30), True, A, "active", B, True, []),
    ("supported, certified in January two years before", date(2023, 1, 10), True, B, "active", B, True, []),
    # rectifying and revoked bases are excluded whatever their grade and age
    ("rectifying", date(2021, 12, 28), False, A, "rectifying", B, False, ["整改中"]),
    ("revoked", date(2021, 12, 28), False, A, "revoked", B, False, ["已撤销认定"]),
    ("revoked and failed: both reasons", date(2021, 12, 28), False, F, "revoked", B, False,
     ["已撤销认定", "考核等次为不合格"]),
    # the minimum grade of the year
    ("优秀 with minimum 良好", date(2021, 12, 28), False, A, "active", B, True, []),
    ("良好 with minimum 良好 (on the threshold)", date(2021, 12, 28), False, B, "active", B, True, []),
    ("合格 with minimum 良好", date(2021, 12, 28), False, C, "active", B, False,
     ["考核等次为合格，低于本年度运行奖补的最低等次良好"]),
    ("合格 with minimum 合格", date(2021, 12, 28), False, C, "active", C, True, []),
    ("良好 with minimum 优秀", date(2021, 12, 28), False, B, "active", A, False, ["最低等次优秀"]),
    ("整改 never earns, even with minimum 合格", date(2021, 12, 28), False, R, "active", C, False,
     ["考核等次为整改"]),
    ("不合格 never earns", date(2021, 12, 28), False, F, "active", C, False, ["考核等次为不合格"]),
    ("no result in the year", date(2021, 12, 28), False, None, "active", C, False, ["本年度无考核结果"]),
    ("too young, too low and supported: every reason", date(2024, 6, 30), True, C, "active", B, False,
     ["考核等次为合格", "尚处认定后第2年"]),
]


@pytest.mark.parametrize("why,certified,supported,grade,state,minimum,eligible,fragments", CASES,
                         ids=[c[0] for c in CASES])
def test_eligibility_table(why, certified, supported, grade, state, minimum, eligible, fragments):
    result = base_eligibility(
        facts(certified, grade=grade, state=state), reference_date=REF, min_grade=minimum, supported=supported
    )
    assert result.eligible is eligible
    assert bool(result.reasons) is not eligible
    for fragment in fragments:
        assert fragment in result.why
    assert ("已获建设支持" if supported else "未获建设支持") in result.rule
    assert f"自认定后第{3 if supported else 2}年起" in result.rule


def test_supported_ids_choose_the_rule_per_base():
    bases = [facts(date(2024, 1, 1), pk=1), facts(date(2024, 1, 1), pk=2)]
    out = reward_eligibility(bases, reference_date=REF, min_grade=B, supported_ids={2})
    assert [(e.base_id, e.eligible, e.supported) for e in out] == [(1, True, False), (2, False, True)]


def test_minimum_grade_must_be_a_rewarding_grade():
    with pytest.raises(ValueError):
        base_eligibility(facts(date(2021, 1, 1)), reference_date=REF, min_grade=R, supported=False)


@pytest.mark.parametrize("grade,minimum,ok", [(A, A, True), (A, C, True), (C, B, False), (None, C, False),
                                              ("unknown", C, False)])
def test_grade_at_least(grade, minimum, ok):
    assert grade_at_least(grade, minimum) is ok
