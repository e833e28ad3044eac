"""The ledger: append-only rows, exact Decimal amounts, one row per idempotency key, repayments capped by what was
disbursed, reversals instead of edits; totals equal the sum of their rows in every grouping (PostgreSQL, thousands
of rows); two concurrent identical posts record one row."""

from __future__ import annotations

import random
import threading
from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.db.models import Sum

from pilotbase.models import Base
from pilotbase.reference_data import ensure_loaded
from subsidies.models import LedgerEntry, LedgerImmutable, LedgerKind, SupportKind
from subsidies.services.ledger import ledger_post, source_totals
from tests import factories as f

pytestmark = pytest.mark.django_db

D = Decimal


def _base(n: int = 0, city: str = "nanning") -> Base:
    ensure_loaded()
    org = f.ApplicantOrgFactory()
    return Base.objects.create(name=f"台账测试中试研究基地{n}", lead_unit=org, city=f.city(city), industry=f.industry(),
                               platform_type=f.platform_type(), batch=1, certified_on=date(2022, 3, 1))


def _grant(base: Base, amount: str = "1000000.00") -> Base:
    """The source of the rows: any record will do for the ledger (the grant records build on it)."""
    return base


def _post(grant, kind, amount, key, **kw):
    return ledger_post(base=grant, kind=kind, support=SupportKind.CONSTRUCTION, amount=amount, year=2026,
                       occurred_on=date(2026, 5, 1), source=grant, actor=None, idempotency_key=key, **kw)


def test_a_float_never_enters_an_amount():
    grant = _grant(_base())
    with pytest.raises(TypeError):
        _post(grant, LedgerKind.DISBURSEMENT, 0.1 + 0.2, "f")
    row = _post(grant, LedgerKind.DISBURSEMENT, D("0.1") + D("0.2"), "d")
    row.refresh_from_db()
    assert row.amount == D("0.30") and isinstance(row.amount, Decimal)


@pytest.mark.parametrize("amount", [D("0"), D("-1.00"), D("1.001")])
def test_non_positive_or_sub_cent_amounts_are_refused(amount):
    with pytest.raises(ValidationError):
        _post(_grant(_base()), LedgerKind.DISBURSEMENT, amount, "x")
    assert not LedgerEntry.objects.exists()


def test_the_same_key_records_one_row():
    grant = _grant(_base())
    first = _post(grant, LedgerKind.DISBURSEMENT, D("500000.00"), "grant-1-disburse")
    again = _post(grant, LedgerKind.DISBURSEMENT, D("500000.00"), "grant-1-disburse")
    assert again.pk == first.pk and LedgerEntry.objects.count() == 1


def test_rows_are_never_edited_or_deleted():
    row = _post(_grant(_base()), LedgerKind.DISBURSEMENT, D("10.00"), "k")
    row.amount = D("20.00")
    with pytest.raises(LedgerImmutable):
        row.save()
    with pytest.raises(LedgerImmutable):
        row.delete()
    row.refresh_from_db()
    assert row.amount == D("10.00")


def test_repayments_never_above_what_was_disbursed():
    grant = _grant(_base())
    _post(grant, LedgerKind.DISBURSEMENT, D("300.00"), "d")
    _post(grant, LedgerKind.REPAYMENT, D("200.00"), "r1")
    with pytest.raises(ValidationError, match="尚可缴回 100.00"):
        _post(grant, LedgerKind.REPAYMENT, D("100.01"), "r2")
    _post(grant, LedgerKind.REPAYMENT, D("100.00"), "r3")
    assert source_totals(source_type_id=LedgerEntry.objects.first().source_type_id, source_id=grant.pk)[
        LedgerKind.REPAYMENT] == D("300.00")


def test_a_correction_is_a_reversal_of_one_row_once():
    grant = _grant(_base())
    wrong = _post(grant, LedgerKind.DISBURSEMENT, D("120.00"), "d")
    with pytest.raises(ValidationError):  # a reversal needs the same amount and a reason
        _post(grant, LedgerKind.REVERSAL, D("100.00"), "rv0", reverses=wrong, reason="金额录错")
    with pytest.raises(ValidationError):
        _post(grant, LedgerKind.REVERSAL, D("120.00"), "rv1", reverses=wrong)
    _post(grant, LedgerKind.REVERSAL, D("120.00"), "rv2", reverses=wrong, reason="金额录错")
    with pytest.raises(ValidationError):
        _post(grant, LedgerKind.REVERSAL, D("120.00"), "rv3", reverses=wrong, reason="再冲一次")
    totals = source_totals(source_type_id=wrong.source_type_id, source_id=grant.pk)
    assert totals[LedgerKind.DISBURSEMENT] == D("0.00")
    with pytest.raises(ValidationError):  # nothing disbursed after the reversal: nothing to repay
        _post(grant, LedgerKind.REPAYMENT, D("1.00"), "r")


@pytest.mark.postgres
def test_totals_equal_the_sum_of_their_rows_in_every_grouping():
    rng = random.Random(20261203)
    cities = ["nanning", "liuzhou", "guilin"]
    bases = [_base(i, cities[i % 3]) for i in range(30)]
    grants = [_grant(b, "9999999.99") for b in bases]
    ctype = LedgerEntry._meta.get_field("source_type").related_model.objects.get_for_model(Base)
    rows = []
    for i in range(3000):
        g = rng.choice(grants)
        cents = rng.randint(1, 10_000_000)
        rows.append(LedgerEntry(base=g, kind=rng.choice([LedgerKind.GRANT, LedgerKind.DISBURSEMENT]),
                                support=rng.choice(SupportKind.values), year=rng.choice([2024, 2025, 2026]),
                                amount=D(cents) / 100, occurred_on=date(2026, 1, 1), source_type=ctype,
                                source_id=g.pk, idempotency_key=f"bulk-{i}"))
    LedgerEntry.objects.bulk_create(rows)
    exact = sum((r.amount for r in rows), D("0"))
    assert LedgerEntry.objects.aggregate(t=Sum("amount"))["t"] == exact
    for group in (("year",), ("base__city",), ("base__industry",), ("base__platform_type",), ("kind",),
                  ("support",), ("year", "base__city", "kind")):
        grouped = LedgerEntry.objects.values(*group).annotate(t=Sum("amount")).order_by()
        by_hand: dict = {}
        for r in LedgerEntry.objects.select_related("base").iterator():
            key = tuple(_attr(r, g) for g in group)
            by_hand[key] = by_hand.get(key, D("0")) + r.amount
        assert {tuple(g[k] for k in group): g["t"] for g in grouped} == by_hand
        assert sum(by_hand.values(), D("0")) == exact


def _attr(row, path: str):
    if path.startswith("base__"):
        return getattr(row.base, path.removeprefix("base__") + "_id")
    return getattr(row, path)


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_concurrent_identical_posts_record_one_row():
    grant = _grant(_base())
    _post(grant, LedgerKind.DISBURSEMENT, D("800.00"), "d")
    barrier, results, errors = threading.Barrier(2), [], []

    def go():
        try:
            barrier.wait()
            results.append(_post(grant, LedgerKind.REPAYMENT, D("500.00"), "repay-form-token-1").pk)
        except Exception as exc:  # noqa: BLE001 - reported below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=go) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == [] and len(set(results)) == 1
    assert LedgerEntry.objects.filter(kind=LedgerKind.REPAYMENT).count() == 1
