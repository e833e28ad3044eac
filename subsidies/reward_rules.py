"""运行奖补 eligibility (《实施方案》五.(二)): a pure function of what a published evaluation round says.

No database, no app models: the caller (subsidies.selectors.rewards) reads the round's bases into `BaseFacts` and
the set of base ids "with construction support" (a disbursed ConstructionGrant of this app, or an
evaluations.PriorSupport for a base imported from before the portal), and stores what `reward_eligibility`
returns. The rules, in the order they are applied (the first that fails is the reason given; every failing one is
listed):

1. the base is not revoked (已撤销认定) and not under rectification (整改中);
2. it has a grade in the round, and the grade is at least the year's minimum grade (e.g. 良好);
3. its year after certification: a base **without** construction support is eligible from its 2nd year after
   certification, one **with** it from its 3rd. "The n-th year after certification" is counted in whole years from
   the certification date to the round's reference date (基准日): the 1st year runs from the certification date
   to the day before its first anniversary, the 2nd from the first anniversary, and so on. A base certified on
   2024-06-30 is in its 2nd year on 2025-06-30 (one full year), one certified on 2024-07-01 is still in its 1st
   year on that day; a base certified on 29 February has its anniversary on 28 February of a common year (as
   evaluations.models.round.one_year_before counts the round's "one full year").

docs/subsidies.md ("运行奖补") says the same for staff; tests/subsidies/test_reward_rules.py proves it by table.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date

# The grades in order, best first (evaluations.models.Grade values; kept as strings so this stays pure).
GRADE_ORDER = ("excellent", "good", "pass", "rectify", "fail")
GRADE_LABELS = {"excellent": "优秀", "good": "良好", "pass": "合格", "rectify": "整改", "fail": "不合格"}
# A minimum grade a year may set: a 整改 or 不合格 grade never earns a reward.
MIN_GRADE_CHOICES = ("excellent", "good", "pass")

YEARS_WITHOUT_SUPPORT = 2  # eligible from the 2nd year after certification
YEARS_WITH_SUPPORT = 3  # with construction support: from the 3rd

ACTIVE, RECTIFYING, REVOKED = "active", "rectifying", "revoked"  # pilotbase.models.BaseStatus values


@dataclass(frozen=True)
class BaseFacts:
    """What the rule reads of one base in one round."""

    base_id: int
    certified_on: date
    state: str  # pilotbase BaseStatus value
    grade: str | None  # the base's grade for the round's year, None when it has none


@dataclass(frozen=True)
class Eligibility:
    base_id: int
    eligible: bool
    supported: bool  # had construction support (so the 3rd-year rule applies)
    year_after: int  # the n-th year after certification on the reference date (1 = the first year)
    rule: str  # the rule applied, in Chinese
    reasons: tuple[str, ...] = field(default=())  # why not eligible (empty when eligible)

    @property
    def why(self) -> str:
        return "；".join(r.rstrip("。") for r in self.reasons) + "。" if self.reasons else ""


def _anniversary(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February in a common year
        return day.replace(year=day.year + years, day=28)


def full_years(since: date, on: date) -> int:
    """Whole years from `since` to `on` (0 before the first anniversary; negative never: 0)."""
    if on < since:
        return 0
    n = on.year - since.year
    if _anniversary(since, n) > on:
        n -= 1
    return max(n, 0)


def year_after_certification(certified_on: date, on: date) -> int:
    """The n-th year after certification that `on` falls in: 1 until the first anniversary, 2 from it, …"""
    return full_years(certified_on, on) + 1


def grade_at_least(grade: str | None, minimum: str) -> bool:
    if grade not in GRADE_ORDER or minimum not in GRADE_ORDER:
        return False
    return GRADE_ORDER.index(grade) <= GRADE_ORDER.index(minimum)


def _cn_date(day: date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


def base_eligibility(
    facts: BaseFacts, *, reference_date: date, min_grade: str, supported: bool
) -> Eligibility:
    """One base's eligibility in a round judged on `reference_date`, with the rule applied and every reason."""
    if min_grade not in MIN_GRADE_CHOICES:
        raise ValueError(f"minimum grade must be one of {MIN_GRADE_CHOICES}, not {min_grade!r}")
    needed = YEARS_WITH_SUPPORT if supported else YEARS_WITHOUT_SUPPORT
    year_after = year_after_certification(facts.certified_on, reference_date)
    min_label = GRADE_LABELS[min_grade]
    if supported:
        rule = f"已获建设支持：自认定后第{needed}年起（认定满{needed - 1}年）享受运行奖补；考核等次须为{min_label}及以上"
    else:
        rule = f"未获建设支持：自认定后第{needed}年起（认定满{needed - 1}年）享受运行奖补；考核等次须为{min_label}及以上"
    reasons: list[str] = []
    if facts.state == REVOKED:
        reasons.append("已撤销认定，不享受运行奖补。")
    elif facts.state == RECTIFYING:
        reasons.append("整改中，不享受运行奖补。")
    if facts.grade is None:
        reasons.append("本年度无考核结果。")
    elif not grade_at_least(facts.grade, min_grade):
        reasons.append(
            f"考核等次为{GRADE_LABELS.get(facts.grade, facts.grade)}，低于本年度运行奖补的最低等次{min_label}。"
        )
    if year_after < needed:
        reasons.append(
            f"{_cn_date(facts.certified_on)}认定，至基准日{_cn_date(reference_date)}尚处认定后第{year_after}年"
            f"（{'已' if supported else '未'}获建设支持的基地自认定后第{needed}年起享受）。"
        )
    return Eligibility(
        base_id=facts.base_id,
        eligible=not reasons,
        supported=supported,
        year_after=year_after,
        rule=rule,
        reasons=tuple(reasons),
    )


def reward_eligibility(
    bases: Iterable[BaseFacts], *, reference_date: date, min_grade: str, supported_ids: Iterable[int]
) -> list[Eligibility]:
    """Every base's eligibility, in the order given. `supported_ids`: the bases with construction support."""
    supported = frozenset(supported_ids)
    return [
        base_eligibility(b, reference_date=reference_date, min_grade=min_grade, supported=b.base_id in supported)
        for b in bases
    ]
