"""The 奖补 record pages ask the model who may do what (docs/architecture.md, "Pages"): the actions box is
`page_actions` over the record's declared transitions and a POST goes through `run_action`, with no role check of
the page's own. Proved by widening one transition's declared permission to everyone: the page then offers it to
a base's unit and runs it — a page that re-coded "staff only" would still hide it and answer 403. And with the
declarations as they are, a base's unit does what its transitions allow (report spending) and nothing else."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from pilotbase.workflow import record_refresh
from subsidies.models import ConstructionGrant, GrantState, Recovery, RecoveryState, RewardLine
from subsidies.services import construction as cs_svc
from subsidies.services import recovery as rc_svc

from . import construction_world as cw
from . import recovery_world as rcw
from . import rewards_world as rww

pytestmark = pytest.mark.django_db
D = Decimal


def _everyone_may(monkeypatch, model, name: str) -> None:
    """The declared permission of transition `name` of `model` widened to every user (for this test)."""
    for trans in getattr(model, name)._django_fsm.transitions.values():
        monkeypatch.setattr(trans, "permission", lambda instance, user: True)


def _html(response) -> str:
    return response.content.decode()


def test_the_grant_page_offers_a_base_unit_what_the_model_allows_it(client, monkeypatch):
    w = cw.build()
    grant = cw.disbursed(w, timezone.localdate() - timedelta(days=10))
    url = reverse("subsidies:construction_detail", args=[grant.pk])
    data = {"transition": "close_completed", "expected_state": "disbursed", "close_completed-note": "已完成建设。"}
    client.force_login(w.users["cv"])
    assert 'id="close_completed-action"' not in _html(client.get(url))
    assert client.post(url, data).status_code == 403
    _everyone_may(monkeypatch, ConstructionGrant, "close_completed")
    assert 'id="close_completed-action"' in _html(client.get(url))
    assert client.post(url, data).status_code == 302
    record_refresh(grant)
    assert grant.state == GrantState.COMPLETED


def test_a_base_unit_reports_spending_and_may_do_nothing_else(client):
    w = cw.build()
    proposed = cw.proposed(w)
    client.force_login(w.users["cv"])
    url = reverse("subsidies:construction_detail", args=[proposed.pk])
    page = _html(client.get(url))
    assert 'id="approve-action"' not in page and 'id="override_budget-action"' not in page
    assert client.post(url, {"transition": "approve", "expected_state": "proposed",
                             "approve-document_no": "桂科〔2026〕1号"}).status_code == 403
    record_refresh(proposed)
    assert proposed.state == GrantState.PROPOSED
    grant = cs_svc.construction_disburse(
        grant=cs_svc.construction_approve(grant=proposed, actor=w.colleague, document_no="桂科〔2026〕1号"),
        actor=w.staff, disbursed_on=timezone.localdate(), amount=D("3000000.00"), document_no="桂财〔2026〕1号")
    page = _html(client.get(url))
    assert 'id="report-spending"' in page and 'id="close_completed-action"' not in page
    assert client.post(url, {"transition": "close_completed", "expected_state": "disbursed",
                             "close_completed-note": "x"}).status_code == 403
    response = client.post(reverse("subsidies:construction_spending", args=[grant.pk]), {
        "item": "材料费", "amount": "1000", "spent_on": timezone.localdate().isoformat()})
    assert response.status_code == 302
    assert list(grant.spending.values_list("item", flat=True)) == ["材料费"]


def test_the_recovery_page_offers_a_base_unit_what_the_model_allows_it(client, monkeypatch):
    w = rcw.build()
    recovery = rc_svc.recovery_open_for_revocation(revocation=w.revocation, actor=w.staff,
                                                   due_on=timezone.localdate() + timedelta(days=60))
    url = reverse("subsidies:recovery_detail", args=[recovery.pk])
    data = {"transition": "repay", "expected_state": "open", "repay-amount": "100", "repay-document_no": "缴〔1〕号",
            "repay-paid_on": timezone.localdate().isoformat()}
    client.force_login(w.users["a"])
    assert 'id="repay-action"' not in _html(client.get(url))
    assert client.post(url, data).status_code == 403
    _everyone_may(monkeypatch, Recovery, "repay")
    assert 'id="repay-action"' in _html(client.get(url))
    assert client.post(url, data).status_code == 302
    record_refresh(recovery)
    assert (recovery.state, recovery.repaid) == (RecoveryState.PARTLY_REPAID, D("100.00"))


def test_the_reward_page_offers_the_authority_what_the_model_allows_it(client, monkeypatch):
    w = rww.build()
    year = rww.reward_year(w)
    line = year.lines.get(base=w.bases["a"])
    detail = reverse("subsidies:reward_year_detail", args=[year.pk])
    line_url = reverse("subsidies:reward_line_action", args=[year.pk, line.pk])
    data = {"transition": "adjust", "expected_state": "open", "adjust-amount": "300000", "adjust-reason": "成效突出"}
    client.force_login(w.authority_user)
    assert f'id="adjust-amount-{line.pk}"' not in _html(client.get(detail))
    assert client.post(line_url, data).status_code == 403
    assert client.post(detail, {"transition": "refresh"}).status_code == 403  # not a transition: the service says
    _everyone_may(monkeypatch, RewardLine, "adjust")
    assert f'id="adjust-amount-{line.pk}"' in _html(client.get(detail))
    assert client.post(line_url, data).status_code == 302
    line = RewardLine.objects.get(pk=line.pk)
    assert (line.amount, line.adjust_reason) == (D("300000.00"), "成效突出")
