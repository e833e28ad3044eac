"""The consecutive-fail rule as a table (docs/evaluations.md): history in, the pair that triggers 摘牌 out."""

import pytest

from evaluations.consecutive import Outcome, consecutive_fails, second_consecutive_fail, year_outcomes

A, B, C, R, F = "excellent", "good", "pass", "rectify", "fail"

CASES = [
    # (why, results {year: grade}, rectifications [(year, state)], expected latest pair)
    ("no history", {}, [], None),
    ("one fail", {2022: F}, [], None),
    ("the first two years fail", {2022: F, 2023: F}, [], (2022, 2023)),
    ("a pass between two fails", {2022: F, 2023: C, 2024: F}, [], None),
    ("fail, pass, then two fails", {2021: F, 2022: C, 2023: F, 2024: F}, [], (2023, 2024)),
    ("three fails: the latest pair", {2022: F, 2023: F, 2024: F}, [], (2023, 2024)),
    ("a year not evaluated is skipped", {2022: F, 2024: F}, [], (2022, 2024)),
    ("a gap after a pass still breaks nothing new", {2021: F, 2022: B, 2024: F}, [], None),
    ("整改 accepted passes its year", {2022: F, 2023: R, 2024: F}, [(2023, "accepted")], None),
    ("整改 not accepted fails its year", {2022: F, 2023: R}, [(2023, "not_accepted")], (2022, 2023)),
    ("整改 not accepted, then 不合格", {2022: R, 2023: F}, [(2022, "not_accepted")], (2022, 2023)),
    ("整改 still open is not a fail yet", {2022: F, 2023: R}, [(2023, "open")], None),
    ("整改 report filed, not re-checked yet", {2022: F, 2023: R}, [(2023, "reported")], None),
    ("an open 整改 breaks the run for now", {2022: F, 2023: R, 2024: F}, [(2023, "reported")], None),
    ("imported 整改 without a record passes", {2022: F, 2023: R, 2024: C}, [], None),
    (
        "two 整改 grades both not accepted",
        {2022: R, 2023: R},
        [(2022, "not_accepted"), (2023, "not_accepted")],
        (2022, 2023),
    ),
    (
        "an ordered 整改 not accepted in a passed year",
        {2022: F, 2023: C},
        [(2023, "not_accepted")],
        (2022, 2023),
    ),
    (
        "an ordered 整改 accepted does not lift a 不合格",
        {2022: F, 2023: F},
        [(2023, "accepted")],
        (2022, 2023),
    ),
    ("an ordered 整改 alone, not accepted, after a fail", {2022: F}, [(2023, "not_accepted")], (2022, 2023)),
    ("good years only", {2022: A, 2023: B, 2024: C}, [], None),
]


@pytest.mark.parametrize(("why", "results", "rectifications", "expected"), CASES, ids=[c[0] for c in CASES])
def test_second_consecutive_fail(why, results, rectifications, expected):
    assert second_consecutive_fail(sorted(results.items()), rectifications) == expected


def test_three_fails_give_both_pairs_oldest_first():
    assert consecutive_fails([(2024, F), (2022, F), (2023, F)]) == [(2022, 2023), (2023, 2024)]


def test_year_outcome_is_the_worst_of_the_year():
    outcomes = year_outcomes(
        [(2022, C), (2023, R)], [(2022, "open"), (2023, "accepted"), (2023, "not_accepted")]
    )
    assert outcomes == {2022: Outcome.PENDING, 2023: Outcome.FAILED}
