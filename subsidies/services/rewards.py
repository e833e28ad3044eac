"""运行奖补 services: build a year's reward list from an evaluation year, adjust it, submit it, approve it (a second
staff member), disburse it; every change a declared transition through `transition_run` (logged), the money rows
through `ledger_post`, the bases told through `notify` (docs/subsidies.md, 运行奖补)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from evaluations.models import EvaluationRound, RoundState
from pilotbase.documents import official_language
from pilotbase.models import User
from pilotbase.money import amount as money
from pilotbase.money import parse_amount
from pilotbase.notifications import notify
from pilotbase.recipients import unit_users
from pilotbase.workflow import StaleState, WorkflowError, creation_log, decided, transition_run

from ..models import (
    LedgerKind,
    RewardLine,
    RewardLineState,
    RewardTier,
    RewardYear,
    RewardYearState,
    SupportKind,
)
from ..models.rewards import RewardGrade
from ..reward_rules import reward_eligibility
from ..rules import may_manage_subsidies
from ..selectors.rewards import construction_supported_ids, reward_candidates
from .ledger import event_day, event_moment, ledger_post

ZERO = Decimal("0.00")
KIND_APPROVED = "reward.approved"
KIND_DISBURSED = "reward.disbursed"
CREATE_LABEL = gettext_lazy("生成运行奖补名单")  # the creation's row in the log
PUBLISHED_ROUND_STATES = (RoundState.PUBLISHED, RoundState.CLOSED)


def reference_date_of(*, evaluation_year: int, round: EvaluationRound | None) -> date:
    """The day the year after certification is judged on: the round's reference date, else 31 December."""
    return round.reference_date if round is not None else date(evaluation_year, 12, 31)


def _money(value: Any, *, allow_zero: bool = True) -> Decimal:
    if isinstance(value, Decimal):
        return parse_amount(str(value), allow_zero=allow_zero)
    return parse_amount(value, allow_zero=allow_zero)


def _tiers_amounts(reward_year: RewardYear) -> dict[str, Decimal]:
    return dict(reward_year.tiers.values_list("grade", "amount"))


def _lines_build(reward_year: RewardYear) -> None:
    """(Re)compute every line from the rule: new bases get a line, bases no longer in the year lose theirs, a line
    keeps the amount staff decided (with its reason) while its base stays eligible; otherwise the tiers' amount."""
    facts = reward_candidates(evaluation_year=reward_year.evaluation_year, round=reward_year.round)
    supported = construction_supported_ids([f.base_id for f in facts], on=reward_year.reference_date)
    results = reward_eligibility(facts, reference_date=reward_year.reference_date, min_grade=reward_year.min_grade,
                                 supported_ids=supported)
    tiers = _tiers_amounts(reward_year)
    grades = {f.base_id: f.grade or "" for f in facts}
    existing = {line.base_id: line for line in reward_year.lines.all()}
    reward_year.lines.exclude(base_id__in=[f.base_id for f in facts]).delete()
    new = []
    for e in results:
        proposed = tiers.get(grades[e.base_id], ZERO) if e.eligible else ZERO
        values = {"grade": grades[e.base_id], "eligible": e.eligible, "supported": e.supported,
                  "year_after": e.year_after, "rule": e.rule[:200], "reasons": e.why, "proposed_amount": proposed}
        line = existing.get(e.base_id)
        if line is None:
            new.append(RewardLine(reward_year=reward_year, base_id=e.base_id, amount=proposed, **values))
            continue
        keep = e.eligible and line.eligible and line.adjust_reason.strip()
        for field, value in values.items():
            setattr(line, field, value)
        if not keep:
            line.amount, line.adjust_reason, line.adjusted_by, line.adjusted_at = proposed, "", None, None
        line.save()
    RewardLine.objects.bulk_create(new)


def _validate(*, evaluation_year: int, round: EvaluationRound | None, min_grade: str, tiers: dict) -> None:
    if round is not None:
        if round.state not in PUBLISHED_ROUND_STATES:
            raise WorkflowError(_("请选择已公布结果的年度绩效考核。"))
        if round.year != evaluation_year:
            raise WorkflowError(_("考核年度须与所选年度绩效考核的年度一致。"))
    if min_grade not in RewardGrade.values:
        raise WorkflowError(_("最低考核等次须为优秀、良好或合格。"))
    if set(tiers) - set(RewardGrade.values):
        raise WorkflowError(_("奖补档次只能按优秀、良好、合格设置。"))


def _tiers_save(reward_year: RewardYear, tiers: dict[str, Any]) -> None:
    for grade, value in tiers.items():
        if value is None or value == "":
            reward_year.tiers.filter(grade=grade).delete()
            continue
        RewardTier.objects.update_or_create(reward_year=reward_year, grade=grade,
                                            defaults={"amount": _money(value)})


@transaction.atomic
def reward_year_create(
    *, actor: User, evaluation_year: int, round: EvaluationRound | None, year: int, min_grade: str, budget: Any,
    tiers: dict[str, Any], note: str = "",
) -> RewardYear:
    """A draft reward list for an evaluation year (its published round, or the imported results of a year before
    the portal), with the year's settings, and every base's line computed."""
    _validate(evaluation_year=evaluation_year, round=round, min_grade=min_grade, tiers=tiers)
    if RewardYear.objects.filter(evaluation_year=evaluation_year).exists():
        raise WorkflowError(_("%(year)s年度的运行奖补名单已存在。") % {"year": evaluation_year})
    reward_year = RewardYear.objects.create(
        evaluation_year=evaluation_year, round=round, year=year, min_grade=min_grade, budget=_money(budget),
        reference_date=reference_date_of(evaluation_year=evaluation_year, round=round), note=note,
        created_by=actor,
    )
    _tiers_save(reward_year, tiers)
    _lines_build(reward_year)
    with official_language():
        comment = _("依据%(year)s年度绩效考核结果，预算%(budget)s元") % {
            "year": evaluation_year, "budget": money(reward_year.budget)}
    creation_log(record=reward_year, actor=actor, label=CREATE_LABEL,
                 comment=f"{comment}：{note.strip()}" if (note or "").strip() else comment)
    return reward_year


@transaction.atomic
def reward_year_update(
    *, reward_year: RewardYear, actor: User, year: int, min_grade: str, budget: Any, tiers: dict[str, Any],
    note: str = "",
) -> RewardYear:
    """Change a draft list's settings and compute the lines again (an adjusted amount stays while its base is
    still eligible)."""
    reward_year = RewardYear.objects.select_for_update().get(pk=reward_year.pk)
    if reward_year.state != RewardYearState.DRAFT:
        raise WorkflowError(_("名单已提交审批，不能再修改设置。"))
    _validate(evaluation_year=reward_year.evaluation_year, round=reward_year.round, min_grade=min_grade,
              tiers=tiers)
    reward_year.year, reward_year.min_grade, reward_year.budget, reward_year.note = (
        year, min_grade, _money(budget), note)
    reward_year.save(update_fields=["year", "min_grade", "budget", "note"])
    _tiers_save(reward_year, tiers)
    _lines_build(reward_year)
    return reward_year


@transaction.atomic
def reward_year_refresh(*, reward_year: RewardYear, actor: User) -> RewardYear:
    """Compute the draft list again from the results and the construction support as they are now (staff: 403
    for anyone else; not a transition, so the page cannot ask a declaration)."""
    if not may_manage_subsidies(actor):
        raise PermissionDenied(_("您没有权限执行该操作。"))
    reward_year = RewardYear.objects.select_for_update().get(pk=reward_year.pk)
    if reward_year.state != RewardYearState.DRAFT:
        raise WorkflowError(_("名单已提交审批，不能再重新核算。"))
    _lines_build(reward_year)
    return reward_year


@decided
def reward_line_adjust(
    *, line: RewardLine, actor: User, amount: Any, reason: str, expected_state: str | None = None
) -> RewardLine:
    """调整奖补金额, with a reason (logged with the old and new amount)."""
    value = _money(amount)
    reason = (reason or "").strip()
    if not reason:
        raise WorkflowError(_("请填写调整理由。"))
    old = line.amount
    comment = _("%(old)s元 → %(new)s元：%(reason)s") % {"old": money(old), "new": money(value), "reason": reason}
    return transition_run(instance=line, name="adjust", actor=actor, subject=line.base,
                          expected_state=expected_state, comment=comment,
                          args={"amount": value, "reason": reason})


@decided
def reward_budget_override(
    *, reward_year: RewardYear, actor: User, reason: str, expected_state: str | None = None
) -> RewardYear:
    reason = (reason or "").strip()
    if not reason:
        raise WorkflowError(_("请填写超出预算的理由。"))
    return transition_run(instance=reward_year, name="override_budget", actor=actor, expected_state=expected_state,
                          comment=reason, args={"reason": reason})


@decided
def reward_year_propose(*, reward_year: RewardYear, actor: User, expected_state: str | None = None) -> RewardYear:
    return transition_run(instance=reward_year, name="propose", actor=actor, expected_state=expected_state)


@decided
def reward_year_return(
    *, reward_year: RewardYear, actor: User, opinion: str, expected_state: str | None = None
) -> RewardYear:
    opinion = (opinion or "").strip()
    if not opinion:
        raise WorkflowError(_("请填写退回意见。"))
    return transition_run(instance=reward_year, name="return_draft", actor=actor, expected_state=expected_state,
                          comment=opinion, args={"opinion": opinion})


def _url(reward_year: RewardYear) -> str:
    return reverse("subsidies:reward_year_detail", args=[reward_year.pk])


def _tell(line: RewardLine, *, template: str, kind: str) -> None:
    notify(recipients=unit_users(line.base), kind=kind, template=template,
           url=reverse("evaluations:base_detail", args=[line.base_id]), context={"line": line,
                                                                                 "year": line.reward_year})


def _paid_lines(reward_year: RewardYear):
    return reward_year.lines.filter(eligible=True, amount__gt=0).select_related("base", "reward_year")


@decided
def reward_year_approve(
    *, reward_year: RewardYear, actor: User, opinion: str = "", document_no: str = "",
    approved_on: date | None = None, expected_state: str | None = None,
) -> RewardYear:
    """批准 (not by the proposer: the declared condition refuses it, the page answers 403) on `approved_on` (the
    decision's day, default today): each line with an amount gets its GRANT ledger row dated that day, and each
    base is told."""
    approved_on = event_day(approved_on)
    approved = transition_run(instance=reward_year, name="approve", actor=actor, expected_state=expected_state,
                              comment=opinion, args={"opinion": (opinion or "").strip(),
                                                     "document_no": (document_no or "").strip(),
                                                     "approved_at": event_moment(approved_on)})
    for line in _paid_lines(approved):
        ledger_post(base=line.base, kind=LedgerKind.GRANT, support=SupportKind.OPERATING, amount=line.amount,
                    year=approved.year, occurred_on=approved_on, source=line, actor=actor,
                    idempotency_key=f"reward-line-{line.pk}-grant", document_no=approved.document_no,
                    reason=_("%(year)s年度运行奖补") % {"year": approved.evaluation_year})
        _tell(line, template="reward_approved", kind=KIND_APPROVED)
    return approved


def _line_disburse(line: RewardLine, *, actor: User, disbursed_on: date, document_no: str,
                   expected_state: str | None = None) -> RewardLine:
    line = transition_run(instance=line, name="disburse", actor=actor, subject=line.base,
                          expected_state=expected_state, args={"disbursed_on": disbursed_on,
                                                               "document_no": document_no})
    ledger_post(base=line.base, kind=LedgerKind.DISBURSEMENT, support=SupportKind.OPERATING, amount=line.amount,
                year=line.reward_year.year, occurred_on=disbursed_on, source=line, actor=actor,
                idempotency_key=f"reward-line-{line.pk}-disbursement", document_no=document_no,
                reason=_("%(year)s年度运行奖补拨付") % {"year": line.reward_year.evaluation_year})
    _tell(line, template="reward_disbursed", kind=KIND_DISBURSED)
    return line


def _check_disbursement(disbursed_on: date, document_no: str) -> str:
    document_no = (document_no or "").strip()
    if not document_no:
        raise WorkflowError(_("请填写拨付文号或凭证号。"))
    if disbursed_on > timezone.localdate():
        raise WorkflowError(_("拨付日期不能晚于今天。"))
    return document_no


@decided
def reward_line_disburse(
    *, line: RewardLine, actor: User, disbursed_on: date, document_no: str, expected_state: str | None = None
) -> RewardLine:
    """登记拨付 of one line (its DISBURSEMENT ledger row; the base is told); the last one completes the year."""
    document_no = _check_disbursement(disbursed_on, document_no)
    line = _line_disburse(line, actor=actor, disbursed_on=disbursed_on, document_no=document_no,
                          expected_state=expected_state)
    reward_year = line.reward_year
    if not _paid_lines(reward_year).filter(state=RewardLineState.OPEN).exists():
        transition_run(instance=reward_year, name="disburse", actor=actor,
                       args={"disbursed_on": disbursed_on, "document_no": document_no})
    return line


@decided
def reward_year_disburse(
    *, reward_year: RewardYear, actor: User, disbursed_on: date, document_no: str,
    expected_state: str | None = None,
) -> RewardYear:
    """全部拨付: every open line with an amount on the same date and document, then the year."""
    document_no = _check_disbursement(disbursed_on, document_no)
    reward_year = RewardYear.objects.select_for_update().get(pk=reward_year.pk)
    if expected_state is not None and reward_year.state != expected_state:
        raise StaleState(_("该记录已被他人处理（当前状态：%(state)s），请刷新页面后再操作。")
                         % {"state": reward_year.get_state_display()})
    if reward_year.state != RewardYearState.APPROVED:
        raise WorkflowError(_("名单尚未批准，不能登记拨付。"))
    for line in _paid_lines(reward_year).filter(state=RewardLineState.OPEN).order_by("pk"):
        line.reward_year = reward_year
        _line_disburse(line, actor=actor, disbursed_on=disbursed_on, document_no=document_no)
    return transition_run(instance=reward_year, name="disburse", actor=actor, expected_state=expected_state,
                          args={"disbursed_on": disbursed_on, "document_no": document_no})
