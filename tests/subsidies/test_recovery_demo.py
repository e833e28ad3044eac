"""The demo's 追回: the revoked base's recovery, partly repaid (a REPAYMENT row in the ledger); a second run changes
nothing."""

import pytest

from evaluations import demo as evaluations_demo
from evaluations import demo_rounds
from subsidies import demo
from subsidies.models import LedgerEntry, LedgerKind, Recovery, RecoveryState

pytestmark = pytest.mark.django_db


@pytest.mark.slow  # the import and the consequences
def test_demo_recovery():
    from pilotbase.demo import seed_core

    core = seed_core()
    evaluations_demo.seed(core)
    demo_rounds.seed_past_round(core)
    evaluations_demo.seed_consequences(core)
    demo.seed_recovery(core)
    demo.seed_recovery(core)  # once
    r = Recovery.objects.select_related("base").get()
    assert r.base.name == evaluations_demo.base_name(evaluations_demo.REVOKED)
    assert r.state == RecoveryState.PARTLY_REPAID and 0 < r.repaid < r.amount
    assert LedgerEntry.objects.get(kind=LedgerKind.REPAYMENT).amount == r.repaid
