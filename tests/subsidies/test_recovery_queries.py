"""Query counts of the 追回 pages: the list (staff with its 「待追回」 rows, the authority, a base's unit) and a
recovery's page with its ledger rows and log are the same with four rows as with one (after a warm-up request)."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from subsidies.models import LedgerKind, RecoveryOrigin
from subsidies.services import recovery as svc
from tests.queries import assert_constant as _grows

from .recovery_world import build, make_base, post, revoke

pytestmark = pytest.mark.django_db


@pytest.fixture
def w():
    return build(revoked=False)


def _adder(w):
    n = iter(range(100))
    due = timezone.localdate() + timedelta(days=30)

    def add(k):
        for _ in range(k):
            i = next(n)
            base = make_base(f"追回列表{i}", w.users["a"].organization)
            svc.recovery_open(base=base, actor=w.staff, origin=RecoveryOrigin.CONSTRUCTION,
                              period_from=date(2024, 1, 1), period_to=date(2024, 12, 31), due_on=due,
                              reason="建设未完成。", amount=Decimal("100.00"), amount_reason="核定。")

    return add


@pytest.mark.parametrize("who", ["staff", "authority", "unit"])
def test_recovery_list(client, w, who):
    client.force_login({"staff": w.staff, "authority": w.authority, "unit": w.users["a"]}[who])
    _grows(client, reverse("subsidies:recovery_list"), _adder(w), 'id="recovery-')


def test_to_recover_rows(client, w):
    client.force_login(w.staff)
    n = iter(range(100))

    def add(k):
        for _ in range(k):
            base = make_base(f"待追回{next(n)}", w.users["b"].organization)
            post(base, LedgerKind.DISBURSEMENT, "1000.00", actor=w.staff)
            revoke(w, base)

    _grows(client, reverse("subsidies:recovery_list"), add, "?revocation=")


def test_recovery_page(client, w):
    a = w.bases["a"]
    r = svc.recovery_open(base=a, actor=w.staff, origin=RecoveryOrigin.CONSTRUCTION, period_from=date(2024, 1, 1),
                          period_to=date(2026, 12, 31), due_on=timezone.localdate() + timedelta(days=30),
                          reason="建设未完成。")
    n = iter(range(100))

    def add(k):
        for _ in range(k):
            svc.recovery_repay(recovery=r, actor=w.staff, amount=Decimal("1.00"), paid_on=timezone.localdate(),
                               document_no=f"缴款-{next(n)}")

    client.force_login(w.staff)
    _grows(client, reverse("subsidies:recovery_detail", args=[r.pk]), add, "<td>缴款-")
