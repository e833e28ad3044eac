"""追回 reminders with a frozen clock: 30, 7 and 1 days before the due date and once when overdue, each once, to
the base's lead unit; a settled recovery is not reminded; a moved due date reminds again."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core import mail
from django.utils import timezone

from pilotbase import registry
from pilotbase.models import Notification, Reminder
from subsidies.services import recovery as svc
from subsidies.services.recovery_reminders import KIND_OVERDUE, recovery_reminders_sweep

from .recovery_world import build

pytestmark = pytest.mark.django_db
DUE = date(2027, 3, 31)


def _frozen(monkeypatch, day: date) -> None:
    monkeypatch.setattr(timezone, "localdate", lambda *a, **k: day)


def test_reminders_on_the_right_days_once_each(monkeypatch, django_capture_on_commit_callbacks):
    w = build()
    r = svc.recovery_open_for_revocation(revocation=w.revocation, actor=w.staff, due_on=DUE)
    sweep = registry.sweepers()
    sent_on = {}
    for offset in range(-40, 6):
        day = DUE + timedelta(days=offset)
        _frozen(monkeypatch, day)
        with django_capture_on_commit_callbacks(execute=True):
            first = sum(s() for s in sweep)
            again = sum(s() for s in sweep)
        assert again == 0, day
        if first:
            sent_on[offset] = first
    assert sent_on == {-30: 1, -7: 1, -1: 1, 1: 1}  # to the lead unit's one user (the partner is not reminded)
    user = w.users["a"]
    keys = sorted(Reminder.objects.filter(recipient=user).values_list("key", flat=True))
    assert keys == sorted(f"recovery-due:{r.pk}:{s}:{DUE.isoformat()}:{user.pk}" for s in ("30", "7", "1", "overdue"))
    subjects = [m.subject for m in mail.outbox if m.to == [user.email]]
    assert sum("期限将至" in s for s in subjects) == 3 and sum("已逾期" in s for s in subjects) == 1
    assert any(w.bases["a"].name in s for s in subjects)
    body = next(m.body for m in mail.outbox if "已逾期" in m.subject)
    assert "800,000.00元未缴回" in body
    assert Notification.objects.filter(recipient=user, kind=KIND_OVERDUE).count() == 1


def test_a_sweep_that_was_down_catches_up_with_the_smallest_due_and_a_new_date_reminds_again():
    w = build()
    r = svc.recovery_open_for_revocation(revocation=w.revocation, actor=w.staff, due_on=DUE)
    assert recovery_reminders_sweep(today=DUE - timedelta(days=5)) == 1
    assert Reminder.objects.get().key.startswith(f"recovery-due:{r.pk}:7:")
    assert recovery_reminders_sweep(today=DUE - timedelta(days=3)) == 0
    later = DUE + timedelta(days=30)
    svc.recovery_adjust(recovery=r, actor=w.staff, amount=r.amount, reason="延期缴回。", due_on=later)
    assert recovery_reminders_sweep(today=later - timedelta(days=30)) == 1


def test_a_settled_recovery_is_not_reminded(monkeypatch):
    w = build()
    r = svc.recovery_open_for_revocation(revocation=w.revocation, actor=w.staff, due_on=DUE)
    _frozen(monkeypatch, DUE - timedelta(days=40))
    svc.recovery_repay(recovery=r, actor=w.staff, amount=Decimal("800000.00"), paid_on=DUE - timedelta(days=40),
                       document_no="缴款-1")
    assert recovery_reminders_sweep(today=DUE - timedelta(days=7)) == 0
    assert recovery_reminders_sweep(today=DUE + timedelta(days=1)) == 0
