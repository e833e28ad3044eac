"""追回: opening (the default amount from the ledger, another amount with a reason), payments as REPAYMENT rows
never above what is outstanding with the state following the sum, write-off with four eyes, the 「待追回」 list."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from pilotbase.models import TransitionLog
from pilotbase.workflow import WorkflowError
from subsidies.models import LedgerEntry, LedgerKind, Recovery, RecoveryOrigin, RecoveryState, SupportKind
from subsidies.selectors import recovery as sel
from subsidies.services import recovery as svc

from .recovery_world import build, post

pytestmark = pytest.mark.django_db
D = Decimal


def _open(w, **kw):
    kw.setdefault("due_on", timezone.localdate() + timedelta(days=60))
    return svc.recovery_open_for_revocation(revocation=w.revocation, actor=w.staff, **kw)


def test_the_default_amount_is_what_the_base_received_in_the_period_net_of_reversals():
    w = build()
    r = _open(w)
    # certified 2023-06-01 → revoked 2026-06-30: 600,000 + 200,000 (the reversed 50,000 and the later 90,000 not)
    assert (r.period_from, r.period_to) == (date(2023, 6, 1), date(2026, 6, 30))
    assert r.received == r.amount == D("800000.00")
    assert r.state == RecoveryState.OPEN and r.origin == RecoveryOrigin.REVOCATION and r.amount_reason == ""
    assert r.revocation == w.revocation


def test_another_amount_needs_a_reason():
    w = build()
    with pytest.raises(WorkflowError, match="金额调整理由"):
        _open(w, amount=D("500000.00"))
    r = _open(w, amount=D("500000.00"), amount_reason="按项目实际使用比例追回。")
    assert r.amount == D("500000.00") and r.received == D("800000.00")


def test_a_revocation_is_recovered_once():
    w = build()
    _open(w)
    with pytest.raises(WorkflowError, match="已开立追回"):
        _open(w)


def test_payments_are_repayment_rows_and_the_state_follows_the_sum():
    w = build()
    r = _open(w)
    today = timezone.localdate()
    r = svc.recovery_repay(recovery=r, actor=w.staff, amount=D("300000.00"), paid_on=today, document_no="缴款-1")
    assert r.state == RecoveryState.PARTLY_REPAID and r.repaid == D("300000.00") and r.outstanding == D("500000")
    row = LedgerEntry.objects.get(document_no="缴款-1")
    assert (row.kind, row.support, row.amount, row.source) == (LedgerKind.REPAYMENT, SupportKind.RECOVERY,
                                                               D("300000.00"), r)
    # the same document again is the same payment: one row
    svc.recovery_repay(recovery=r, actor=w.staff, amount=D("300000.00"), paid_on=today, document_no="缴款-1")
    assert LedgerEntry.objects.filter(kind=LedgerKind.REPAYMENT).count() == 1
    with pytest.raises(WorkflowError, match="不能超过尚未缴回的500,000.00元"):
        svc.recovery_repay(recovery=r, actor=w.staff, amount=D("500000.01"), paid_on=today, document_no="缴款-2")
    r = svc.recovery_repay(recovery=r, actor=w.staff, amount=D("500000.00"), paid_on=today, document_no="缴款-2")
    assert r.state == RecoveryState.SETTLED and r.outstanding == 0
    with pytest.raises(WorkflowError):
        svc.recovery_repay(recovery=r, actor=w.staff, amount=D("1.00"), paid_on=today, document_no="缴款-3")
    names = list(TransitionLog.objects.filter(record_id=r.pk, transition__in=["repay", "settle"])
                 .values_list("transition", flat=True).order_by("id"))
    assert names == ["repay", "repay", "settle"]


def test_the_ledger_itself_refuses_a_repayment_above_the_recovery():
    from django.core.exceptions import ValidationError

    from subsidies.services.ledger import ledger_post

    w = build()
    r = _open(w, amount=D("1000.00"), amount_reason="部分追回。")
    with pytest.raises(ValidationError):
        ledger_post(base=r.base, kind=LedgerKind.REPAYMENT, support=SupportKind.RECOVERY, amount=D("1000.01"),
                    year=2026, occurred_on=timezone.localdate(), source=r, actor=w.staff, idempotency_key="x")


def test_adjusting_needs_a_reason_never_goes_below_what_was_repaid_and_settles_at_it():
    w = build()
    r = _open(w)
    r = svc.recovery_repay(recovery=r, actor=w.staff, amount=D("100000.00"), paid_on=timezone.localdate(),
                           document_no="缴款-1")
    with pytest.raises(WorkflowError, match="金额调整理由"):
        svc.recovery_adjust(recovery=r, actor=w.staff, amount=D("200000"), reason=" ", due_on=r.due_on)
    with pytest.raises(WorkflowError, match="不能低于已缴回"):
        svc.recovery_adjust(recovery=r, actor=w.staff, amount=D("99999.99"), reason="核减", due_on=r.due_on)
    r = svc.recovery_adjust(recovery=r, actor=w.staff, amount=D("100000.00"), reason="经核定仅追回运行奖补部分。",
                            due_on=r.due_on)
    assert r.state == RecoveryState.SETTLED and r.amount_reason == "经核定仅追回运行奖补部分。"


def test_write_off_needs_a_second_staff_member_and_records_the_outstanding_amount():
    w = build()
    r = _open(w)
    r = svc.recovery_repay(recovery=r, actor=w.staff, amount=D("100000.00"), paid_on=timezone.localdate(),
                           document_no="缴款-1")
    with pytest.raises(WorkflowError, match="核销理由"):
        svc.recovery_propose_write_off(recovery=r, actor=w.staff, reason="")
    r = svc.recovery_propose_write_off(recovery=r, actor=w.staff, reason="单位已注销，无法追回。")
    assert r.state == RecoveryState.WRITE_OFF_PROPOSED
    with pytest.raises(PermissionDenied):
        svc.recovery_approve_write_off(recovery=r, actor=w.staff)
    r = svc.recovery_approve_write_off(recovery=r, actor=w.colleague, opinion="同意核销。")
    assert r.state == RecoveryState.WRITTEN_OFF and r.written_off_by == w.colleague
    wo = LedgerEntry.objects.get(kind=LedgerKind.WRITE_OFF)
    assert (wo.amount, wo.support, wo.source) == (D("700000.00"), SupportKind.RECOVERY, r)


@pytest.mark.parametrize(("repaid", "back_to"), [(None, RecoveryState.OPEN), ("1.00", RecoveryState.PARTLY_REPAID)])
def test_a_rejected_write_off_goes_back_to_where_the_sum_says(repaid, back_to):
    w = build()
    r = _open(w)
    if repaid:
        r = svc.recovery_repay(recovery=r, actor=w.staff, amount=D(repaid), paid_on=timezone.localdate(),
                               document_no="缴款-1")
    r = svc.recovery_propose_write_off(recovery=r, actor=w.staff, reason="无法追回。")
    r = svc.recovery_reject_write_off(recovery=r, actor=w.colleague, opinion="继续追缴。")
    assert r.state == back_to and r.write_off_proposed_by is None


def test_construction_part_can_open_a_recovery_for_its_grant():
    from evaluations.models import EvaluationResult

    w = build(revoked=False)
    b = w.bases["a"]
    # the construction part passes its grant: any saved record with its `base` (here a result stands in for it)
    grant = EvaluationResult.objects.create(base=b, year=2024, grade="fail")
    r = svc.recovery_open_for_construction(subsidy=grant, actor=w.staff, due_on=date(2027, 1, 31),
                                           reason="建设未完成。", period_from=date(2024, 1, 1),
                                           period_to=date(2024, 12, 31))
    assert r.origin == RecoveryOrigin.CONSTRUCTION and r.amount == D("600000.00") and r.source == grant
    with pytest.raises(WorkflowError, match="已开立追回"):
        svc.recovery_open_for_construction(subsidy=grant, actor=w.staff, due_on=date(2027, 1, 31), reason="再次。",
                                           period_from=date(2024, 1, 1), period_to=date(2024, 12, 31))


def test_a_revoked_base_with_funds_is_on_staffs_list_until_a_recovery_is_opened():
    w = build()
    post(w.bases["b"], LedgerKind.GRANT, "1.00", actor=w.staff)  # a grant is not money received
    from .recovery_world import revoke

    revoke(w, w.bases["b"])
    listed = sel.to_recover(w.staff)
    assert [r.base for r in listed] == [w.bases["a"]] and listed[0].disbursed == D("890000.00")
    assert sel.to_recover(w.authority) == []
    _open(w)
    assert sel.to_recover(w.staff) == []


def test_who_reads_which_recoveries():
    w = build()
    r = _open(w)
    assert list(sel.recoveries_visible(w.staff)) == [r]
    assert list(sel.recoveries_visible(w.authority)) == [r]
    assert list(sel.recoveries_visible(w.users["a"])) == [r]
    assert list(sel.recoveries_visible(w.users["partner"])) == [r]
    for outsider in (w.other_authority, w.users["b"], w.users["far"], w.agency):
        assert not sel.recoveries_visible(outsider).exists()
    assert Recovery.objects.count() == 1
