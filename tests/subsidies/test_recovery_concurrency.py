"""On PostgreSQL: two concurrent payments of one recovery — the same payment twice records one row; two payments
that together exceed what is outstanding record one and refuse the other."""

from __future__ import annotations

import threading
from decimal import Decimal

import pytest
from django.db import connection
from django.utils import timezone

from pilotbase.workflow import WorkflowError
from subsidies.models import LedgerEntry, LedgerKind, Recovery, RecoveryState
from subsidies.services import recovery as svc

from .recovery_world import build

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]
D = Decimal


def _race(recovery: Recovery, actor, payments: list[tuple[str, str]]) -> tuple[list, list]:
    barrier, results, errors = threading.Barrier(len(payments)), [], []

    def go(amount: str, document_no: str):
        try:
            barrier.wait()
            results.append(svc.recovery_repay(recovery=Recovery.objects.get(pk=recovery.pk), actor=actor,
                                              amount=D(amount), paid_on=timezone.localdate(),
                                              document_no=document_no))
        except WorkflowError as exc:
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=go, args=p) for p in payments]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return results, errors


def test_the_same_payment_twice_at_once_records_one_row():
    w = build()
    r = svc.recovery_open_for_revocation(revocation=w.revocation, actor=w.staff, due_on=timezone.localdate())
    results, errors = _race(r, w.staff, [("300000.00", "缴款-1"), ("300000.00", "缴款-1")])
    assert errors == [] and len(results) == 2
    assert LedgerEntry.objects.filter(kind=LedgerKind.REPAYMENT).count() == 1
    r.refresh_from_db()
    assert (r.state, r.repaid) == (RecoveryState.PARTLY_REPAID, D("300000.00"))


def test_two_payments_above_the_outstanding_amount_record_one():
    w = build()
    r = svc.recovery_open_for_revocation(revocation=w.revocation, actor=w.staff, due_on=timezone.localdate())
    results, errors = _race(r, w.staff, [("500000.00", "缴款-1"), ("500000.00", "缴款-2")])
    assert len(results) == 1 and len(errors) == 1 and "不能超过尚未缴回" in str(errors[0])
    assert LedgerEntry.objects.filter(kind=LedgerKind.REPAYMENT).count() == 1
    r.refresh_from_db()
    assert r.repaid == D("500000.00")
