"""The demo's 运行奖补: the last published year (the first batch's 2025 grades, from the portal's published 2025
round) rewarded after the
revocation, with why for each base not eligible, approved by a second staff member, one line disbursed; the
ledger holds the rows; a second run changes nothing."""

from decimal import Decimal

import pytest
from django.utils import timezone

from evaluations import demo as evaluations_demo
from evaluations import demo_rounds
from evaluations.models import RoundState
from subsidies import demo
from subsidies.models import LedgerEntry, LedgerKind, RewardYear, RewardYearState

pytestmark = pytest.mark.django_db


@pytest.mark.slow  # the import and the whole 2025 round
def test_demo_rewards():
    from pilotbase.demo import seed_core

    core = seed_core()
    evaluations_demo.seed(core)
    demo_rounds.seed_past_round(core)
    evaluations_demo.seed_consequences(core)
    demo.seed_rewards(core)
    demo.seed_rewards(core)  # once
    year = RewardYear.objects.get()
    assert (year.evaluation_year, year.state) == (2025, RewardYearState.APPROVED)
    assert (year.round.year, year.round.state) == (2025, RoundState.PUBLISHED)
    assert year.proposed_by != year.approved_by
    lines = {line.base.name: line for line in year.lines.select_related("base")}
    revoked = lines[evaluations_demo.base_name(evaluations_demo.REVOKED)]
    assert not revoked.eligible and "已撤销认定" in revoked.reasons
    # 2025 grades of the first batch (AABA …): 优秀 400,000, 良好 200,000 (one adjusted with its reason)
    paid = [line for line in lines.values() if line.eligible]
    assert {line.grade for line in paid} <= {"excellent", "good"} and paid
    assert any(line.adjusted and line.adjust_reason for line in paid)
    assert all("低于" in line.reasons for line in lines.values() if line.grade == "pass")
    grants = LedgerEntry.objects.filter(kind=LedgerKind.GRANT, support="operating")
    assert grants.count() == len([p for p in paid if p.amount > 0])
    assert sum(g.amount for g in grants) == sum(p.amount for p in paid) > Decimal(0)
    assert LedgerEntry.objects.filter(kind=LedgerKind.DISBURSEMENT, support="operating").count() == 1
    # each row carries the day of its event: the approval (before the disbursement), not the day the demo ran
    (paid_out,) = LedgerEntry.objects.filter(kind=LedgerKind.DISBURSEMENT, support="operating")
    approved_on = timezone.localtime(year.approved_at).date()
    assert {g.occurred_on for g in grants} == {approved_on} and approved_on < paid_out.occurred_on < timezone.localdate()
