"""建设支持 services: eligibility on real records, four eyes, the budget override, disbursement and the window,
spending reports with checked files, closing; the ledger rows."""

from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from applications.demo import tiny_pdf
from pilotbase.models import TransitionLog
from pilotbase.workflow import WorkflowError
from subsidies.models import ConstructionGrant, GrantState, LedgerEntry, LedgerKind, SupportKind, window_end
from subsidies.selectors.construction import base_construction_eligibility
from subsidies.services import construction as svc
from tests.subsidies import construction_world as cw

pytestmark = pytest.mark.django_db


@pytest.fixture
def w():
    return cw.build()


@pytest.fixture
def clock(monkeypatch):
    """Today (timezone.localdate, the services' and models' clock) is the day given."""
    def set_today(day: date) -> None:
        monkeypatch.setattr(timezone, "localdate", lambda *a, **k: day)
    return set_today


def test_eligibility_on_records(w):
    assert base_construction_eligibility(w.bases["cv"]).route == "new_platform"
    direct = base_construction_eligibility(w.bases["direct"])
    assert not direct.eligible and "尚未核实“未获得相关培育支持”" in direct.why
    svc.construction_check_record(actor=w.staff, base=w.bases["direct"], cultivation_confirmed=True,
                                  newly_built=None)
    assert base_construction_eligibility(w.bases["direct"]).route == "direct"
    plain = base_construction_eligibility(w.bases["plain"])
    assert not plain.eligible and "不是经评审直接认定" in plain.why and "平台类型为“中试研究基地”" in plain.why


def test_the_base_page_reads_the_same_facts_with_the_base(w):
    """The base page reads the eligibility's facts as annotations of its one query of the base (registry facts):
    the same facts as read on their own, for a base with a check, a grant or neither."""
    from pilotbase import registry
    from pilotbase.models import Base
    from subsidies.selectors.construction import construction_facts

    svc.construction_check_record(actor=w.staff, base=w.bases["direct"], cultivation_confirmed=True,
                                  newly_built=False)
    for base in w.bases.values():
        read_alone = construction_facts(Base.objects.get(pk=base.pk))
        with_page = registry.with_detail_facts(Base, Base.objects.select_related("application")).get(pk=base.pk)
        assert construction_facts(with_page) == read_alone


def test_ineligible_base_cannot_be_proposed_and_a_second_grant_neither(w):
    with pytest.raises(WorkflowError, match="不符合建设支持条件"):
        cw.proposed(w, "plain")
    cw.proposed(w)
    with pytest.raises(WorkflowError, match="已有建设支持记录"):
        cw.proposed(w)


def test_only_staff_propose(w):
    with pytest.raises(PermissionDenied):
        svc.construction_propose(actor=w.users["cv"], base=w.bases["cv"], year=cw.YEAR, amount="100")


def test_float_and_bad_amounts_are_refused(w):
    with pytest.raises(TypeError):
        svc.construction_propose(actor=w.staff, base=w.bases["cv"], year=cw.YEAR, amount=0.1 + 0.2)
    with pytest.raises(WorkflowError, match="两位小数"):
        svc.construction_propose(actor=w.staff, base=w.bases["cv"], year=cw.YEAR, amount="100.123")
    grant = svc.construction_propose(actor=w.staff, base=w.bases["cv"], year=cw.YEAR, amount="1,200,000.10")
    assert grant.amount == Decimal("1200000.10")


def test_the_proposer_may_not_approve(w):
    grant = cw.proposed(w)
    with pytest.raises(PermissionDenied):
        svc.construction_approve(grant=grant, actor=w.staff, document_no="X1")
    grant.refresh_from_db()
    assert grant.state == GrantState.PROPOSED
    assert not LedgerEntry.objects.exists()


def test_approval_by_a_colleague_posts_one_grant_row(w):
    grant = cw.approved(w)
    assert (grant.state, grant.approved_by) == (GrantState.APPROVED, w.colleague)
    (row,) = LedgerEntry.objects.all()
    assert (row.kind, row.support, row.amount, row.year, row.document_no, row.base) == (
        LedgerKind.GRANT, SupportKind.CONSTRUCTION, Decimal("3000000.00"), cw.YEAR, "桂科资字〔2026〕12号",
        w.bases["cv"])
    assert row.idempotency_key == f"construction-grant-{grant.pk}-grant"
    assert TransitionLog.objects.filter(transition="approve", actor=w.colleague).exists()


def test_over_budget_needs_an_override_with_a_reason(w):
    cw.approved(w, "cv", "3000000.00")
    svc.construction_check_record(actor=w.staff, base=w.bases["direct"], cultivation_confirmed=True,
                                  newly_built=None)
    grant = cw.proposed(w, "direct", "2500000.00")  # 5,500,000 against 5,000,000
    with pytest.raises(WorkflowError, match="5,500,000.00元.*超出预算5,000,000.00元"):
        svc.construction_approve(grant=grant, actor=w.colleague, document_no="X2")
    with pytest.raises(WorkflowError, match="理由"):
        svc.construction_budget_override(grant=grant, actor=w.staff, reason="  ")
    svc.construction_budget_override(grant=grant, actor=w.staff, reason="年中追加预算已报批")
    grant = svc.construction_approve(grant=grant, actor=w.colleague, document_no="X2")
    assert grant.state == GrantState.APPROVED and grant.override_total == Decimal("5500000.00")


def test_within_budget_needs_no_override(w):
    grant = cw.proposed(w)
    with pytest.raises(WorkflowError, match="未超出年度预算"):
        svc.construction_budget_override(grant=grant, actor=w.staff, reason="多余")


def test_no_budget_set_refuses_approval(w):
    grant = svc.construction_propose(actor=w.staff, base=w.bases["cv"], year=cw.YEAR + 1, amount="100")
    with pytest.raises(WorkflowError, match="预算尚未设置"):
        svc.construction_approve(grant=grant, actor=w.colleague, document_no="X3")


@pytest.mark.parametrize(("disbursed_on", "ends_on"), [
    (date(2025, 3, 1), date(2027, 2, 28)),
    (date(2026, 1, 15), date(2028, 1, 14)),
    (date(2024, 2, 29), date(2026, 2, 27)),
])
def test_window_end(disbursed_on, ends_on):
    assert window_end(disbursed_on) == ends_on


def test_disbursement_starts_the_window_and_posts_one_row(w, clock):
    clock(date(2026, 6, 1))
    grant = cw.disbursed(w, date(2026, 5, 20), amount="3000000.00")
    assert grant.state == GrantState.DISBURSED
    assert grant.window_ends_on == date(2028, 5, 19)
    assert grant.days_left() == (date(2028, 5, 19) - date(2026, 6, 1)).days
    rows = LedgerEntry.objects.filter(kind=LedgerKind.DISBURSEMENT)
    assert [(r.amount, r.occurred_on, r.document_no) for r in rows] == [
        (Decimal("3000000.00"), date(2026, 5, 20), "桂财教〔2026〕8号")]
    # a double submit: the transition refuses (state moved), the row stays one
    with pytest.raises(WorkflowError):
        svc.construction_disburse(grant=grant, actor=w.staff, disbursed_on=date(2026, 5, 20),
                                  amount=Decimal("3000000.00"), document_no="桂财教〔2026〕8号")
    assert rows.count() == 1


def test_disbursement_checks(w, clock):
    clock(date(2026, 6, 1))
    grant = cw.approved(w)
    for kwargs, message in [
        ({"amount": Decimal("3000000.01"), "document_no": "A"}, "不能超过批准的支持金额"),
        ({"amount": Decimal("100"), "document_no": " "}, "拨付文号"),
        ({"amount": Decimal("100"), "document_no": "A", "disbursed_on": date(2026, 6, 2)}, "不能晚于今天"),
    ]:
        args = {"disbursed_on": date(2026, 5, 1), **kwargs}
        with pytest.raises(WorkflowError, match=message):
            svc.construction_disburse(grant=grant, actor=w.staff, **args)
    grant.refresh_from_db()
    assert grant.state == GrantState.APPROVED


def test_the_base_reports_spending_with_a_checked_file(w, clock):
    clock(date(2026, 6, 1))
    grant = cw.disbursed(w, date(2026, 5, 1))
    upload = SimpleUploadedFile("发票.pdf", tiny_pdf("invoice"), content_type="application/pdf")
    row = svc.spending_report(grant=grant, actor=w.users["cv"], item="中试反应釜", amount="1,000,000.50",
                              spent_on=date(2026, 5, 20), is_equipment=True, equipment="反应釜 FY-500L",
                              files=[upload])
    assert row.amount == Decimal("1000000.50") and row.files.count() == 1
    grant = ConstructionGrant.objects.get(pk=grant.pk)
    assert (grant.spent, grant.remaining) == (Decimal("1000000.50"), Decimal("1999999.50"))
    fake = SimpleUploadedFile("fake.pdf", b"MZ\x90\x00 not a pdf", content_type="application/pdf")
    with pytest.raises(WorkflowError):
        svc.spending_report(grant=grant, actor=w.users["cv"], item="其他", amount="10", spent_on=date(2026, 5, 21),
                            files=[fake])
    assert grant.spending.count() == 1  # the refused file took its item with it
    log = TransitionLog.objects.get(transition="report_spending", record_id=grant.pk)
    assert log.comment == "中试反应釜 1,000,000.50元"  # the record's timeline shows the amount as every page does


def test_another_base_may_not_report_and_equipment_needs_a_name(w, clock):
    clock(date(2026, 6, 1))
    grant = cw.disbursed(w, date(2026, 5, 1))
    with pytest.raises(PermissionDenied):
        svc.spending_report(grant=grant, actor=w.users["plain"], item="设备", amount="10", spent_on=date(2026, 5, 2))
    with pytest.raises(WorkflowError, match="设备名称"):
        svc.spending_report(grant=grant, actor=w.users["cv"], item="设备", amount="10", spent_on=date(2026, 5, 2),
                            is_equipment=True)
    with pytest.raises(WorkflowError, match="不能早于拨付日期（2026年5月1日）"):
        svc.spending_report(grant=grant, actor=w.users["cv"], item="设备", amount="10", spent_on=date(2026, 4, 2))


def test_spending_before_disbursement_is_refused(w):
    grant = cw.approved(w)
    with pytest.raises(WorkflowError, match="不能执行"):
        svc.spending_report(grant=grant, actor=w.users["cv"], item="设备", amount="10", spent_on=date(2020, 1, 1))


def test_close_completed_and_not_completed_only_after_the_window(w, clock):
    clock(date(2026, 6, 1))
    grant = cw.disbursed(w, date(2026, 5, 1))
    with pytest.raises(WorkflowError, match="资金使用期尚未结束"):
        svc.construction_close(grant=grant, actor=w.staff, completed=False, note="未完成")
    with pytest.raises(WorkflowError, match="结束说明"):
        svc.construction_close(grant=grant, actor=w.staff, completed=True, note="")
    clock(date(2028, 4, 30))  # the window's last day
    assert grant.days_left() == 0 and not grant.overdue
    with pytest.raises(WorkflowError, match="资金使用期尚未结束"):
        svc.construction_close(grant=grant, actor=w.staff, completed=False, note="未完成")
    clock(date(2028, 5, 1))
    assert grant.overdue and grant.days_left() == -1
    grant = svc.construction_close(grant=grant, actor=w.staff, completed=False, note="设备未到位")
    assert (grant.state, grant.closed_on) == (GrantState.NOT_COMPLETED, date(2028, 5, 1))
    # the same decision opens the recovery of this grant's funds (六.(三)), due 90 days on, the base told
    from subsidies.models import Recovery

    recovery = Recovery.objects.get()
    assert (recovery.base, recovery.amount, recovery.origin, recovery.due_on) == (
        grant.base, grant.disbursed_amount, "construction", date(2028, 7, 30))
    assert (recovery.period_from, recovery.period_to) == (grant.disbursed_on, grant.window_ends_on)
    assert "设备未到位" in recovery.reason
    with pytest.raises(WorkflowError):  # one recovery per grant
        svc._recovery_for_not_completed(grant, actor=w.staff, note="再次")


def test_a_grant_closed_as_completed_opens_no_recovery(w, clock):
    from subsidies.models import Recovery

    clock(date(2026, 6, 1))
    svc.construction_close(grant=cw.disbursed(w, date(2026, 5, 1)), actor=w.staff, completed=True, note="已完成")
    assert not Recovery.objects.exists()


def test_close_completed_in_the_window(w, clock):
    clock(date(2026, 6, 1))
    grant = cw.disbursed(w, date(2026, 5, 1))
    grant = svc.construction_close(grant=grant, actor=w.staff, completed=True, note="建设任务已完成")
    assert grant.state == GrantState.COMPLETED and not grant.overdue
