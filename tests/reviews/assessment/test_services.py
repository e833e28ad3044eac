"""Services of the assessment stage: commission, draw, seats, scoring, conclusion, reminders."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from pilotbase.models import ExpertKind, Notification, Reminder
from pilotbase.workflow import WorkflowError
from reviews.models import AssessmentState, AssignmentState, CommissionState, ExpertAssignment, PanelDraw
from reviews.services import assessment as svc
from tests import factories as f

from .conftest import score_and_submit, sheet


# ---- commission ------------------------------------------------------------------------------
def test_commission_create_makes_one_assessment_per_application_and_tells_the_agency(
        application, make_application, agency_user, department_user):
    other = make_application()
    commission = svc.commission_create(call=application.call, agency=agency_user.organization,
                                       applications=[application, other], due_on=timezone.localdate(),
                                       title="委托", actor=department_user)
    assert sorted(commission.assessments.values_list("state", flat=True)) == ["panel", "panel"]
    assert Notification.objects.filter(recipient=agency_user, kind="assessment.commissioned").count() == 1


def test_commission_create_refuses_an_application_without_passed_formal_check(call, agency_user, department_user):
    draft = f.ApplicationFactory(call=call)
    with pytest.raises(WorkflowError) as exc:
        svc.commission_create(call=call, agency=agency_user.organization, applications=[draft],
                              due_on=timezone.localdate(), title="委托", actor=department_user)
    assert "未通过形式审查" in str(exc.value)


def test_commission_create_refuses_a_second_commission_and_non_department(assessment, application, agency_user,
                                                                          department_user):
    with pytest.raises(WorkflowError):
        svc.commission_create(call=application.call, agency=agency_user.organization, applications=[application],
                              due_on=timezone.localdate(), title="再次委托", actor=department_user)
    with pytest.raises(PermissionDenied):
        svc.commission_create(call=application.call, agency=agency_user.organization, applications=[application],
                              due_on=timezone.localdate(), title="委托", actor=agency_user)


# ---- draw ------------------------------------------------------------------------------------
def test_panel_draw_seats_five_experts_of_every_kind_and_records_the_draw(drawn, expert_user):
    draw = PanelDraw.objects.get(assessment=drawn)
    seats = list(drawn.assignments.select_related("expert"))
    assert len(seats) == 5
    assert {s.expert.kind for s in seats} == set(ExpertKind.values)
    assert draw.seed == "fixed-seed"
    assert sorted(draw.drawn) == sorted(s.expert_id for s in seats)
    assert all(s.state == AssignmentState.INVITED and s.due_on == drawn.commission.due_on for s in seats)
    assert Notification.objects.filter(kind="assessment.invited").count() == 5


def test_panel_draw_excludes_applicant_partner_and_declared_conflicts(assessment, application, partner_org,
                                                                      agency_user, pool):
    own = f.ExpertProfileFactory(kind=ExpertKind.TECHNICAL, user__organization=application.applicant)
    partner = f.ExpertProfileFactory(kind=ExpertKind.MANAGEMENT, user__organization=partner_org)
    declared = f.ExpertProfileFactory(kind=ExpertKind.FINANCIAL)
    declared.conflicts.add(partner_org)
    draw = svc.panel_draw(assessment=assessment, actor=agency_user, size=5, seed="x")
    reasons = {x["expert"]: x["reason"] for x in draw.exclusions}
    assert reasons == {own.pk: "所在单位为申报单位，须回避", partner.pk: "所在单位为联合共建单位，须回避",
                       declared.pk: "已申明与共建单位存在利益关系，须回避"}
    assert not {own.pk, partner.pk, declared.pk} & set(draw.drawn)


def test_panel_draw_only_by_the_commissioned_agency_and_only_once(drawn, department_user):
    other_agency = f.AgencyUserFactory()
    with pytest.raises(PermissionDenied):
        svc.panel_draw(assessment=drawn, actor=other_agency)
    with pytest.raises(PermissionDenied):
        svc.panel_draw(assessment=drawn, actor=department_user)
    agency = f.AgencyUserFactory(organization=drawn.commission.agency)
    with pytest.raises(WorkflowError):
        svc.panel_draw(assessment=drawn, actor=agency)


def test_panel_redraw_replaces_a_recused_seat_with_a_same_kind_expert_not_conflicted(drawn, agency_user, pool):
    seat = drawn.assignments.select_related("expert__user").filter(expert__kind=ExpertKind.MANAGEMENT).first()
    svc.assignment_recuse(assignment=seat, actor=seat.expert.user, reason="曾与申报单位合作")
    draw = svc.panel_redraw(assignment=seat, actor=agency_user, seed="r1")
    new = ExpertAssignment.objects.get(draw=draw)
    assert draw.replaces_id == seat.pk
    assert new.expert.kind == ExpertKind.MANAGEMENT
    assert new.expert_id not in drawn.draws.first().drawn
    assert new.expert.user.organization_id not in {drawn.application.applicant_id}
    with pytest.raises(WorkflowError):  # one replacement per seat
        svc.panel_redraw(assignment=seat, actor=agency_user)


@pytest.mark.parametrize("state", ["invited", "accepted", "submitted"])
def test_panel_redraw_refused_unless_declined_or_recused(drawn, agency_user, state):
    seat = drawn.assignments.select_related("expert__user").first()
    if state != "invited":
        svc.assessment_start_scoring(assessment=drawn, actor=agency_user)
        seat = svc.assignment_accept(assignment=seat, actor=seat.expert.user, no_conflict=True, declaration="无")
    if state == "submitted":
        score_and_submit(seat)
    with pytest.raises(WorkflowError) as exc:
        svc.panel_redraw(assignment=seat, actor=agency_user)
    assert str(exc.value) == "只能为已谢绝或已回避的席位补抽专家。"


# ---- seat state table ------------------------------------------------------------------------
ALLOWED = {
    ("invited", "accept"): "accepted", ("invited", "decline"): "declined", ("invited", "recuse"): "recused",
    ("accepted", "recuse"): "recused", ("accepted", "submit"): "submitted",
}


def _to_state(seat, state):
    user = seat.expert.user
    if state == "accepted":
        return svc.assignment_accept(assignment=seat, actor=user, no_conflict=True, declaration="无")
    if state == "declined":
        return svc.assignment_decline(assignment=seat, actor=user, reason="时间冲突")
    if state == "recused":
        return svc.assignment_recuse(assignment=seat, actor=user, reason="利益冲突")
    if state == "submitted":
        return score_and_submit(_to_state(seat, "accepted"))
    return seat


def _run(seat, action):
    user = seat.expert.user
    if action == "accept":
        return svc.assignment_accept(assignment=seat, actor=user, no_conflict=True, declaration="无")
    if action == "decline":
        return svc.assignment_decline(assignment=seat, actor=user, reason="理由")
    if action == "recuse":
        return svc.assignment_recuse(assignment=seat, actor=user, reason="理由")
    scores, vetoes = sheet(seat.assessment.application.call)
    if seat.state == "accepted":
        svc.scores_save(assignment=seat, actor=user, scores=scores, vetoes=vetoes, opinion="同意")
    return svc.assignment_submit(assignment=seat, actor=user)


@pytest.mark.parametrize("state", ["invited", "accepted", "declined", "recused", "submitted"])
@pytest.mark.parametrize("action", ["accept", "decline", "recuse", "submit"])
def test_assignment_state_table(scoring, state, action):
    seat = _to_state(scoring.assignments.select_related("expert__user").first(), state)
    seat.refresh_from_db()
    target = ALLOWED.get((state, action))
    if target is None:
        with pytest.raises(WorkflowError):
            _run(seat, action)
    else:
        assert _run(seat, action).state == target


def test_assignment_accept_requires_the_conflict_declaration(drawn):
    seat = drawn.assignments.select_related("expert__user").first()
    with pytest.raises(WorkflowError) as exc:
        svc.assignment_accept(assignment=seat, actor=seat.expert.user, no_conflict=False, declaration="无")
    assert str(exc.value) == "接受邀请前须勾选并填写无利益冲突声明。"


def test_assignment_actions_refused_for_another_expert(drawn):
    seat = drawn.assignments.first()
    stranger = f.ExpertProfileFactory().user
    with pytest.raises(PermissionDenied):
        svc.assignment_accept(assignment=seat, actor=stranger, no_conflict=True, declaration="无")


# ---- scoring ---------------------------------------------------------------------------------
def test_scores_save_refuses_above_max_with_a_chinese_message(scoring):
    seat = _to_state(scoring.assignments.select_related("expert__user").first(), "accepted")
    scores, vetoes = sheet(scoring.application.call)
    first = scoring.application.call.indicators.filter(is_veto=False).order_by("order").first()
    scores[first.pk] = first.max_score + 1
    with pytest.raises(WorkflowError) as exc:
        svc.scores_save(assignment=seat, actor=seat.expert.user, scores=scores, vetoes=vetoes)
    assert str(exc.value) == "“能力条件”的得分应在 0 至 30.00 分之间。"


def test_assignment_submit_requires_every_indicator(scoring):
    seat = _to_state(scoring.assignments.select_related("expert__user").first(), "accepted")
    scores, vetoes = sheet(scoring.application.call)
    scores = dict.fromkeys(scores)  # draft with nothing scored
    svc.scores_save(assignment=seat, actor=seat.expert.user, scores=scores, vetoes=vetoes, opinion="意见")
    with pytest.raises(WorkflowError) as exc:
        svc.assignment_submit(assignment=seat, actor=seat.expert.user)
    assert str(exc.value).startswith("以下指标尚未评分：能力条件")


def test_scores_save_totals_the_scored_indicators(scoring):
    seat = score_and_submit(_to_state(scoring.assignments.select_related("expert__user").first(), "accepted"))
    assert seat.total == Decimal("80.00")


# ---- conclusion ------------------------------------------------------------------------------
def test_assessment_conclude_stores_the_outlier_mean(scored, agency_user):
    shares = [Decimal("0.9"), Decimal("0.8"), Decimal("0.7"), Decimal("0.6"), Decimal("0.1")]
    for seat, share in zip(scored.assignments.order_by("id"), shares, strict=True):
        from reviews.models import IndicatorScore

        IndicatorScore.objects.filter(assignment=seat).delete()
        ExpertAssignment.objects.filter(pk=seat.pk).update(total=Decimal(100) * share)
    visit = svc.site_visit_save(assessment=scored, actor=agency_user, visit_date=timezone.localdate(), team="核查组",
                                items={}, findings="", conclusion="consistent")
    svc.site_visit_complete(visit=visit, actor=agency_user)
    done = svc.assessment_conclude(assessment=scored, actor=agency_user, consensus_opinion="建议通过", passed=True)
    assert (done.state, done.total_score, done.vetoed) == ("passed", Decimal("70.00"), False)
    scored.commission.refresh_from_db()
    assert scored.commission.state == CommissionState.COMPLETED


def test_assessment_conclude_with_a_veto_must_fail(drawn, agency_user):
    svc.assessment_start_scoring(assessment=drawn, actor=agency_user)
    for i, seat in enumerate(drawn.assignments.select_related("expert__user").order_by("id")):
        score_and_submit(_to_state(seat, "accepted"), veto=(i == 0))
    drawn.refresh_from_db()
    svc.assessment_start_site_visit(assessment=drawn, actor=agency_user)
    drawn.refresh_from_db()
    visit = svc.site_visit_save(assessment=drawn, actor=agency_user, visit_date=timezone.localdate(), team="组",
                                items={}, findings="", conclusion="consistent")
    svc.site_visit_complete(visit=visit, actor=agency_user)
    with pytest.raises(WorkflowError) as exc:
        svc.assessment_conclude(assessment=drawn, actor=agency_user, consensus_opinion="通过", passed=True)
    assert str(exc.value) == "暂不能执行“评估结论：建议通过”：有专家触发一票否决，评估结论只能为不通过。"
    done = svc.assessment_conclude(assessment=drawn, actor=agency_user, consensus_opinion="否决", passed=False)
    assert (done.state, done.vetoed) == (AssessmentState.FAILED, True)


def test_start_site_visit_waits_for_every_seated_expert(drawn, agency_user):
    svc.assessment_start_scoring(assessment=drawn, actor=agency_user)
    seats = list(drawn.assignments.select_related("expert__user").order_by("id"))
    _to_state(seats[0], "declined")
    for seat in seats[1:-1]:
        score_and_submit(_to_state(seat, "accepted"))
    drawn.refresh_from_db()
    with pytest.raises(WorkflowError):
        svc.assessment_start_site_visit(assessment=drawn, actor=agency_user)
    score_and_submit(_to_state(seats[-1], "accepted"))
    drawn.refresh_from_db()
    assert svc.assessment_start_site_visit(assessment=drawn, actor=agency_user).state == AssessmentState.SITE_VISIT


def test_pass_needs_a_completed_site_visit(scored, agency_user):
    with pytest.raises(WorkflowError) as exc:
        svc.assessment_conclude(assessment=scored, actor=agency_user, consensus_opinion="通过", passed=True)
    assert str(exc.value) == "暂不能执行“评估结论：建议通过”：现场核查完成后才能作出通过结论。"


# ---- reminders -------------------------------------------------------------------------------
@pytest.mark.parametrize("offset,kind", [(3, None), (2, "due_soon"), (1, None), (0, "due_today"), (-1, None),
                                         (-2, "overdue"), (-3, None), (-4, "overdue")])
def test_reminder_kind_schedule(offset, kind):
    today = timezone.localdate()
    assert svc.reminder_kind(today + timedelta(days=offset), today) == kind


def test_reminder_sweep_twice_sends_once(drawn, agency_user):
    today = timezone.localdate()
    seats = list(drawn.assignments.order_by("id"))
    ExpertAssignment.objects.filter(pk=seats[0].pk).update(due_on=today + timedelta(days=2))
    ExpertAssignment.objects.filter(pk=seats[1].pk).update(due_on=today)
    ExpertAssignment.objects.filter(pk=seats[2].pk).update(due_on=today - timedelta(days=2))
    ExpertAssignment.objects.filter(pk__in=[s.pk for s in seats[3:]]).update(due_on=today + timedelta(days=5))
    first = svc.assignment_reminders_send(today)
    second = svc.assignment_reminders_send(today)
    assert (first, second) == (4, 0)  # 3 experts + the agency's daily digest of the overdue seat
    assert Notification.objects.filter(recipient=agency_user, kind="assessment.overdue_agency").count() == 1
    assert Reminder.objects.filter(kind="assessment.due_soon").count() == 1
    # Two days later: seat 0 due today, seat 1 two days overdue, seat 2 four days overdue (each expert), and
    # that day's digest of the two overdue seats.
    later = svc.assignment_reminders_send(today + timedelta(days=2))
    assert later == 4
    assert Notification.objects.filter(recipient=agency_user, kind="assessment.overdue_agency").count() == 2
    assert svc.assignment_reminders_send(today + timedelta(days=2)) == 0


def accept(seat):
    return svc.assignment_accept(assignment=seat, actor=seat.expert.user, no_conflict=True, declaration="无利益关系")


def test_experts_accept_during_panel_but_score_only_in_scoring(drawn, agency_user):
    seat = accept(drawn.assignments.select_related("expert__user").first())
    assert seat.state == AssignmentState.ACCEPTED
    with pytest.raises(WorkflowError) as exc:
        score_and_submit(seat)
    assert str(exc.value) == "专家组组建完成、受托机构开始专家评审后才能评分。"
    svc.assessment_start_scoring(assessment=drawn, actor=agency_user)
    seat.refresh_from_db()
    assert score_and_submit(seat).state == AssignmentState.SUBMITTED
