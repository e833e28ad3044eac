"""The consecutive-fail rule (六.三: 连续两年考核不合格 → 撤销认定/摘牌), as a pure function over a base's history.

The input is what the database holds for one base: its `EvaluationResult` rows (year → grade) and its
rectifications (year → outcome). The decisions, written for people in docs/evaluations.md:

- A year's outcome is the worst of what happened in it: 不合格 fails; 整改 fails when its rectification was not
  accepted, passes when it was accepted, is *pending* while the rectification runs, and passes when there is no
  rectification at all (an imported 整改 from before the portal, settled on paper); 优秀/良好/合格 pass. A
  rectification staff ordered without a grade counts in the year it is recorded under, the same way.
- "Consecutive" is about the base's evaluations, not the calendar: a year without any outcome (the base was not
  in that round, or no round was held) is skipped — it neither breaks nor extends a run. The portal lists the
  case with both years as evidence; a second staff member decides, so an unusual gap is judged by people.
- A pending year breaks a run for now (nobody is presumed to fail a rectification still running); the rule is
  asked again when the re-check is decided.
- The first year is not special: a fail in a base's first evaluated year and one in the next are two.
"""

from __future__ import annotations

from collections.abc import Iterable
from enum import Enum

FAIL = "fail"  # Grade.FAIL
RECTIFY = "rectify"  # Grade.RECTIFY
ACCEPTED, NOT_ACCEPTED = "accepted", "not_accepted"  # the closed RectificationState values


class Outcome(Enum):
    PASSED = "passed"
    FAILED = "failed"
    PENDING = "pending"


_RANK = {Outcome.PASSED: 0, Outcome.PENDING: 1, Outcome.FAILED: 2}


def _rectification_outcome(state: str) -> Outcome:
    if state == ACCEPTED:
        return Outcome.PASSED
    if state == NOT_ACCEPTED:
        return Outcome.FAILED
    return Outcome.PENDING


def year_outcomes(
    results: Iterable[tuple[int, str]], rectifications: Iterable[tuple[int, str]] = ()
) -> dict[int, Outcome]:
    """Year → outcome. `results`: (year, grade); `rectifications`: (year, rectification state)."""
    by_year: dict[int, list[Outcome]] = {}
    rectified: dict[int, list[Outcome]] = {}
    for year, state in rectifications:
        rectified.setdefault(year, []).append(_rectification_outcome(state))
    for year, grade in results:
        if grade == FAIL:
            by_year.setdefault(year, []).append(Outcome.FAILED)
        elif grade == RECTIFY and year in rectified:
            pass  # the year's rectifications decide it (below)
        else:
            by_year.setdefault(year, []).append(Outcome.PASSED)
    for year, outcomes in rectified.items():
        by_year.setdefault(year, []).extend(outcomes)
    return {year: max(outcomes, key=_RANK.__getitem__) for year, outcomes in sorted(by_year.items())}


def consecutive_fails(
    results: Iterable[tuple[int, str]], rectifications: Iterable[tuple[int, str]] = ()
) -> list[tuple[int, int]]:
    """Every pair of consecutive failed evaluated years (earlier, later), oldest first; [] when there is none.

    Years without an outcome are skipped; a passed or pending year breaks a run. Three fails in a row give two
    pairs (2022, 2023) and (2023, 2024): the detection acts on the latest."""
    pairs = []
    previous: tuple[int, Outcome] | None = None
    for year, outcome in year_outcomes(results, rectifications).items():
        if outcome is Outcome.FAILED and previous is not None and previous[1] is Outcome.FAILED:
            pairs.append((previous[0], year))
        previous = (year, outcome)
    return pairs


def second_consecutive_fail(
    results: Iterable[tuple[int, str]], rectifications: Iterable[tuple[int, str]] = ()
) -> tuple[int, int] | None:
    """The latest pair of consecutive failed years, or None: what puts a base on the revocation list."""
    pairs = consecutive_fails(results, rectifications)
    return pairs[-1] if pairs else None
