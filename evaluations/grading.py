"""Scores and grades of the annual evaluation (绩效考核), as pure functions over Decimal numbers.

Nothing here touches the database: the services read the round's indicators (`RoundIndicator`) and grade
bands (`GradeBand`), call these functions and store what they return. The rules, written for people in
docs/evaluations.md ("Scoring and grades"):

- **Total score** (`total_score`): Σ weight × score ÷ full marks over the weighted indicators (the round's
  weights add up to 100, so the total is out of 100), rounded half-up to two decimals at the end only. Veto
  items carry no weight. Every weighted indicator must be scored, between 0 and its full marks. With an expert
  panel each expert's sheet gives a total, and `pilotbase.panels.panel_score` (the round's panel rule) gives
  the base's total.
- **Proposed grade** (`grade_propose`): the best band whose threshold the total reaches (total ≥ min score,
  so a total exactly on a threshold gets that band); below every threshold → 不合格. A veto item hit
  (一票否决) forces 不合格 whatever the score.
- **Quotas** (`round_grades`): a band with a quota (e.g. 优秀 ≤ 20 %) holds at most ⌊n × quota ÷ 100⌋ bases,
  n being every base graded in the round (including those forced to 不合格). Bands are settled from the best
  down; the lowest-ranked excess drops to the next band below, where it competes on its score again (and may
  drop further if that band is full too). Ranking is by total, then the optional tie-break values, highest
  first. Bases that rank equal are never split: when the limit falls inside a group of equals, the whole group
  drops (the band keeps fewer than its quota rather than exceed it or separate equal scores by chance). Each
  change carries its explanation in Chinese.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_FLOOR, ROUND_HALF_UP, Decimal
from typing import Any, NamedTuple, Protocol

from django.utils.translation import gettext as _

from .models.history import Grade

TWO = Decimal("0.01")
HUNDRED = Decimal(100)
GRADE_ORDER = [g.value for g in Grade]  # best first: 优秀, 良好, 合格, 整改, 不合格


def _decimal(value: Any, what: str) -> Decimal:
    """Decimal only: a float (or a bool) is refused, an int is exact and accepted."""
    if isinstance(value, Decimal):
        return value
    if isinstance(value, int) and not isinstance(value, bool):
        return Decimal(value)
    raise TypeError(f"{what} must be a Decimal, not {type(value).__name__}")


def _label(grade: str) -> str:
    return str(Grade(grade).label)


def _fmt(value: Decimal) -> str:
    return f"{value.quantize(TWO, rounding=ROUND_HALF_UP)}"


def _percent(value: Decimal) -> str:
    return f"{value.normalize():f}"  # 20.00 → 20, 12.50 → 12.5


# ---- total score ------------------------------------------------------------------------------------------
class IndicatorLike(Protocol):
    pk: Any
    name: str
    weight: Decimal
    max_score: Decimal
    is_veto: bool


class Indicator(NamedTuple):
    """A row of the indicator system; a `RoundIndicator` has the same attributes and may be passed instead."""

    pk: Any
    name: str
    weight: Decimal
    max_score: Decimal
    is_veto: bool = False


def total_score(scores: Mapping[Any, Decimal | None], indicators: Iterable[IndicatorLike]) -> Decimal:
    """The weighted total of one score sheet: Σ weight × score ÷ full marks, rounded half-up to 0.01.

    `scores` maps an indicator's pk to its score. Veto items are ignored here (see `grade_propose`). Raises
    ValueError with a Chinese message naming the indicators not scored or scored out of range.
    """
    total = Decimal(0)
    missing, out_of_range = [], []
    for ind in indicators:
        if ind.is_veto:
            continue
        weight, full = _decimal(ind.weight, "weight"), _decimal(ind.max_score, "max_score")
        if full <= 0:
            raise ValueError(_("指标“%(name)s”的满分应大于0。") % {"name": ind.name})
        value = scores.get(ind.pk)
        if value is None:
            missing.append(ind.name)
            continue
        value = _decimal(value, "score")
        if not (Decimal(0) <= value <= full):
            out_of_range.append(ind.name)
            continue
        total += weight * value / full
    problems = []
    if missing:
        problems.append(_("以下指标尚未评分：%(names)s") % {"names": "、".join(missing)})
    if out_of_range:
        problems.append(_("以下指标的得分超出0至满分的范围：%(names)s") % {"names": "、".join(out_of_range)})
    if problems:
        raise ValueError("；".join(problems))
    return total.quantize(TWO, rounding=ROUND_HALF_UP)


# ---- bands and the proposed grade -------------------------------------------------------------------------
class Band(NamedTuple):
    """A grade band of the round: the grade, its lower threshold, and an optional quota in percent."""

    grade: str
    min_score: Decimal
    quota_percent: Decimal | None = None


def bands_from(rows: Iterable[Any]) -> list[Band]:
    """`Band`s from anything with grade, min_score and quota_percent (the round's `GradeBand` rows)."""
    return [Band(r.grade, r.min_score, r.quota_percent) for r in rows]


def bands_problems(bands: Iterable[Band | tuple]) -> list[str]:
    """What is wrong with a set of bands, in Chinese (empty when they can be used).

    Each grade at most once; thresholds not negative and strictly falling from 优秀 to 不合格; a quota between 0
    and 100 %, and none on the lowest band (there is no band below it to drop to).
    """
    bands = [Band(*b) for b in bands]
    if not bands:
        return [_("尚未设置等次分数线。")]
    problems = []
    seen: set[str] = set()
    for band in bands:
        if band.grade not in GRADE_ORDER:
            raise ValueError(f"unknown grade: {band.grade!r}")
        _decimal(band.min_score, "min_score")
        if band.grade in seen:
            problems.append(_("等次“%(grade)s”重复设置。") % {"grade": _label(band.grade)})
        seen.add(band.grade)
        if band.min_score < 0:
            problems.append(_("等次“%(grade)s”的分数线不能为负数。") % {"grade": _label(band.grade)})
        if band.quota_percent is not None and not (
            0 <= _decimal(band.quota_percent, "quota_percent") <= HUNDRED
        ):
            problems.append(_("等次“%(grade)s”的比例上限应在0至100%%之间。") % {"grade": _label(band.grade)})
    ordered = sorted(bands, key=lambda b: GRADE_ORDER.index(b.grade))
    for better, worse in zip(ordered, ordered[1:], strict=False):
        if better.grade != worse.grade and better.min_score <= worse.min_score:
            problems.append(
                _("分数线应随等次降低而降低：“%(better)s”（%(a)s分）应高于“%(worse)s”（%(b)s分）。")
                % {
                    "better": _label(better.grade),
                    "a": better.min_score,
                    "worse": _label(worse.grade),
                    "b": worse.min_score,
                }
            )
    if ordered[-1].quota_percent is not None:
        problems.append(
            _("最低一档“%(grade)s”不能设置比例上限：没有更低的等次可以调整。")
            % {"grade": _label(ordered[-1].grade)}
        )
    return problems


def _checked(bands: Iterable[Band | tuple]) -> list[Band]:
    bands = [Band(*b) for b in bands]
    problems = bands_problems(bands)
    if problems:
        raise ValueError("；".join(problems))
    return sorted(bands, key=lambda b: GRADE_ORDER.index(b.grade))  # best first, thresholds falling


def _band_of(total: Decimal, bands: Sequence[Band]) -> str:
    for band in bands:
        if total >= band.min_score:
            return Grade(band.grade)
    return Grade.FAIL


def grade_propose(total: Decimal | None, bands: Iterable[Band | tuple], *, vetoed: bool) -> str:
    """The grade the bands give `total` (≥ a threshold reaches its band; below them all → 不合格); a veto item
    hit forces 不合格. Raises ValueError when the bands are unusable (see `bands_problems`)."""
    bands = _checked(bands)
    if vetoed:
        return Grade.FAIL
    if total is None:
        raise ValueError("a total score is needed unless a veto item was hit")
    return _band_of(_decimal(total, "total"), bands)


# ---- a whole round: proposals and quotas ------------------------------------------------------------------
@dataclass(frozen=True)
class Entry:
    """One base in the round. `forced_fail` is why it is 不合格 whatever its score (a veto item hit, e.g.
    「一票否决：发生重大安全事故」, or the round's late rule 「未按时提交」); its total may then be None."""

    key: Any
    total: Decimal | None
    forced_fail: str = ""
    tiebreak: tuple[Decimal, ...] = ()  # compared after the total, highest first (e.g. a key indicator)


@dataclass
class Placement:
    key: Any
    total: Decimal | None
    proposed: str  # by the bands (or 不合格 when forced)
    grade: str  # after the quotas
    reasons: list[str] = field(default_factory=list)

    @property
    def explanation(self) -> str:
        return "；".join(self.reasons)


def quota_limit(count: int, quota_percent: Decimal) -> int:
    """At most ⌊count × quota ÷ 100⌋ bases (≤ 20 % of 18 is 3)."""
    return int(
        (Decimal(count) * _decimal(quota_percent, "quota_percent") / HUNDRED).to_integral_value(ROUND_FLOOR)
    )


def round_grades(entries: Iterable[Entry], bands: Iterable[Band | tuple]) -> list[Placement]:
    """Every base's proposed grade and its grade after the quotas, in the order of `entries`."""
    bands = _checked(bands)
    entries = list(entries)
    keys = [e.key for e in entries]
    if len(set(keys)) != len(keys):
        raise ValueError("each entry needs its own key")
    placements, rank_of = [], {}
    for e in entries:
        if e.forced_fail:
            placements.append(Placement(e.key, e.total, Grade.FAIL, Grade.FAIL, [e.forced_fail]))
            continue
        if e.total is None:
            raise ValueError(f"entry {e.key!r} has no total and no reason to fail")
        total = _decimal(e.total, "total")
        rank_of[e.key] = (total, *(_decimal(t, "tiebreak") for t in e.tiebreak))
        grade = _band_of(total, bands)
        placements.append(Placement(e.key, total, grade, grade))
    if len({len(r) for r in rank_of.values()}) > 1:
        raise ValueError("every entry needs the same number of tie-break values")
    count = len(entries)
    for i, band in enumerate(bands):
        if band.quota_percent is None:
            continue
        limit = quota_limit(count, band.quota_percent)
        members = sorted(
            (p for p in placements if p.grade == band.grade and p.key in rank_of),
            key=lambda p: rank_of[p.key],
            reverse=True,
        )
        if len(members) <= limit:
            continue
        keep = limit
        while keep > 0 and rank_of[members[keep - 1].key] == rank_of[members[keep].key]:
            keep -= 1  # the limit falls inside a group of equals: the whole group drops
        tied = rank_of[members[limit].key] if keep < limit else None
        below = bands[i + 1].grade
        facts = {
            "grade": _label(band.grade),
            "quota": _percent(band.quota_percent),
            "count": count,
            "limit": limit,
            "below": _label(below),
        }
        for p in members[keep:]:
            facts["position"] = 1 + sum(1 for m in members if rank_of[m.key] > rank_of[p.key])
            facts["total"] = _fmt(p.total)
            reason = _("%(grade)s名额上限为参评基地的%(quota)s%%（%(count)d个基地，至多%(limit)d个）") % facts
            if rank_of[p.key] == tied:
                reason += (
                    _(
                        "；本基地在%(grade)s中排第%(position)d名（总分%(total)s），与排在第%(limit)d位的基地"
                        "同分，同分不拆分，一并调整为%(below)s"
                    )
                    % facts
                )
            else:
                reason += (
                    _("；本基地在%(grade)s中排第%(position)d名（总分%(total)s），调整为%(below)s") % facts
                )
            p.grade = Grade(below)
            p.reasons.append(reason)
    return placements
