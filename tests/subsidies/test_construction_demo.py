"""The demo's 建设支持: the newly built platforms of the later batches receive construction grants through the
services (proposed by one staff member, approved by another, disbursed): one closed as completed, one past its
window and overdue, one in its window with spending reported; the ledger adds up; a second run changes nothing."""

from decimal import Decimal

import pytest
from django.utils import timezone

from evaluations import demo as evaluations_demo
from subsidies import demo
from subsidies.models import ConstructionGrant, LedgerEntry, LedgerKind, SupportKind

pytestmark = pytest.mark.django_db


@pytest.mark.slow  # the import of three batches
def test_demo_construction_grants():
    from pilotbase.demo import seed_core

    core = seed_core()
    evaluations_demo.seed(core)
    demo.seed_construction(core)
    demo.seed_construction(core)  # once
    grants = {g.base.name: g for g in ConstructionGrant.objects.select_related("base")}
    assert set(grants) == {evaluations_demo.base_name(t) for t in evaluations_demo.PLATFORMS}
    assert all(g.proposed_by_id != g.approved_by_id for g in grants.values())
    closed = grants[evaluations_demo.base_name("海洋装备")]
    overdue = grants[evaluations_demo.base_name("桉木家居")]
    open_ = grants[evaluations_demo.base_name("六堡茶")]
    today = timezone.localdate()
    assert closed.state == "completed" and closed.spending.count() == 2
    assert overdue.window_ends_on < today and overdue.state == "disbursed"
    assert open_.window_ends_on > today and open_.spending.count() == 2
    rows = LedgerEntry.objects.filter(support=SupportKind.CONSTRUCTION)
    assert rows.filter(kind=LedgerKind.GRANT).count() == 3
    assert sum(r.amount for r in rows.filter(kind=LedgerKind.DISBURSEMENT)) == Decimal("7500000")
    for g in grants.values():  # each row carries the day of its event: approved before it was paid, not today
        granted = rows.get(kind=LedgerKind.GRANT, source_id=g.pk)
        paid = rows.get(kind=LedgerKind.DISBURSEMENT, source_id=g.pk)
        assert granted.occurred_on == timezone.localtime(g.approved_at).date() < paid.occurred_on == g.disbursed_on
