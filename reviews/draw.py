"""Random expert panel draw (专家随机抽取): pure, deterministic given the seed and the pool.

Nothing here touches the database. The service builds `ExpertFacts` and `ApplicationFacts` from
the models, calls `draw_panel`, and stores the whole `DrawResult` in a PanelDraw row, so anyone
can re-run the draw from the recorded seed and pool and get the same experts.

Rules, in order:
1. Exclude (with a Chinese reason) every expert who is not available, works for the applicant or
   a consortium partner, works for the commissioned agency, declared a conflict with the applicant
   or a partner, or already holds a seat (any state) on this assessment. An excluded expert is never drawn.
2. One technical expert who knows the application's industry (fallback: any technical expert,
   and the fallback is written into `notes`).
3. At least one expert of every other kind (management, financial) when the pool has one.
4. Fill the remaining seats at random from everyone left.
A redraw (`kind=` given) draws one replacement of that kind, preferring the application's
industry for a technical seat.
"""

from __future__ import annotations

import random
import secrets
from collections.abc import Iterable
from dataclasses import dataclass, field

TECHNICAL = "technical"
KIND_ORDER = ("technical", "management", "financial")
KIND_LABELS = {"technical": "技术专家", "management": "管理专家", "financial": "财务专家"}


@dataclass(frozen=True)
class ExpertFacts:
    id: int
    kind: str
    organization_id: int | None
    industries: frozenset[int] = frozenset()
    conflicts: frozenset[int] = frozenset()
    available: bool = True


@dataclass(frozen=True)
class ApplicationFacts:
    applicant_id: int
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


def exclusion_reasons(expert: ExpertFacts, facts: ApplicationFacts) -> list[str]:
    reasons = []
    if expert.id in facts.seated:
        reasons.append("已在本项目专家组中（含已谢绝、已回避）")
    if not expert.available:
        reasons.append("暂不可参加评审")
    if expert.organization_id is not None and expert.organization_id == facts.applicant_id:
        reasons.append("所在单位为申报单位，须回避")
    if expert.organization_id is not None and expert.organization_id in facts.partner_ids:
        reasons.append("所在单位为联合共建单位，须回避")
    if expert.organization_id is not None and expert.organization_id == facts.agency_id:
        reasons.append("受托评估机构人员，须回避")
    if facts.applicant_id in expert.conflicts:
        reasons.append("已申明与申报单位存在利益关系，须回避")
    if expert.conflicts & facts.partner_ids:
        reasons.append("已申明与共建单位存在利益关系，须回避")
    return reasons


def _pick(rng: random.Random, ids: list[int]) -> int:
    return ids[rng.randrange(len(ids))]


def draw_panel(
    pool: Iterable[ExpertFacts], application_facts: ApplicationFacts, seed: str, size: int = 5, *,
    kind: str | None = None,
) -> DrawResult:
    """Draw `size` experts (or one of `kind` for a redraw). Same seed + same pool → same result."""
    experts = sorted(pool, key=lambda e: e.id)  # input order must not change the outcome
    facts = application_facts
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
        matching = [e for e in kind_pool if facts.industry_id is not None and facts.industry_id in e.industries]
        if matching:
            take(matching)
        elif kind_pool:
            notes.append("候选专家中没有熟悉本项目产业领域的技术专家，已从其他技术专家中抽取。")
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
        "size": target, "kind": kind, "industry": facts.industry_id, "applicant": facts.applicant_id,
        "partners": sorted(facts.partner_ids), "agency": facts.agency_id, "seated": sorted(facts.seated),
        "rules": "每类专家至少一名；至少一名熟悉产业领域的技术专家；回避申报单位、共建单位、受托评估机构及申明利益关系的专家",
    }
    return DrawResult(seed=seed, size=target, drawn=drawn, candidates=[e.id for e in eligible],
                      exclusions=exclusions, criteria=criteria, notes=notes)
