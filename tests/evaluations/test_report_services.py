"""The annual report: figure validation with its Chinese messages, the guards of every transition as state
tables, who is told, and last year's comparison."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied

from evaluations.models import AnnualReport, ReportState
from evaluations.models.report import report_problems
from evaluations.models.round import round_judged_on
from evaluations.services import report as svc
from pilotbase.models import Notification
from pilotbase.recipients import Kind
from pilotbase.workflow import WorkflowError, blocked_reasons, can_run

from .round_world import FIGURES, world

pytestmark = pytest.mark.django_db

REF = date(2025, 12, 31)


@pytest.fixture
def w():
    return world(certified=[date(2023, 5, 1), date(2023, 6, 1)])


def _report(w, **round_settings) -> AnnualReport:
    rnd = w.open_round(reference_date=REF, **round_settings)
    return rnd.reports.get(base=w.bases[0])


# ---- validation -----------------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("values", "expected"),
    [
        ({}, {}),
        ({"pilot_projects": -1}, {"pilot_projects": "不能为负数。"}),
        ({"service_revenue": Decimal("-0.01")}, {"service_revenue": "金额不能为负数。"}),
        ({"service_revenue": Decimal("10.005")}, {"service_revenue": "金额最多保留两位小数。"}),
        ({"service_revenue": 1000.0}, {"service_revenue": "请填写金额（元），例如 1250000.00。"}),
        (
            {"pilot_projects": 3, "pilot_projects_outside": 4},
            {"pilot_projects_outside": "为外单位完成的中试项目数不能大于完成中试项目总数。"},
        ),
        (
            {"staff_fulltime": 10, "staff_technical": 11},
            {"staff_technical": "专业技术人员数不能大于专职人员总数。"},
        ),
        (
            {"service_revenue": Decimal(100), "voucher_income": Decimal("100.01")},
            {"voucher_income": "科技创新券收入不能大于中试服务收入。"},
        ),
        ({"pilot_projects_outside": 4}, {}),  # the total not filled yet: nothing to compare in a draft
        ({"pilot_projects": 4, "pilot_projects_outside": 4}, {}),
    ],
)
def test_figure_problems(values, expected):
    assert svc.figure_problems(values) == expected


@pytest.mark.parametrize(
    ("text", "value"), [("1,250,000.50", Decimal("1250000.50")), ("", None), (" 30 ", Decimal(30))]
)
def test_parse_money(text, value):
    assert svc.parse_money(text) == value


def test_parse_money_refuses_words():
    with pytest.raises(ValueError):
        svc.parse_money("三十万")


def test_save_refuses_wrong_figures_and_keeps_what_was_there(w):
    report = _report(w)
    user = w.base_user(report.base)
    svc.report_save(report=report, actor=user, data={"pilot_projects": 5})
    with pytest.raises(svc.ReportInvalid) as caught:
        svc.report_save(report=report, actor=user, data={"pilot_projects_outside": 6, "problems": "x"})
    assert caught.value.problems == {
        "pilot_projects_outside": "为外单位完成的中试项目数不能大于完成中试项目总数。"
    }
    report = AnnualReport.objects.get(pk=report.pk)
    # 0: what the portal pre-filled (the base has no delivered service request), kept
    assert (report.pilot_projects, report.pilot_projects_outside, report.problems) == (5, 0, "")


def test_save_is_the_bases_own(w):
    report = _report(w)
    for who in (w.base_user(w.bases[1]), w.authority_user(report.base), w.staff):
        with pytest.raises(PermissionDenied):
            svc.report_save(report=report, actor=who, data={"pilot_projects": 1})


def test_problems_of_an_empty_report_name_every_field(w):
    problems = report_problems(_report(w))
    assert problems["pilot_projects"] == ["请填写此项（没有请填0）。"]
    assert problems["next_year_plan"] == ["请填写此部分。"]
    # 18 fields less the four the portal pre-filled (voucher income, outside projects, clients in and outside Guangxi)
    assert len(problems) == 14
    assert not {"voucher_income", "pilot_projects_outside", "clients_in_guangxi", "clients_outside_guangxi"} & set(problems)


# ---- submission ----------------------------------------------------------------------------------------------
def test_submit_incomplete_is_refused_with_the_reason(w):
    report = _report(w)
    user = w.base_user(report.base)
    svc.report_save(report=report, actor=user, data={"pilot_projects": 1})
    with pytest.raises(WorkflowError, match="年度报告尚有未填或有误的内容"):
        svc.report_submit(report=report, actor=user)


def test_submit_counts_versions_and_tells_the_authority_when_it_confirms(w):
    authority = w.authority_user(w.bases[0])
    report = w.filed(_report(w))
    assert (report.state, report.version, report.submitted_by) == (
        ReportState.SUBMITTED,
        1,
        w.base_user(report.base),
    )
    assert list(
        Notification.objects.filter(kind=Kind.ANNUAL_REPORT_SUBMITTED).values_list("recipient", flat=True)
    ) == [authority.pk]


def test_submit_goes_to_agency_and_staff_without_confirmation(w):
    report = w.filed(_report(w, authority_confirms=False))
    told = set(
        Notification.objects.filter(kind=Kind.ANNUAL_REPORT_SUBMITTED).values_list("recipient", flat=True)
    )
    assert told == {w.agency.pk, w.staff.pk}
    assert report.state == ReportState.SUBMITTED


@pytest.mark.parametrize(("days_after_deadline", "ok"), [(0, True), (5, True), (6, False)])
def test_submit_until_the_deadline_plus_grace(w, days_after_deadline, ok):
    report = _report(w)  # grace 5 days by default
    user = w.base_user(report.base)
    report = svc.report_save(report=report, actor=user, data=FIGURES)
    with round_judged_on(report.round.report_deadline + timedelta(days=days_after_deadline)):
        assert can_run(report, "submit", user) is ok
        if not ok:
            assert blocked_reasons(report, "submit") == ["已超过提交截止日期（含宽限期）。"]


# ---- the state table of every guard ----------------------------------------------------------------------
def _to(w, state: str, **round_settings) -> AnnualReport:
    report = _report(w, **round_settings)
    if state == "draft":
        return report
    if state == "filled":  # a draft with everything filled in
        return svc.report_save(report=report, actor=w.base_user(report.base), data=FIGURES)
    report = w.filed(report)
    if state == "returned":
        return svc.report_return(report=report, actor=w.staff, reason="服务收入与财务报表不符。")
    if state == "confirmed":
        return svc.report_confirm(report=report, actor=w.authority_user(report.base), opinion="情况属实。")
    if state == "accepted":
        if report.round.authority_confirms:
            report = svc.report_confirm(report=report, actor=w.authority_user(report.base))
        return svc.report_accept(report=report, actor=w.agency)
    return report


# (transition, state, role, round asks the authority?) → may run now
GUARDS = [
    ("submit", "filled", "base", True, True),
    ("submit", "returned", "base", True, True),
    ("submit", "submitted", "base", True, False),
    ("submit", "filled", "other_base", True, False),
    ("submit", "filled", "staff", True, False),
    ("confirm", "submitted", "authority", True, True),
    ("confirm", "submitted", "authority", False, False),
    ("confirm", "submitted", "other_authority", True, False),
    ("confirm", "submitted", "staff", True, False),
    ("confirm", "draft", "authority", True, False),
    ("accept", "submitted", "agency", True, False),  # not yet confirmed
    ("accept", "confirmed", "agency", True, True),
    ("accept", "submitted", "agency", False, True),
    ("accept", "submitted", "staff", False, True),
    ("accept", "submitted", "other_agency", False, False),
    ("accept", "submitted", "authority", False, False),
    ("accept", "accepted", "staff", True, False),
    ("return_for_revision", "submitted", "authority", True, True),
    ("return_for_revision", "confirmed", "agency", True, True),
    ("return_for_revision", "confirmed", "authority", True, True),  # it takes back its confirmation
    ("return_for_revision", "confirmed", "other_authority", True, False),
    ("return_for_revision", "accepted", "authority", True, False),  # the agency has it for scoring
    ("return_for_revision", "submitted", "staff", True, True),
    ("return_for_revision", "submitted", "base", True, False),
    ("return_for_revision", "accepted", "staff", True, False),
    ("mark_late", "draft", "staff", True, False),
]


@pytest.mark.parametrize(("name", "state", "role", "confirms", "ok"), GUARDS)
def test_report_guard(w, name, state, role, confirms, ok):
    from tests import factories as f

    report = _to(w, state, authority_confirms=confirms)
    assert report.state == {"filled": "draft"}.get(state, state)
    other_authority = f.AuthorityUserFactory(organization=w.other_bureau)
    people = {
        "base": w.base_user(report.base),
        "other_base": w.base_user(w.bases[1]),
        "staff": w.staff,
        "authority": w.authority_user(report.base),
        "other_authority": other_authority,
        "agency": w.agency,
        "other_agency": f.AgencyUserFactory(),
    }
    assert can_run(report, name, people[role]) is ok


def test_return_needs_a_reason_and_the_base_reads_it(w):
    report = w.filed(_report(w))
    with pytest.raises(WorkflowError, match="请填写退回理由"):
        svc.report_return(report=report, actor=w.staff, reason=" ")
    report = svc.report_return(report=report, actor=w.staff, reason="请补充区外企业名单。")
    assert (report.state, report.return_reason) == (ReportState.RETURNED, "请补充区外企业名单。")
    note = Notification.objects.get(kind=Kind.ANNUAL_REPORT_RETURNED)
    assert note.recipient == w.base_user(report.base)
    assert "请补充区外企业名单。" in note.body
    again = svc.report_submit(report=report, actor=w.base_user(report.base))
    assert again.version == 2


def test_the_authority_returns_what_it_confirmed_and_the_base_resubmits(w, django_capture_on_commit_callbacks):
    """退回修改 after 确认报告: the base is told by e-mail and bell, the confirmation no longer stands (the agency and
    staff are told), the base resubmits, the changes show, and the authority confirms the new version."""
    from django.core import mail

    report = w.filed(_report(w))
    authority, base_user = w.authority_user(report.base), w.base_user(report.base)
    report = svc.report_confirm(report=report, actor=authority, opinion="情况属实。")
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        report = svc.report_return(report=report, actor=authority, reason="区外企业名单不全，请补充。")
    assert report.state == ReportState.RETURNED
    assert (report.confirmed_by, report.confirmed_at, report.confirm_opinion) == (None, None, "")
    note = Notification.objects.get(kind=Kind.ANNUAL_REPORT_RETURNED, recipient=base_user)
    assert "区外企业名单不全" in note.body and "撤回此前的确认" in note.body
    (to_base,) = [m for m in mail.outbox if m.to == [base_user.email]]
    assert "退回修改" in to_base.subject and "南宁市科学技术局" in to_base.body
    (to_agency,) = [m for m in mail.outbox if m.to == [w.agency.email]]
    assert "撤回确认" in to_agency.subject and "暂不需受理" in to_agency.body
    assert Notification.objects.filter(kind=Kind.ANNUAL_REPORT_RETURNED, recipient=w.staff).exists()

    report = svc.report_save(report=report, actor=base_user, data={"clients_outside_guangxi": 9})
    report = svc.report_submit(report=report, actor=base_user)
    assert (report.state, report.version) == (ReportState.SUBMITTED, 2)
    earlier, changes = svc.report_changes(report)
    assert earlier == 1 and [(c.label, c.after) for c in changes] == [("服务区外企业（家）", "9")]
    assert can_run(report, "accept", w.agency) is False  # it waits for a new confirmation
    report = svc.report_confirm(report=report, actor=authority)
    assert can_run(report, "accept", w.agency) is True


def test_a_return_before_confirming_tells_only_the_base(w):
    report = w.filed(_report(w))
    svc.report_return(report=report, actor=w.authority_user(report.base), reason="请补充附件。")
    told = set(Notification.objects.filter(kind=Kind.ANNUAL_REPORT_RETURNED).values_list("recipient", flat=True))
    assert told == {w.base_user(report.base).pk}
    assert "撤回此前的确认" not in Notification.objects.get(kind=Kind.ANNUAL_REPORT_RETURNED).body


def test_the_authority_cannot_return_once_the_agency_accepted(w):
    report = w.filed(_report(w))
    authority = w.authority_user(report.base)
    report = svc.report_accept(report=svc.report_confirm(report=report, actor=authority), actor=w.agency)
    with pytest.raises(WorkflowError, match="不能执行"):
        svc.report_return(report=report, actor=authority, reason="请补充。")


def test_stale_page_is_refused(w):
    report = w.filed(_report(w))
    with pytest.raises(WorkflowError, match="已被他人处理"):
        svc.report_confirm(
            report=report, actor=w.authority_user(report.base), expected_state=ReportState.DRAFT
        )


@pytest.mark.parametrize(("day_offset", "ok"), [(0, False), (1, True)])
def test_mark_late_only_after_deadline_plus_grace(w, day_offset, ok):
    report = _report(w)
    with round_judged_on(report.round.final_day + timedelta(days=day_offset)):
        assert can_run(report, "mark_late", None) is ok
        if ok:
            late = svc.report_mark_late(report=report)
            assert late.state == ReportState.LATE
            told = set(
                Notification.objects.filter(kind=Kind.ANNUAL_REPORT_OVERDUE).values_list(
                    "recipient", flat=True
                )
            )
            assert told == {w.base_user(report.base).pk, w.authority_user(report.base).pk, w.staff.pk}


# ---- last year ---------------------------------------------------------------------------------------------
def test_comparison_with_last_years_submitted_report(w):

    last_round = w.open_round(year=2024, reference_date=date(2024, 12, 31), authority_confirms=False)
    last = last_round.reports.get(base=w.bases[0])
    w.filed(last, pilot_projects=20, service_revenue=Decimal("3000000.00"))
    report = _report(w)
    report = svc.report_save(report=report, actor=w.base_user(report.base), data={"pilot_projects": 25})
    rows = {r.name: r for r in svc.report_comparison(report)}
    assert (
        rows["pilot_projects"].value,
        rows["pilot_projects"].previous,
        rows["pilot_projects"].change,
        rows["pilot_projects"].change_percent,
    ) == (25, 20, 5, Decimal("25.0"))
    assert (
        rows["service_revenue"].value,
        rows["service_revenue"].previous,
        rows["service_revenue"].change,
    ) == (None, Decimal("3000000.00"), None)
    assert svc.report_last_year(report) == last


def test_no_comparison_with_an_unsubmitted_report(w):
    w.open_round(year=2024, reference_date=date(2024, 12, 31))
    report = _report(w)
    assert svc.report_last_year(report) is None
    assert all(r.previous is None for r in svc.report_comparison(report))
