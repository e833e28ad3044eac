"""运行奖补 services through the whole year: the list from the year's results (eligible and not, with why), the
tiers' amounts, an adjustment with its reason (logged), the budget and its override, submission, four eyes on the
approval, the GRANT and DISBURSEMENT ledger rows, the bases told."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied

from pilotbase.models import Notification, TransitionLog
from pilotbase.workflow import WorkflowError, can_run
from subsidies.models import LedgerEntry, LedgerKind, RewardYearState, SupportKind
from subsidies.services import rewards as svc

from .rewards_world import REF, build, reward_year

pytestmark = pytest.mark.django_db
D = Decimal


@pytest.fixture
def w():
    return build()


def lines_of(year):
    return {line.base.name: line for line in year.lines.select_related("base")}


def test_the_list_says_who_is_eligible_and_why(w):
    year = reward_year(w)
    assert year.reference_date == REF and year.state == RewardYearState.DRAFT
    by_base = {line.base_id: line for line in year.lines.all()}
    assert set(by_base) == {b.pk for b in w.bases.values()}
    a, b, c = by_base[w.bases["a"].pk], by_base[w.bases["b"].pk], by_base[w.bases["c"].pk]
    assert (a.eligible, a.amount, a.proposed_amount) == (True, D("400000.00"), D("400000.00"))
    assert (b.eligible, b.amount) == (True, D("200000.00"))
    assert not c.eligible and "低于本年度运行奖补的最低等次良好" in c.reasons and c.amount == 0
    young = by_base[w.bases["young"].pk]
    assert not young.eligible and young.supported and young.year_after == 2 and "第3年起" in young.reasons
    assert "整改中" in by_base[w.bases["rect"].pk].reasons
    assert "已撤销认定" in by_base[w.bases["rev"].pk].reasons
    assert year.total == D("800000.00")  # a, b and far (良好)


def test_a_construction_disbursement_in_the_ledger_counts_as_support(w):
    from subsidies.services.ledger import ledger_post

    b = w.bases["young"]
    b.prior_support.delete()
    year = reward_year(w)
    assert not year.lines.get(base=b).supported  # its 2nd year and no support: eligible
    assert year.lines.get(base=b).eligible
    ledger_post(base=b, kind=LedgerKind.DISBURSEMENT, support=SupportKind.CONSTRUCTION, amount=D("100.00"),
                year=2025, occurred_on=date(2025, 3, 1), source=b, actor=w.staff, idempotency_key="c1")
    svc.reward_year_refresh(reward_year=year, actor=w.staff)
    line = year.lines.get(base=b)
    assert line.supported and not line.eligible and line.amount == 0


def test_adjust_needs_a_reason_and_is_logged(w):
    year = reward_year(w)
    line = year.lines.get(base=w.bases["b"])
    with pytest.raises(WorkflowError):
        svc.reward_line_adjust(line=line, actor=w.staff, amount=D("250000"), reason=" ")
    svc.reward_line_adjust(line=line, actor=w.staff, amount=D("250000"), reason="服务区外企业成效突出")
    line.refresh_from_db()
    assert line.amount == D("250000.00") and line.proposed_amount == D("200000.00") and line.adjusted
    log = TransitionLog.objects.get(transition="adjust", record_id=line.pk)
    assert "200,000.00元 → 250,000.00元" in log.comment and "成效突出" in log.comment and log.actor == w.staff
    with pytest.raises(TypeError):
        svc.reward_line_adjust(line=line, actor=w.staff, amount=0.1 + 0.2, reason="x")
    # an adjustment stays when the list is computed again, while the base stays eligible
    svc.reward_year_refresh(reward_year=year, actor=w.staff)
    line.refresh_from_db()
    assert line.amount == D("250000.00")
    # an ineligible base's amount cannot be adjusted
    c = year.lines.get(base=w.bases["c"])
    with pytest.raises(WorkflowError, match="不符合运行奖补条件"):
        svc.reward_line_adjust(line=c, actor=w.staff, amount=D("1"), reason="x")


def test_over_budget_needs_an_override_with_a_reason(w):
    year = reward_year(w, budget="500000.00")
    with pytest.raises(WorkflowError, match="超预算说明"):
        svc.reward_year_propose(reward_year=year, actor=w.staff)
    with pytest.raises(WorkflowError):
        svc.reward_budget_override(reward_year=year, actor=w.staff, reason="")
    svc.reward_budget_override(reward_year=year, actor=w.staff, reason="经厅务会研究同意超出部分从结余中列支")
    year.refresh_from_db()
    assert year.override_total == D("800000.00")
    # the override holds for that total only: another adjustment asks again
    line = year.lines.get(base=w.bases["b"])
    svc.reward_line_adjust(line=line, actor=w.staff, amount=D("210000"), reason="调整")
    with pytest.raises(WorkflowError, match="超预算说明"):
        svc.reward_year_propose(reward_year=year, actor=w.staff)
    svc.reward_budget_override(reward_year=year, actor=w.staff, reason="再次说明")
    assert svc.reward_year_propose(reward_year=year, actor=w.staff).state == RewardYearState.PROPOSED


def test_within_budget_no_override_is_offered(w):
    year = reward_year(w)
    assert not can_run(year, "override_budget", w.staff)
    with pytest.raises(WorkflowError):
        svc.reward_budget_override(reward_year=year, actor=w.staff, reason="无需")


def test_the_proposer_may_not_approve(w):
    year = svc.reward_year_propose(reward_year=reward_year(w), actor=w.staff)
    assert not can_run(year, "approve", w.staff) and can_run(year, "approve", w.colleague)
    with pytest.raises(PermissionDenied):  # four eyes: the proposer holds no permission to approve
        svc.reward_year_approve(reward_year=year, actor=w.staff)
    with pytest.raises(PermissionDenied):
        svc.reward_year_approve(reward_year=year, actor=w.authority_user)
    assert not LedgerEntry.objects.exists()


def test_a_proposed_list_cannot_be_adjusted_and_returns_to_draft(w):
    year = svc.reward_year_propose(reward_year=reward_year(w), actor=w.staff)
    line = year.lines.get(base=w.bases["a"])
    with pytest.raises(WorkflowError, match="不能再调整"):
        svc.reward_line_adjust(line=line, actor=w.staff, amount=D("1"), reason="x")
    year = svc.reward_year_return(reward_year=year, actor=w.colleague, opinion="请核对柳州庚的等次")
    assert year.state == RewardYearState.DRAFT


def test_the_whole_year(w, django_capture_on_commit_callbacks):
    year = reward_year(w)
    year = svc.reward_year_propose(reward_year=year, actor=w.staff)
    with django_capture_on_commit_callbacks(execute=True):
        year = svc.reward_year_approve(reward_year=year, actor=w.colleague, opinion="同意",
                                       document_no="桂科成字〔2026〕12号")
    assert year.state == RewardYearState.APPROVED and year.approved_by == w.colleague
    grants = LedgerEntry.objects.filter(kind=LedgerKind.GRANT, support=SupportKind.OPERATING)
    assert sorted(grants.values_list("amount", flat=True)) == [D("200000.00"), D("200000.00"), D("400000.00")]
    assert {g.year for g in grants} == {2026} and {g.document_no for g in grants} == {"桂科成字〔2026〕12号"}
    told = Notification.objects.filter(kind=svc.KIND_APPROVED)
    assert {n.recipient for n in told} == {w.users["a"], w.users["b"], w.users["far"]}
    assert "400,000.00元" in told.get(recipient=w.users["a"]).body
    # approving again (a double submit) changes nothing
    with pytest.raises(WorkflowError):
        svc.reward_year_approve(reward_year=year, actor=w.colleague)
    assert grants.count() == 3

    # one line first, then the rest at once
    a = year.lines.get(base=w.bases["a"])
    svc.reward_line_disburse(line=a, actor=w.staff, disbursed_on=date(2026, 3, 2), document_no="拨2026-001")
    year.refresh_from_db()
    assert year.state == RewardYearState.APPROVED
    c = year.lines.get(base=w.bases["c"])
    with pytest.raises(WorkflowError, match="没有奖补金额"):
        svc.reward_line_disburse(line=c, actor=w.staff, disbursed_on=date(2026, 3, 2), document_no="x")
    year = svc.reward_year_disburse(reward_year=year, actor=w.staff, disbursed_on=date(2026, 3, 9),
                                    document_no="拨2026-002", expected_state=RewardYearState.APPROVED)
    assert year.state == RewardYearState.DISBURSED and year.disbursement_no == "拨2026-002"
    paid = LedgerEntry.objects.filter(kind=LedgerKind.DISBURSEMENT, support=SupportKind.OPERATING)
    assert paid.count() == 3 and sum(p.amount for p in paid) == D("800000.00")
    assert paid.get(base=w.bases["a"]).occurred_on == date(2026, 3, 2)
    assert Notification.objects.filter(kind=svc.KIND_DISBURSED).count() == 3
    assert not c.disbursed_on


def test_the_last_line_disbursed_completes_the_year(w):
    year = svc.reward_year_propose(reward_year=reward_year(w), actor=w.staff)
    year = svc.reward_year_approve(reward_year=year, actor=w.colleague)
    for line in year.lines.filter(eligible=True, amount__gt=0):
        svc.reward_line_disburse(line=line, actor=w.staff, disbursed_on=date(2026, 1, 5), document_no="拨-1")
    year.refresh_from_db()
    assert year.state == RewardYearState.DISBURSED


def test_a_year_needs_a_published_round_of_the_same_year(w):
    from evaluations.models import EvaluationRound

    rnd = EvaluationRound.objects.create(year=2025, title="2025年度", reference_date=REF,
                                         report_deadline=date(2026, 1, 31))  # 筹备中, not published
    with pytest.raises(WorkflowError, match="已公布结果"):
        svc.reward_year_create(actor=w.staff, evaluation_year=2025, round=rnd, year=2026, min_grade="good",
                               budget=D("1"), tiers={})


def test_one_list_per_evaluation_year(w):
    reward_year(w)
    with pytest.raises(WorkflowError, match="已存在"):
        reward_year(w)
