"""Reads of 运行奖补, scoped to the user who asks (what the user may not see does not exist: 404).

- department staff: every reward year and line;
- a recommending authority: every reward year (read only), and on a year's page only its region's bases (the
  bases evaluations.selectors_bases.bases_visible_to gives it);
- a base's own units: their lines only, on the base's page (hooks/rewards.py), never the year's page;
- the agency, experts and the public: nothing.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from django.db.models import Count, OuterRef, Q, QuerySet, Subquery, Sum
from django.http import Http404

from evaluations.models import EvaluationResult, PriorSupport
from evaluations.selectors_bases import bases_visible_to
from pilotbase.models import Base
from pilotbase.rules import is_authority, is_staff_side

from ..models import LedgerEntry, LedgerKind, RewardLine, RewardYear, SupportKind
from ..reward_rules import BaseFacts

ZERO = Decimal("0.00")
LINE_RELATED = ("base", "base__lead_unit", "adjusted_by", "disbursed_by")


def reward_years_visible(user: Any) -> QuerySet[RewardYear]:
    if is_staff_side(user) or is_authority(user):
        return RewardYear.objects.all()
    return RewardYear.objects.none()


def reward_year_list(user: Any) -> QuerySet[RewardYear]:
    """The list's rows with their figures for the user's scope (eligible lines, their total): one query."""
    scope = Q(lines__eligible=True)
    if not is_staff_side(user):
        scope &= Q(lines__base__in=bases_visible_to(user).values("pk"))
    return (
        reward_years_visible(user)
        .select_related("round", "proposed_by", "approved_by")
        .annotate(n_eligible=Count("lines", filter=scope), line_total=Sum("lines__amount", filter=scope))
        .order_by("-evaluation_year")
    )


def reward_year_get(user: Any, pk: int) -> RewardYear:
    year = reward_years_visible(user).select_related("round", "proposed_by", "approved_by").filter(pk=pk).first()
    if year is None:
        raise Http404
    return year


def reward_lines(user: Any, year: RewardYear) -> QuerySet[RewardLine]:
    """The year's lines the user may see (an authority: its region's), with what the page shows: one query."""
    qs = year.lines.select_related(*LINE_RELATED)
    if not is_staff_side(user):
        qs = qs.filter(base__in=bases_visible_to(user).values("pk"))
    return qs.order_by("-eligible", "-amount", "base__batch", "base_id")


def reward_line_get(user: Any, year: RewardYear, pk: int) -> RewardLine:
    line = reward_lines(user, year).filter(pk=pk).first()
    if line is None:
        raise Http404
    line.reward_year = year
    return line


def reward_totals(lines: QuerySet[RewardLine]) -> dict[str, Any]:
    """Eligible count, total proposed by the tiers, total decided, total disbursed: one aggregated query."""
    row = lines.order_by().aggregate(
        n_eligible=Count("id", filter=Q(eligible=True)),
        n_ineligible=Count("id", filter=Q(eligible=False)),
        proposed=Sum("proposed_amount", filter=Q(eligible=True)),
        total=Sum("amount", filter=Q(eligible=True)),
        disbursed=Sum("amount", filter=Q(state="disbursed")),
        n_to_disburse=Count("id", filter=Q(eligible=True, amount__gt=0, state="open")),
    )
    return {k: (v if v is not None else ZERO) for k, v in row.items()}


def base_reward_lines(base: Base) -> QuerySet[RewardLine]:
    """A base's own lines, every year (the base's page panel)."""
    return base.reward_lines.select_related("reward_year").order_by("-reward_year__evaluation_year")


# ---- what the rule reads ----------------------------------------------------------------------------------------
def reward_candidates(*, evaluation_year: int, round: Any = None) -> list[BaseFacts]:
    """Every base with a result for the year, and every base the round included (with or without a result): one
    query, the grade by a subquery."""
    grade = Subquery(EvaluationResult.objects.filter(base=OuterRef("pk"), year=evaluation_year).values("grade")[:1])
    scope = Q(evaluation_results__year=evaluation_year)
    if round is not None:
        scope |= Q(round_entries__round=round, round_entries__included=True)
    rows = (
        Base.objects.filter(scope).distinct().annotate(grade=grade).order_by("batch", "id")
        .values_list("pk", "certified_on", "state", "grade")
    )
    return [BaseFacts(base_id=pk, certified_on=c, state=s, grade=g) for pk, c, s, g in rows]


def construction_supported_ids(base_ids: list[int], *, on: date) -> set[int]:
    """The bases with construction support by `on`: a 建设支持 disbursement in the ledger that is not reversed
    (a disbursed construction grant of this app), or a PriorSupport row (imported from before the portal)."""
    prior = PriorSupport.objects.filter(base_id__in=base_ids, year__lte=on.year).values_list("base_id", flat=True)
    disbursed = (
        LedgerEntry.objects.filter(
            base_id__in=base_ids, support=SupportKind.CONSTRUCTION, kind=LedgerKind.DISBURSEMENT,
            occurred_on__lte=on, reversed_by__isnull=True,
        ).values_list("base_id", flat=True)
    )
    return set(prior) | set(disbursed)


def reward_year_next_step(year: RewardYear, totals: dict[str, Any]) -> str:
    """One sentence on the year's page: who holds the list now and what is awaited (`totals`: `reward_totals` of
    the lines the user reads)."""
    from django.utils.translation import gettext as _
    from django.utils.translation import ngettext

    from ..models import RewardYearState

    if year.state == RewardYearState.DRAFT:
        return _("编制中：科技厅核对名单和金额后提交审批。")
    if year.state == RewardYearState.PROPOSED:
        return _("待审批：由提交人以外的科技厅工作人员审批。")
    if year.state == RewardYearState.APPROVED:
        n = totals["n_to_disburse"]
        return ngettext("已批准，等待科技厅登记拨付：尚有 %(n)d 个基地未拨付。",
                        "已批准，等待科技厅登记拨付：尚有 %(n)d 个基地未拨付。", n) % {"n": n}
    return _("已全部拨付，无待办事项。")
