"""A GRANT ledger row carries the day the grant was decided (批准日期), which the approval says: a decision recorded
afterwards keeps its own day (the demo's grants were approved before they were paid); no day means today; a day in
the future is refused."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from pilotbase.workflow import WorkflowError
from subsidies.models import LedgerEntry, LedgerKind
from subsidies.services import construction as cs_svc
from subsidies.services import rewards as rw_svc

from . import construction_world as cw
from . import rewards_world as rww

pytestmark = pytest.mark.django_db


def _grant_row(source) -> LedgerEntry:
    return LedgerEntry.objects.get(kind=LedgerKind.GRANT, source_id=source.pk)


def test_a_construction_grant_row_is_dated_the_day_it_was_approved():
    w = cw.build()
    day = timezone.localdate() - timedelta(days=30)
    grant = cs_svc.construction_approve(grant=cw.proposed(w), actor=w.colleague, document_no="桂科〔2026〕1号",
                                        approved_on=day)
    assert _grant_row(grant).occurred_on == day == timezone.localtime(grant.approved_at).date()
    cs_svc.construction_check_record(actor=w.staff, base=w.bases["direct"], cultivation_confirmed=True,
                                     newly_built=None)
    other = cs_svc.construction_approve(grant=cw.proposed(w, "direct", "1000000.00"), actor=w.colleague,
                                        document_no="桂科〔2026〕2号")
    assert _grant_row(other).occurred_on == timezone.localdate()


def test_a_construction_approval_in_the_future_is_refused():
    w = cw.build()
    grant = cw.proposed(w)
    with pytest.raises(WorkflowError, match="批准日期不能晚于今天"):
        cs_svc.construction_approve(grant=grant, actor=w.colleague, document_no="桂科〔2026〕1号",
                                    approved_on=timezone.localdate() + timedelta(days=1))
    assert not LedgerEntry.objects.exists()


def test_the_approve_form_takes_the_day(client):
    w = cw.build()
    grant = cw.proposed(w)
    day = timezone.localdate() - timedelta(days=5)
    client.force_login(w.colleague)
    url = reverse("subsidies:construction_detail", args=[grant.pk])
    assert client.post(url, {"transition": "approve", "expected_state": "proposed", "approve-document_no": "桂科〔1〕号",
                             "approve-approved_on": day.isoformat()}).status_code == 302
    assert _grant_row(grant).occurred_on == day


def test_reward_grant_rows_are_dated_the_day_the_list_was_approved():
    w = rww.build()
    year = rw_svc.reward_year_propose(reward_year=rww.reward_year(w), actor=w.staff)
    day = timezone.localdate() - timedelta(days=10)
    year = rw_svc.reward_year_approve(reward_year=year, actor=w.colleague, approved_on=day)
    rows = LedgerEntry.objects.filter(kind=LedgerKind.GRANT, support="operating")
    assert rows.count() > 0 and {r.occurred_on for r in rows} == {day}
    assert timezone.localtime(year.approved_at).date() == day and sum(r.amount for r in rows) > Decimal(0)
