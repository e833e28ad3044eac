"""Scores and grades of the annual evaluation (evaluations.grading): bands and veto as a table, thresholds hit
exactly, weighted totals, quotas across a round with ties and cascades. Decimal only."""

import random
from decimal import Decimal as D

import pytest

from evaluations.grading import (
    Band,
    Entry,
    Indicator,
    bands_from,
    bands_problems,
    grade_propose,
    quota_limit,
    round_grades,
    total_score,
)
from evaluations.models.history import Grade
from evaluations.models.round import GradeBand, RoundIndicator

EXCELLENT, GOOD, PASS, RECTIFY, FAIL = Grade.EXCELLENT, Grade.GOOD, Grade.PASS, Grade.RECTIFY, Grade.FAIL
BANDS = [
    Band(EXCELLENT, D("90"), D("20")),
    Band(GOOD, D("80")),
    Band(PASS, D("60")),
    Band(RECTIFY, D("50")),
    Band(FAIL, D("0")),
]


# ---- the proposed grade: bands and veto -------------------------------------------------------------------
@pytest.mark.parametrize(
    "total,vetoed,expected",
    [
        (D("100"), False, EXCELLENT),
        (D("90"), False, EXCELLENT),  # exactly on the threshold: that band
        (D("90.00"), False, EXCELLENT),
        (D("89.99"), False, GOOD),
        (D("80"), False, GOOD),
        (D("79.99"), False, PASS),
        (D("60.00"), False, PASS),
        (D("59.99"), False, RECTIFY),
        (D("50"), False, RECTIFY),
        (D("49.99"), False, FAIL),
        (D("0"), False, FAIL),
        (D("100"), True, FAIL),  # a veto item hit (一票否决) forces 不合格 whatever the score
        (D("90"), True, FAIL),
        (D("55"), True, FAIL),
        (None, True, FAIL),  # vetoed without a total
    ],
)
def test_grade_propose_follows_the_bands_and_a_veto_forces_fail(total, vetoed, expected):
    assert grade_propose(total, BANDS, vetoed=vetoed) == expected


@pytest.mark.parametrize(
    "total,expected",
    [(D("95"), EXCELLENT), (D("85"), PASS), (D("60"), PASS), (D("59.99"), FAIL), (D("0"), FAIL)],
)
def test_grade_propose_below_every_threshold_is_fail_and_missing_bands_are_skipped(total, expected):
    bands = [(PASS, D("60")), (EXCELLENT, D("90"))]  # no 良好, 整改 or 不合格 row, given in any order
    assert grade_propose(total, bands, vetoed=False) == expected


def test_grade_propose_ignores_the_order_the_bands_come_in():
    shuffled = list(BANDS)
    random.Random(8).shuffle(shuffled)
    for total in (D("95"), D("80"), D("61"), D("50"), D("3")):
        assert grade_propose(total, shuffled, vetoed=False) == grade_propose(total, BANDS, vetoed=False)


def test_grade_propose_is_decimal_only_and_needs_a_total_or_a_veto():
    with pytest.raises(TypeError):
        grade_propose(89.99, BANDS, vetoed=False)
    with pytest.raises(TypeError):
        grade_propose(D("80"), [(GOOD, 80.0)], vetoed=False)
    with pytest.raises(ValueError):
        grade_propose(None, BANDS, vetoed=False)
    with pytest.raises(ValueError, match="分数线应随等次降低而降低"):
        grade_propose(D("80"), [(EXCELLENT, D("80")), (GOOD, D("80"))], vetoed=False)


@pytest.mark.parametrize(
    "bands,problems",
    [
        (BANDS, []),
        ([], ["尚未设置等次分数线。"]),
        ([(GOOD, D("80")), (GOOD, D("70"))], ["等次“良好”重复设置。"]),
        (
            [(EXCELLENT, D("85")), (GOOD, D("90"))],
            ["分数线应随等次降低而降低：“优秀”（85分）应高于“良好”（90分）。"],
        ),
        ([(PASS, D("-1"))], ["等次“合格”的分数线不能为负数。"]),
        (
            [(EXCELLENT, D("90"), D("120")), (PASS, D("60"))],
            ["等次“优秀”的比例上限应在0至100%之间。"],
        ),
        (
            [(EXCELLENT, D("90")), (PASS, D("60"), D("50"))],
            ["最低一档“合格”不能设置比例上限：没有更低的等次可以调整。"],
        ),
    ],
)
def test_bands_problems_name_what_is_wrong_in_chinese(bands, problems):
    assert bands_problems(bands) == problems


def test_bands_from_reads_the_rounds_grade_band_rows():
    rows = [
        GradeBand(grade=EXCELLENT, min_score=D("90"), quota_percent=D("20")),
        GradeBand(grade=PASS, min_score=D("60")),
    ]
    assert bands_from(rows) == [Band(EXCELLENT, D("90"), D("20")), Band(PASS, D("60"), None)]
    assert grade_propose(D("75"), bands_from(rows), vetoed=False) == PASS


# ---- the total score --------------------------------------------------------------------------------------
SHEET = [  # the example sheet of the practice notes: 10 / 30 / 30 / 20 / 10, and a veto item
    Indicator(1, "基础条件", D("10"), D("10")),
    Indicator(2, "服务绩效", D("30"), D("100")),
    Indicator(3, "服务能力", D("30"), D("100")),
    Indicator(4, "管理机制", D("20"), D("20")),
    Indicator(5, "社会声誉", D("10"), D("10")),
    Indicator(6, "重大安全环保事故", D("0"), D("1"), is_veto=True),
]


@pytest.mark.parametrize(
    "scores,expected",
    [
        ({1: D("8"), 2: D("75"), 3: D("80"), 4: D("15"), 5: D("9")}, D("78.50")),
        ({1: D("10"), 2: D("100"), 3: D("100"), 4: D("20"), 5: D("10")}, D("100.00")),
        ({1: D("0"), 2: D("0"), 3: D("0"), 4: D("0"), 5: D("0")}, D("0.00")),
        (
            {1: D("7.5"), 2: D("66.6"), 3: D("90"), 4: D("13"), 5: D("10"), 6: None},
            D("77.48"),
        ),  # veto unscored
    ],
)
def test_total_score_weights_each_indicator_by_its_full_marks(scores, expected):
    assert total_score(scores, SHEET) == expected


@pytest.mark.parametrize(
    "score,expected", [(D("1"), D("33.33")), (D("2"), D("66.67")), (D("3"), D("100.00"))]
)
def test_total_score_rounds_half_up_once_at_the_end(score, expected):
    assert total_score({1: score}, [Indicator(1, "综合", D("100"), D("3"))]) == expected


def test_total_score_names_indicators_not_scored_or_out_of_range():
    with pytest.raises(ValueError) as exc:
        total_score({1: D("8"), 2: D("101"), 4: D("-1"), 5: D("9")}, SHEET)
    assert str(exc.value) == "以下指标尚未评分：服务能力；以下指标的得分超出0至满分的范围：服务绩效、管理机制"
    with pytest.raises(TypeError):
        total_score({1: 8.0, 2: D("75"), 3: D("80"), 4: D("15"), 5: D("9")}, SHEET)


def test_total_score_takes_the_rounds_indicator_rows():
    rows = [
        RoundIndicator(pk=11, name="服务绩效", weight=D("60"), max_score=D("100")),
        RoundIndicator(pk=12, name="管理机制", weight=D("40"), max_score=D("50")),
        RoundIndicator(pk=13, name="一票否决", weight=D("0"), max_score=D("1"), is_veto=True),
    ]
    assert total_score({11: D("90"), 12: D("40")}, rows) == D("86.00")


# ---- quotas across a round --------------------------------------------------------------------------------
def entries(*totals, **kw):
    return [Entry(key=f"b{i}", total=t, **kw) for i, t in enumerate(totals, start=1)]


def grades(placements):
    return {p.key: p.grade for p in placements}


@pytest.mark.parametrize(
    "count,quota,limit",
    [
        (18, "20", 3),
        (10, "20", 2),
        (5, "20", 1),
        (4, "20", 0),
        (8, "12.5", 1),
        (7, "12.5", 0),
        (18, "100", 18),
        (18, "0", 0),
        (0, "20", 0),
    ],
)
def test_quota_limit_is_rounded_down(count, quota, limit):
    assert quota_limit(count, D(quota)) == limit


def test_quota_lowest_ranked_excess_drops_to_the_next_band_with_its_reason():
    round_ = entries(D("95"), D("94"), D("93"), D("91"), D("85"), D("84"), D("70"), D("65"), D("55"), D("40"))
    result = round_grades(round_, BANDS)
    assert [p.proposed for p in result] == [EXCELLENT] * 4 + [GOOD] * 2 + [PASS] * 2 + [RECTIFY, FAIL]
    assert [p.grade for p in result] == [EXCELLENT] * 2 + [GOOD] * 4 + [PASS] * 2 + [RECTIFY, FAIL]
    assert (
        result[2].explanation
        == "优秀名额上限为参评基地的20%（10个基地，至多2个）；本基地在优秀中排第3名（总分93.00），调整为良好"
    )
    assert result[3].explanation.endswith("排第4名（总分91.00），调整为良好")
    assert all(p.reasons == [] for p in result if p.key not in ("b3", "b4"))


def test_quota_filled_exactly_changes_nothing():
    result = round_grades(entries(D("95"), D("90"), *[D("70")] * 8), BANDS)
    assert [p.grade for p in result][:2] == [EXCELLENT, EXCELLENT] and all(
        p.proposed == p.grade for p in result
    )


def test_quota_never_splits_equal_totals_at_the_limit():
    """Limit 2, totals 95, 92, 92, 90: the 2nd place is shared, so both 92s drop with 90 (the band keeps 1)."""
    result = round_grades(entries(D("95"), D("92"), D("92"), D("90"), *[D("70")] * 6), BANDS)
    assert [p.grade for p in result][:4] == [EXCELLENT, GOOD, GOOD, GOOD]
    assert result[1].explanation == (
        "优秀名额上限为参评基地的20%（10个基地，至多2个）；本基地在优秀中排第2名（总分92.00），"
        "与排在第2位的基地同分，同分不拆分，一并调整为良好"
    )
    assert result[3].explanation.endswith("本基地在优秀中排第4名（总分90.00），调整为良好")


def test_quota_tie_break_values_decide_before_the_group_drops():
    round_ = entries(D("95"), *[D("70")] * 6, tiebreak=(D("20"),)) + [
        Entry("x", D("92"), tiebreak=(D("27"),)),
        Entry("y", D("92"), tiebreak=(D("28"),)),
        Entry("z", D("92"), tiebreak=(D("28"),)),
    ]
    result = grades(round_grades(round_, BANDS))  # 10 bases, limit 2: y and z share the 2nd place
    assert (result["b1"], result["x"], result["y"], result["z"]) == (EXCELLENT, GOOD, GOOD, GOOD)
    round_[-1] = Entry("z", D("92"), tiebreak=(D("26"),))
    result = grades(round_grades(round_, BANDS))
    assert (result["b1"], result["x"], result["y"], result["z"]) == (EXCELLENT, GOOD, EXCELLENT, GOOD)


def test_quotas_cascade_and_a_dropped_base_competes_again_below():
    bands = [Band(EXCELLENT, D("90"), D("20")), Band(GOOD, D("80"), D("10")), Band(PASS, D("60"))]
    result = round_grades(entries(D("95"), D("94"), D("93"), D("92"), D("85"), *[D("65")] * 5), bands)
    # 优秀 keeps 2 (95, 94); 93 and 92 drop to 良好, which keeps 1 (93): 92 and 85 drop to 合格
    assert [p.grade for p in result][:5] == [EXCELLENT, EXCELLENT, GOOD, PASS, PASS]
    assert len(result[3].reasons) == 2
    assert (
        result[3].reasons[1]
        == "良好名额上限为参评基地的10%（10个基地，至多1个）；本基地在良好中排第2名（总分92.00），调整为合格"
    )
    assert len(result[4].reasons) == 1 and "排第3名（总分85.00）" in result[4].reasons[0]


def test_forced_fails_count_among_the_bases_but_take_no_place():
    """5 bases (one late, one vetoed with the best score): 20 % of 5 is 1 优秀 place, for the best unvetoed."""
    round_ = [
        Entry("late", None, forced_fail="未按时提交"),
        Entry("veto", D("99"), forced_fail="一票否决：发生重大安全事故"),
        Entry("a", D("95")),
        Entry("b", D("94")),
        Entry("c", D("70")),
    ]
    result = {p.key: p for p in round_grades(round_, BANDS)}
    assert {k: p.grade for k, p in result.items()} == {
        "late": FAIL,
        "veto": FAIL,
        "a": EXCELLENT,
        "b": GOOD,
        "c": PASS,
    }
    assert result["late"].explanation == "未按时提交" and result["late"].proposed == FAIL
    assert result["veto"].explanation == "一票否决：发生重大安全事故"
    assert "5个基地，至多1个" in result["b"].explanation


def test_quota_of_zero_places_moves_every_member_down():
    result = round_grades(entries(D("95"), D("91"), D("70"), D("65")), BANDS)  # 20 % of 4 → 0
    assert [p.grade for p in result] == [GOOD, GOOD, PASS, PASS]
    assert "至多0个" in result[0].explanation


def test_round_grades_do_not_depend_on_the_input_order():
    round_ = entries(D("95"), D("92"), D("92"), D("90"), D("85"), D("84"), D("83"), D("60"), D("50"), D("10"))
    expected = {p.key: (p.grade, p.explanation) for p in round_grades(round_, BANDS)}
    for seed in range(5):
        shuffled = list(round_)
        random.Random(seed).shuffle(shuffled)
        result = round_grades(shuffled, BANDS)
        assert [p.key for p in result] == [e.key for e in shuffled]  # the caller's order
        assert {p.key: (p.grade, p.explanation) for p in result} == expected


def test_round_grades_refuse_duplicate_keys_a_missing_total_and_floats():
    with pytest.raises(ValueError):
        round_grades([Entry("a", D("90")), Entry("a", D("80"))], BANDS)
    with pytest.raises(ValueError):
        round_grades([Entry("a", None)], BANDS)
    with pytest.raises(TypeError):
        round_grades([Entry("a", 90.5)], BANDS)
    with pytest.raises(ValueError):
        round_grades([Entry("a", D("90"), tiebreak=(D("1"),)), Entry("b", D("90"))], BANDS)
