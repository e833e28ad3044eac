"""Expert panels (专家组), shared by every stage that seats experts: the random draw (专家随机抽取), the
conflict-of-interest rules (回避) and the panel score. Pure: nothing here touches the database.

A stage describes what is being reviewed with generic facts (`SubjectFacts`: the lead unit and its partners,
the industry, the commissioned agency, who already holds a seat, and the words its reasons use), builds the
pool with `pilotbase.expert_pool.expert_facts`, calls `draw_panel` with a seed and stores the whole
`DrawResult` (seed, candidates, exclusions and why, notes), so anyone can re-run the draw from the recorded seed
and pool and get the same experts. The assessment stage (评估论证) reviews an application (lead = 申报单位);
the annual evaluation (绩效考核) reviews a base (lead = 牵头单位).

Draw rules, in order:
1. Exclude (with a Chinese reason) every expert who is not available, works for the lead unit or a partner,
   works for the commissioned agency, declared a conflict with the lead unit or a partner, or already holds a
   seat (any state) on this subject. An excluded expert is never drawn.
2. One technical expert who knows the subject's industry (fallback: any technical expert, and the fallback is
   written into `notes`).
3. At least one expert of every other kind (management, financial) when the pool has one.
4. Fill the remaining seats at random from everyone left.
A redraw (`kind=` given) draws one replacement of that kind, preferring the subject's industry for a technical
seat.

The panel score is `panel_score(totals, rule=…)`: the plain mean, or the trimmed mean (去掉一个最高分和一个最低分)
once at least `TRIM_MIN_EXPERTS` experts have scored. The rule is a setting of the stage (the call, the round).
"""

from __future__ import annotations

import random
import secrets
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.db import models
from django.utils.translation import gettext_lazy as _

TECHNICAL = "technical"
KIND_ORDER = ("technical", "management", "financial")  # the values of pilotbase.models.ExpertKind
KIND_LABELS = {"technical": "技术专家", "management": "管理专家", "financial": "财务专家"}
TRIM_MIN_EXPERTS = 5
TWO = Decimal("0.01")


@dataclass(frozen=True)
class SubjectNouns:
    """How the recorded reasons and notes name the subject and its lead unit (kept in Chinese in the record)."""

    subject: str  # 本项目 / 本基地
    lead: str  # 申报单位 / 牵头单位


APPLICATION_NOUNS = SubjectNouns(subject="本项目", lead="申报单位")
BASE_NOUNS = SubjectNouns(subject="本基地", lead="牵头单位")


@dataclass(frozen=True)
class ExpertFacts:
    id: int
    kind: str
    organization_id: int | None
    industries: frozenset[int] = frozenset()
    conflicts: frozenset[int] = frozenset()  # organisations the expert declared a conflict with
    available: bool = True


@dataclass(frozen=True, kw_only=True)
class SubjectFacts:
    """What is reviewed, as far as the draw cares: its organisations, its industry, who already sits."""

    lead_id: int
    nouns: SubjectNouns
    partner_ids: frozenset[int] = frozenset()
    industry_id: int | None = None
    seated: frozenset[int] = frozenset()
    agency_id: int | None = None  # the commissioned agency, which runs the review: its people do not score


@dataclass
class DrawResult:
    seed: str
    size: int
    drawn: list[int]
    candidates: list[int]
    exclusions: list[dict]
    criteria: dict
    notes: list[str] = field(default_factory=list)


def seed_new() -> str:
    """A fresh random seed, stored as text in the draw record."""
    return secrets.token_hex(8)


def exclusion_reasons(expert: ExpertFacts, facts: SubjectFacts) -> list[str]:
    """Why `expert` may not sit on this subject's panel (回避 and availability); empty when eligible."""
    lead = facts.nouns.lead
    org = expert.organization_id
    reasons = []
    if expert.id in facts.seated:
        reasons.append(f"已在{facts.nouns.subject}专家组中（含已谢绝、已回避）")
    if not expert.available:
        reasons.append("暂不可参加评审")
    if org is not None and org == facts.lead_id:
        reasons.append(f"所在单位为{lead}，须回避")
    if org is not None and org in facts.partner_ids:
        reasons.append("所在单位为联合共建单位，须回避")
    if org is not None and org == facts.agency_id:
        reasons.append("受托评估机构人员，须回避")
    if facts.lead_id in expert.conflicts:
        reasons.append(f"已申明与{lead}存在利益关系，须回避")
    if expert.conflicts & facts.partner_ids:
        reasons.append("已申明与共建单位存在利益关系，须回避")
    return reasons


def _pick(rng: random.Random, ids: list[int]) -> int:
    return ids[rng.randrange(len(ids))]


def draw_panel(
    pool: Iterable[ExpertFacts],
    facts: SubjectFacts,
    seed: str,
    size: int = 5,
    *,
    kind: str | None = None,
) -> DrawResult:
    """Draw `size` experts (or one of `kind` for a redraw). Same seed + same pool → same result."""
    experts = sorted(pool, key=lambda e: e.id)  # input order must not change the outcome
    exclusions, eligible = [], []
    for expert in experts:
        reasons = exclusion_reasons(expert, facts)
        if reasons:
            exclusions.append({"expert": expert.id, "reason": "；".join(reasons)})
        else:
            eligible.append(expert)
    rng = random.Random(f"pilotbase-draw:{seed}")
    notes: list[str] = []
    drawn: list[int] = []

    def take(candidates: list[ExpertFacts]) -> None:
        ids = [e.id for e in candidates if e.id not in drawn]
        if ids:
            drawn.append(_pick(rng, ids))

    def technical_first(kind_pool: list[ExpertFacts]) -> None:
        matching = [
            e for e in kind_pool if facts.industry_id is not None and facts.industry_id in e.industries
        ]
        if matching:
            take(matching)
        elif kind_pool:
            notes.append(
                f"候选专家中没有熟悉{facts.nouns.subject}产业领域的技术专家，已从其他技术专家中抽取。"
            )
            take(kind_pool)

    by_kind = {k: [e for e in eligible if e.kind == k] for k in KIND_ORDER}
    if kind is not None:
        target = 1
        if kind == TECHNICAL:
            technical_first(by_kind.get(kind, []))
        else:
            take([e for e in eligible if e.kind == kind])
        if not drawn:
            notes.append(f"候选专家中已没有符合条件的{KIND_LABELS.get(kind, kind)}，未能补抽。")
    else:
        target = size
        technical_first(by_kind[TECHNICAL])
        if not by_kind[TECHNICAL]:
            notes.append("候选专家中没有符合条件的技术专家。")
        for k in KIND_ORDER[1:]:
            if len(drawn) >= size:
                break
            if by_kind[k]:
                take(by_kind[k])
            else:
                notes.append(f"候选专家中没有符合条件的{KIND_LABELS[k]}。")
        rest = [e.id for e in eligible if e.id not in drawn]
        need = max(0, size - len(drawn))
        drawn.extend(rng.sample(rest, min(need, len(rest))))
        if len(drawn) < size:
            notes.append(f"符合条件的专家不足，仅抽取 {len(drawn)} 人（应抽 {size} 人）。")
    criteria = {
        "size": target,
        "kind": kind,
        "industry": facts.industry_id,
        "lead": facts.lead_id,
        "partners": sorted(facts.partner_ids),
        "agency": facts.agency_id,
        "seated": sorted(facts.seated),
        "rules": f"每类专家至少一名；至少一名熟悉产业领域的技术专家；回避{facts.nouns.lead}、共建单位、受托评估机构及申明利益关系的专家",
    }
    return DrawResult(
        seed=seed,
        size=target,
        drawn=drawn,
        candidates=[e.id for e in eligible],
        exclusions=exclusions,
        criteria=criteria,
        notes=notes,
    )


# ---- panel score ------------------------------------------------------------------------------------------
class ScoreRule(models.TextChoices):
    """How the experts' totals become the panel's score (a setting of the call or the round)."""

    MEAN = "mean", _("算术平均")
    TRIMMED = "trimmed", _("去掉一个最高分和一个最低分后平均（5 名及以上专家时）")


def panel_score(totals: Iterable[Decimal | int], *, rule: str) -> Decimal | None:
    """The panel's score from the experts' totals, rounded half-up to two decimals; None without a total.

    `ScoreRule.MEAN`: the plain mean. `ScoreRule.TRIMMED`: with `TRIM_MIN_EXPERTS` (5) or more totals the single
    highest and the single lowest are dropped and the rest averaged; with fewer, the plain mean. Decimal only:
    a float is refused (its binary value would leak into the score).
    """
    if rule not in ScoreRule.values:
        raise ValueError(f"unknown panel score rule: {rule!r}")
    values = []
    for total in totals:
        if isinstance(total, float | bool) or not isinstance(total, Decimal | int):
            raise TypeError(f"panel_score takes Decimal totals, not {type(total).__name__}")
        values.append(Decimal(total))
    if not values:
        return None
    values.sort()
    if rule == ScoreRule.TRIMMED and len(values) >= TRIM_MIN_EXPERTS:
        values = values[1:-1]
    return (sum(values, Decimal("0")) / len(values)).quantize(TWO, rounding=ROUND_HALF_UP)
