"""追回 services (《实施方案》六.(三)): open a recovery for a base (after a revocation, or for a construction grant
closed as not completed), adjust its amount with a reason, record each payment received (a REPAYMENT ledger row,
never above what is outstanding; the state follows the sum), propose a write-off and have a second staff member
approve it (a WRITE_OFF ledger row of the outstanding amount); every change a declared transition through
`transition_run` (logged), the base told through `notify` (docs/subsidies.md, 追回)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.db.models import Q, Sum
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from pilotbase.documents import official_language
from pilotbase.formats import cn_date
from pilotbase.models import Base, User
from pilotbase.money import amount as money
from pilotbase.money import parse_amount
from pilotbase.notifications import notify
from pilotbase.recipients import unit_users
from pilotbase.workflow import WorkflowError, creation_log, decided, transition_run

from ..models import LedgerEntry, LedgerKind, Recovery, RecoveryOrigin, RecoveryState, SupportKind
from ..models.recovery import OUTSTANDING_STATES
from .ledger import ledger_post, source_totals

ZERO = Decimal("0.00")
KIND_OPENED = "recovery.opened"
OPEN_LABEL = gettext_lazy("开立追回")  # the creation's row in the log
FUNDED = (SupportKind.CONSTRUCTION, SupportKind.OPERATING)  # the regional funds a base receives


def funds_received(*, base: Base, period_from: date, period_to: date) -> Decimal:
    """The regional funds the base received in the period: its disbursements (建设支持, 运行奖补) dated in it, net
    of the reversals that took any back. One aggregate."""
    rows = LedgerEntry.objects.filter(base=base, occurred_on__range=(period_from, period_to))
    row = rows.aggregate(
        disbursed=Sum("amount", filter=Q(kind=LedgerKind.DISBURSEMENT, support__in=FUNDED)),
        reversed=Sum("reverses__amount", filter=Q(kind=LedgerKind.REVERSAL, reverses__kind=LedgerKind.DISBURSEMENT,
                                                   reverses__support__in=FUNDED,
                                                   reverses__occurred_on__range=(period_from, period_to))),
    )
    return (row["disbursed"] or ZERO) - (row["reversed"] or ZERO)


def default_period(*, base: Base, until: date | None = None) -> tuple[date, date]:
    """From the base's certification to the revocation (or today)."""
    until = until or timezone.localdate()
    start = base.certified_on or until
    return min(start, until), until


def _amount(value: Any) -> Decimal:
    return parse_amount(str(value) if isinstance(value, Decimal) else value)


def _tell(recovery: Recovery) -> None:
    notify(recipients=unit_users(recovery.base), kind=KIND_OPENED, template="recovery_opened",
           url=reverse("subsidies:recovery_detail", args=[recovery.pk]),
           context={"recovery": recovery, "amount": money(recovery.amount)})


@transaction.atomic
def recovery_open(
    *, base: Base, actor: User, origin: str, period_from: date, period_to: date, due_on: date, reason: str,
    amount: Any = None, amount_reason: str = "", revocation=None, source=None,
) -> Recovery:
    """Open a recovery: the amount defaults to the funds received in the period (another amount needs a reason)."""
    reason, amount_reason = (reason or "").strip(), (amount_reason or "").strip()
    if not reason:
        raise WorkflowError(_("请填写追回理由。"))
    if period_from > period_to:
        raise WorkflowError(_("资金期间的起始日期不能晚于截止日期。"))
    if origin not in RecoveryOrigin.values:
        raise WorkflowError(_("请选择追回事由。"))
    if revocation is not None:
        Base.objects.select_for_update().filter(pk=base.pk).exists()
        if Recovery.objects.filter(revocation=revocation).exists():
            raise WorkflowError(_("该撤销认定已开立追回。"))
        if revocation.base_id != base.pk:
            raise WorkflowError(_("撤销认定与中试基地不一致。"))
    received = funds_received(base=base, period_from=period_from, period_to=period_to)
    value = received if amount in (None, "") else _amount(amount)
    if value <= 0:
        raise WorkflowError(_("应缴回金额须大于零：该基地在所选期间没有拨付记录，请填写金额和理由。"))
    if value != received and not amount_reason:
        raise WorkflowError(_("应缴回金额与期间内拨付资金（%(received)s元）不同，请填写金额调整理由。")
                            % {"received": money(received)})
    if value == received:
        amount_reason = ""
    kwargs: dict[str, Any] = {}
    if source is not None:
        kwargs = {"source_type": ContentType.objects.get_for_model(source), "source_id": source.pk}
        if Recovery.objects.filter(**kwargs).exists():
            raise WorkflowError(_("该项目已开立追回。"))
    recovery = Recovery.objects.create(
        base=base, origin=origin, revocation=revocation, period_from=period_from, period_to=period_to,
        received=received, amount=value, amount_reason=amount_reason, due_on=due_on, reason=reason,
        created_by=actor, **kwargs)
    with official_language():
        comment = _("应缴回%(amount)s元，%(due)s前缴回：%(reason)s") % {
            "amount": money(value), "due": cn_date(due_on), "reason": reason}
    creation_log(record=recovery, subject=base, actor=actor, label=OPEN_LABEL,
                 comment=f"{comment}（{amount_reason}）" if amount_reason else comment)
    _tell(recovery)
    return recovery


def recovery_open_for_revocation(*, revocation, actor: User, due_on: date, reason: str = "", amount: Any = None,
                                 amount_reason: str = "", period_from: date | None = None,
                                 period_to: date | None = None) -> Recovery:
    """A recovery after a confirmed revocation: by default the funds received from certification to revocation."""
    base = revocation.base
    start, end = default_period(base=base, until=revocation.revoked_on)
    return recovery_open(
        base=base, actor=actor, origin=RecoveryOrigin.REVOCATION, revocation=revocation,
        period_from=period_from or start, period_to=period_to or end, due_on=due_on,
        reason=reason or _("撤销认定，追回已拨付的财政资金：%(why)s") % {"why": revocation.reason},
        amount=amount, amount_reason=amount_reason)


def recovery_open_for_construction(*, subsidy, actor: User, due_on: date, reason: str, period_from: date,
                                   period_to: date, amount: Any = None, amount_reason: str = "") -> Recovery:
    """For the construction part: a grant closed as not completed (`subsidy` has `base`; one recovery per grant).
    The default amount is the funds the base received in the period the caller names (e.g. the grant's window)."""
    return recovery_open(
        base=subsidy.base, actor=actor, origin=RecoveryOrigin.CONSTRUCTION, source=subsidy,
        period_from=period_from, period_to=period_to, due_on=due_on, reason=reason, amount=amount,
        amount_reason=amount_reason)


def _repaid_sum(recovery: Recovery) -> Decimal:
    ctype = ContentType.objects.get_for_model(Recovery)
    return source_totals(source_type_id=ctype.pk, source_id=recovery.pk)[LedgerKind.REPAYMENT]


@decided
def recovery_adjust(*, recovery: Recovery, actor: User, amount: Any, reason: str, due_on: date,
                    expected_state: str | None = None) -> Recovery:
    """调整应缴回金额 (and the due date), with a reason; never below what was repaid. Settles when it meets it."""
    value = _amount(amount)
    reason = (reason or "").strip()
    if not reason:
        raise WorkflowError(_("请填写金额调整理由。"))
    if value <= 0:
        raise WorkflowError(_("应缴回金额须大于零。"))
    repaid = _repaid_sum(recovery)
    if value < repaid:
        raise WorkflowError(_("应缴回金额不能低于已缴回的%(repaid)s元。") % {"repaid": money(repaid)})
    comment = _("%(old)s元 → %(new)s元：%(reason)s") % {"old": money(recovery.amount), "new": money(value),
                                                       "reason": reason}
    recovery = transition_run(instance=recovery, name="adjust", actor=actor, subject=recovery.base,
                              expected_state=expected_state, comment=comment,
                              args={"amount": value, "reason": reason, "due_on": due_on})
    if recovery.outstanding <= 0:
        recovery = transition_run(instance=recovery, name="settle", actor=actor, subject=recovery.base)
    return recovery


@decided
def recovery_repay(*, recovery: Recovery, actor: User, amount: Any, paid_on: date, document_no: str,
                   idempotency_key: str = "", expected_state: str | None = None) -> Recovery:
    """登记缴回: a REPAYMENT ledger row (idempotency key: a double submit records one; never above what is
    outstanding), then the state follows the sum (部分缴回, or 已缴清 when it reaches the amount)."""
    value = _amount(amount)
    document_no = (document_no or "").strip()
    if value <= 0:
        raise WorkflowError(_("缴回金额须大于零。"))
    if not document_no:
        raise WorkflowError(_("请填写缴款凭证号。"))
    if paid_on > timezone.localdate():
        raise WorkflowError(_("缴回日期不能晚于今天。"))
    if recovery.state not in OUTSTANDING_STATES:
        raise WorkflowError(_("当前状态“%(state)s”下不能登记缴回。") % {"state": recovery.get_state_display()})
    key = idempotency_key or f"recovery-{recovery.pk}-repayment-{document_no}"
    with transaction.atomic():
        locked = Recovery.objects.select_for_update().get(pk=recovery.pk)
        already = LedgerEntry.objects.filter(idempotency_key=key).exists()
        if not already and value > locked.amount - _repaid_sum(locked):
            raise WorkflowError(_("缴回金额不能超过尚未缴回的%(left)s元。")
                                % {"left": money(locked.amount - _repaid_sum(locked))})
        ledger_post(base=locked.base, kind=LedgerKind.REPAYMENT, support=SupportKind.RECOVERY, amount=value,
                    year=paid_on.year, occurred_on=paid_on, source=locked, actor=actor, idempotency_key=key,
                    document_no=document_no, reason=_("追回缴回：%(base)s") % {"base": locked.base.name})
        if already:
            return locked
        total = _repaid_sum(locked)
        comment = _("缴回%(amount)s元（%(no)s），累计%(total)s元") % {
            "amount": money(value), "no": document_no, "total": money(total)}
        locked = transition_run(instance=locked, name="repay", actor=actor, subject=locked.base,
                                expected_state=expected_state, comment=comment, args={"repaid": total})
        if locked.outstanding <= 0:
            locked = transition_run(instance=locked, name="settle", actor=actor, subject=locked.base)
    return locked


@decided
def recovery_propose_write_off(*, recovery: Recovery, actor: User, reason: str,
                               expected_state: str | None = None) -> Recovery:
    reason = (reason or "").strip()
    if not reason:
        raise WorkflowError(_("请填写核销理由。"))
    return transition_run(instance=recovery, name="propose_write_off", actor=actor, subject=recovery.base,
                          expected_state=expected_state, comment=reason, args={"reason": reason})


@decided
def recovery_approve_write_off(*, recovery: Recovery, actor: User, opinion: str = "",
                               expected_state: str | None = None) -> Recovery:
    """批准核销 (not by the proposer: 403): a WRITE_OFF ledger row of what is outstanding."""
    opinion = (opinion or "").strip()
    recovery = transition_run(instance=recovery, name="approve_write_off", actor=actor, subject=recovery.base,
                              expected_state=expected_state, comment=opinion, args={"opinion": opinion})
    left = recovery.outstanding
    if left > 0:
        ledger_post(base=recovery.base, kind=LedgerKind.WRITE_OFF, support=SupportKind.RECOVERY, amount=left,
                    year=timezone.localdate().year, occurred_on=timezone.localdate(), source=recovery, actor=actor,
                    idempotency_key=f"recovery-{recovery.pk}-write-off", reason=recovery.write_off_reason)
    return recovery


@decided
def recovery_reject_write_off(*, recovery: Recovery, actor: User, opinion: str,
                              expected_state: str | None = None) -> Recovery:
    opinion = (opinion or "").strip()
    if not opinion:
        raise WorkflowError(_("请填写退回意见。"))
    name = "reject_write_off_partly" if recovery.repaid > 0 else "reject_write_off"
    return transition_run(instance=recovery, name=name, actor=actor, subject=recovery.base,
                          expected_state=expected_state, comment=opinion, args={"opinion": opinion})


def recovery_state_after(recovery: Recovery) -> str:
    """What the state should be from the sum (a check for tests and the page)."""
    if recovery.state not in OUTSTANDING_STATES:
        return recovery.state
    return RecoveryState.SETTLED if recovery.outstanding <= 0 else (
        RecoveryState.PARTLY_REPAID if recovery.repaid > 0 else RecoveryState.OPEN)
