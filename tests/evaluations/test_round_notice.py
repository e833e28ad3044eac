"""考核结果公示 through the certification 公示 (reviews.PublicNotice, kind evaluation): opening it lists each included
base with its grade in Chinese and tells the bases; 公布考核结果 waits for the period and for every objection to be
handled, and closes the notice; 依异议调整等次 only after an upheld objection on that base, with a reason, the
notice's line corrected; the round page shows the notice, the objections to staff only."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import translation

from evaluations.models import EvaluationResult, EvaluationRound, Grade, RoundState
from evaluations.models.round import round_judged_on
from evaluations.services import notice as notice_svc
from evaluations.services import report as report_svc
from evaluations.services import round as round_svc
from evaluations.services import scoring as scoring_svc
from pilotbase.models import Notification, TransitionLog
from pilotbase.workflow import WorkflowError, blocked_reasons
from reviews.models import NoticeKind, NoticeState
from reviews.services import certification as cert

from .round_world import world
from .scoring_world import publish, score, scoring_round

pytestmark = pytest.mark.django_db
CERTIFIED = date(2023, 5, 1)
OBJECTOR = "李某某"
TOO_EARLY = "方可公布考核结果。"
PENDING = "考核结果公示尚有异议未处理，请先处理异议再公布考核结果。"
NOT_UPHELD = "只有针对该基地的公示异议成立后，才能在公布前调整其考核等次。"


def _confirmed(w, values=("95", "55", "30"), **settings) -> EvaluationRound:
    """A round in scoring, the bases (by id) scored `values` and their grades confirmed: 良好, 整改, 不合格 (优秀 is
    capped at 20 % of three bases)."""
    rnd = scoring_round(w, **settings)
    for ev, value in zip(rnd.evaluations.order_by("base_id"), values, strict=True):
        score(w, ev, value)
    scoring_svc.round_grades_confirm(rnd=rnd, actor=w.staff)
    return EvaluationRound.objects.get(pk=rnd.pk)


def _on_notice(w, values=("95", "55", "30"), **settings) -> EvaluationRound:
    rnd = _confirmed(w, values, **settings)
    return round_svc.round_advance(rnd=rnd, actor=w.staff, name="open_notice")


def _entry(rnd, base):
    return rnd.notice.entries.get(base=base)


def _object(rnd, base, *, name: str = OBJECTOR):
    return cert.objection_file(entry=_entry(rnd, base), content="该基地年度报告中的服务收入与实际不符。",
                               objector_name=name, objector_phone="13800000000")


def _upheld(w, rnd, base):
    return cert.objection_uphold(objection=_object(rnd, base), actor=w.staff, resolution="经核实，服务收入统计有误。")


def _ev(rnd, base):
    return rnd.evaluations.get(base=base)


def test_opening_the_notice_lists_each_included_base_with_its_grade_in_chinese_and_tells_the_bases():
    w = world(certified=[CERTIFIED] * 4)
    rnd = w.round(scoring_mode="staff", authority_confirms=False, notice_working_days=7,
                  notice_contact="成果转化与区域创新处，电话 0771-1234567")
    round_svc.round_base_exclude(rnd=rnd, base=w.bases[3], actor=w.staff, reason="本年度停产搬迁。")
    rnd = round_svc.round_open_reports(rnd=rnd, actor=w.staff)
    for report in rnd.reports.all():
        report_svc.report_accept(report=w.filed(report), actor=w.agency)
    rnd = round_svc.round_advance(rnd=rnd, actor=w.staff, name="start_scoring")
    for ev, value in zip(rnd.evaluations.order_by("base_id"), ("30", "95", "55"), strict=True):
        score(w, ev, value)
    scoring_svc.round_grades_confirm(rnd=rnd, actor=w.staff)

    with translation.override("en"):  # the notice is Chinese whatever the staff member reads
        rnd = round_svc.round_advance(rnd=rnd, actor=w.staff, name="open_notice")

    rnd = EvaluationRound.objects.get(pk=rnd.pk)
    notice = rnd.notice
    assert rnd.state == RoundState.NOTICE
    assert (notice.kind, notice.state, notice.call_id) == (NoticeKind.EVALUATION, NoticeState.PUBLISHED, None)
    assert notice.title == f"{rnd.year}年度广西科技成果转化中试研究基地绩效考核结果公示"
    assert (notice.working_days, notice.contact) == (7, "成果转化与区域创新处，电话 0771-1234567")
    assert notice.ends_on > notice.last_day >= notice.starts_on
    # One line per included base (the excluded fourth has none), by grade then name, the grade in Chinese.
    assert [(e.base, e.text) for e in notice.entries.order_by("order")] == [
        (w.bases[1], "良好"), (w.bases[2], "整改"), (w.bases[0], "不合格")]
    told = Notification.objects.filter(kind="notice.base_listed")
    assert sorted((n.recipient_id, n.url) for n in told) == sorted(
        (w.base_user(b).pk, reverse("public:notice_detail", args=[notice.pk])) for b in w.bases[:3])
    assert f"“{w.bases[0].name}”不合格" in told.get(recipient=w.base_user(w.bases[0])).title
    assert not Notification.objects.filter(recipient=w.base_user(w.bases[3])).filter(kind="notice.base_listed")


def test_publish_waits_for_the_period_then_closes_the_notice():
    w = world(certified=[CERTIFIED] * 3)
    rnd = _on_notice(w)
    notice = rnd.notice
    with round_judged_on(notice.ends_on - timedelta(days=1)):
        (reason,) = blocked_reasons(rnd, "publish")
        with pytest.raises(WorkflowError, match=TOO_EARLY) as refused:
            round_svc.round_advance(rnd=rnd, actor=w.staff, name="publish")
    assert "考核结果公示期至" in reason and TOO_EARLY in reason
    assert "截止" in str(refused.value)
    rnd.refresh_from_db()
    assert rnd.state == RoundState.NOTICE and not EvaluationResult.objects.filter(year=rnd.year).exists()

    rnd = publish(w, rnd)
    assert rnd.state == RoundState.PUBLISHED
    notice.refresh_from_db()
    assert notice.state == NoticeState.CLOSED
    assert EvaluationResult.objects.filter(year=rnd.year).count() == 3


def test_publish_waits_while_an_objection_is_pending():
    w = world(certified=[CERTIFIED] * 3)
    rnd = _on_notice(w)
    objection = _object(rnd, w.bases[2])
    with round_judged_on(rnd.notice.ends_on):
        assert blocked_reasons(rnd, "publish") == [PENDING]
        with pytest.raises(WorkflowError, match=PENDING):
            round_svc.round_advance(rnd=rnd, actor=w.staff, name="publish")
    cert.objection_dismiss(objection=objection, actor=w.staff, resolution="经核实，报告数据无误。")
    rnd = publish(w, rnd)
    assert rnd.state == RoundState.PUBLISHED


def test_a_grade_is_amended_only_after_an_upheld_objection_on_that_base():
    w = world(certified=[CERTIFIED] * 3)
    rnd = _on_notice(w)
    first, second = _ev(rnd, w.bases[0]), _ev(rnd, w.bases[1])
    with pytest.raises(WorkflowError, match=NOT_UPHELD):  # no objection yet
        notice_svc.evaluation_grade_amend(evaluation=first, actor=w.staff, grade=Grade.PASS, reason="核实")
    dismissed = _object(rnd, w.bases[0])
    cert.objection_dismiss(objection=dismissed, actor=w.staff, resolution="不成立。")
    _upheld(w, rnd, w.bases[1])  # upheld, but about the other base
    with pytest.raises(WorkflowError, match=NOT_UPHELD):
        notice_svc.evaluation_grade_amend(evaluation=first, actor=w.staff, grade=Grade.PASS, reason="核实")
    first.refresh_from_db()
    assert first.grade == Grade.GOOD and _entry(rnd, w.bases[0]).text == "良好"

    for reason in ("", "   "):
        with pytest.raises(WorkflowError, match="请填写调整等次的理由。"):
            notice_svc.evaluation_grade_amend(evaluation=second, actor=w.staff, grade=Grade.FAIL, reason=reason)
    with pytest.raises(WorkflowError, match="调整后的等次与当前等次相同。"):
        notice_svc.evaluation_grade_amend(evaluation=second, actor=w.staff, grade=Grade.RECTIFY, reason="核实")

    amended = notice_svc.evaluation_grade_amend(evaluation=second, actor=w.staff, grade=Grade.FAIL,
                                                reason="服务收入虚报，按规定评为不合格。")
    amended.refresh_from_db()
    assert (amended.grade, amended.change_reason) == (Grade.FAIL, "服务收入虚报，按规定评为不合格。")
    line = _entry(rnd, w.bases[1])
    assert (line.text, line.state) == ("不合格", "listed")  # the line stays on the notice with the new grade
    log = TransitionLog.objects.get(transition="amend_grade", record_id=second.pk)
    assert log.actor == w.staff and log.label == "依异议调整等次"
    assert log.comment == "公示期间异议成立，等次由“整改”调整为“不合格”。理由：服务收入虚报，按规定评为不合格。"
    assert TransitionLog.objects.get(transition="amend", record_id=line.pk).comment == log.comment

    rnd = publish(w, rnd)  # what is published is the amended grade
    assert EvaluationResult.objects.get(year=rnd.year, base=w.bases[1]).grade == Grade.FAIL


def test_a_grade_is_amended_only_while_the_results_are_on_notice():
    w = world(certified=[CERTIFIED] * 3)
    rnd = _confirmed(w)
    with pytest.raises(WorkflowError, match="本年度考核不在结果公示阶段"):  # before the notice
        notice_svc.evaluation_grade_amend(evaluation=_ev(rnd, w.bases[1]), actor=w.staff, grade=Grade.FAIL,
                                          reason="核实")
    rnd = round_svc.round_advance(rnd=rnd, actor=w.staff, name="open_notice")
    _upheld(w, rnd, w.bases[1])
    rnd = publish(w, rnd)
    with pytest.raises(WorkflowError, match="本年度考核不在结果公示阶段"):  # after publication
        notice_svc.evaluation_grade_amend(evaluation=_ev(rnd, w.bases[1]), actor=w.staff, grade=Grade.FAIL,
                                          reason="核实")
    assert _ev(rnd, w.bases[1]).grade == Grade.RECTIFY


# ---- pages ------------------------------------------------------------------------------------------------------
def _get(client: Client, user, url: str) -> str:
    client.force_login(user)
    response = client.get(url)
    assert response.status_code == 200
    return response.content.decode()


def test_the_round_page_shows_the_notice_and_the_objections_to_staff_only(client):
    w = world(certified=[CERTIFIED] * 3)
    rnd = _on_notice(w)
    _object(rnd, w.bases[2])
    url = reverse("evaluations:round_detail", args=[rnd.pk])

    html = _get(client, w.staff, url)
    assert 'id="round-notice"' in html and "公示中" in html
    assert reverse("public:notice_detail", args=[rnd.notice.pk]) in html
    assert 'id="notice-objections"' in html and OBJECTOR in html and "待处理 1 条" in html
    assert reverse("reviews:notice_objection_handle", args=[rnd.notice.entries.get(base=w.bases[2])
                                                            .objections.get().pk]) in html
    assert 'id="publish-action"' in html and PENDING in html  # disabled, with the reasons

    html = _get(client, w.agency, url)
    assert 'id="round-notice"' in html and reverse("public:notice_detail", args=[rnd.notice.pk]) in html
    assert 'id="notice-objections"' not in html and OBJECTOR not in html and "异议人" not in html
    assert reverse("reviews:notice_detail", args=[rnd.notice.pk]) not in html

    public = Client().get(reverse("public:notice_detail", args=[rnd.notice.pk])).content.decode()
    assert w.bases[2].name in public and "不合格" in public and OBJECTOR not in public


def test_the_round_page_links_an_upheld_objection_to_the_grade_amendment(client):
    w = world(certified=[CERTIFIED] * 3)
    rnd = _on_notice(w)
    _upheld(w, rnd, w.bases[1])
    html = _get(client, w.staff, reverse("evaluations:round_detail", args=[rnd.pk]))
    link = reverse("evaluations:evaluation_detail", args=[_ev(rnd, w.bases[1]).pk]) + "#amend_grade-action"
    assert link in html


def test_staff_amend_a_grade_on_the_evaluation_page(client):
    w = world(certified=[CERTIFIED] * 3)
    rnd = _on_notice(w)
    ev = _ev(rnd, w.bases[1])
    url = reverse("evaluations:evaluation_detail", args=[ev.pk])
    assert 'id="amend_grade-action"' not in _get(client, w.staff, url)  # no upheld objection: not offered
    refused = client.post(url, {"transition": "amend_grade", "expected_state": ev.state,
                                "amend_grade-grade": "fail", "amend_grade-reason": "核实"}, follow=True)
    assert NOT_UPHELD in refused.content.decode()

    _upheld(w, rnd, w.bases[1])
    html = _get(client, w.staff, url)
    assert 'id="amend_grade-action"' in html and "调整后的等次" in html

    kept = client.post(url, {"transition": "amend_grade", "expected_state": ev.state,
                             "amend_grade-grade": "fail", "amend_grade-reason": ""})
    assert kept.status_code == 200
    assert "请填写调整等次的理由。" in kept.content.decode()
    assert kept.context["action_forms"]["amend_grade"]["grade"].value() == "fail"  # what was chosen is kept
    ev.refresh_from_db()
    assert ev.grade == Grade.RECTIFY

    done = client.post(url, {"transition": "amend_grade", "expected_state": ev.state,
                             "amend_grade-grade": "fail", "amend_grade-reason": "服务收入虚报。"})
    assert done.status_code == 302
    ev.refresh_from_db()
    assert (ev.grade, ev.change_reason) == (Grade.FAIL, "服务收入虚报。")
    assert _entry(rnd, w.bases[1]).text == "不合格"
    assert "已完成：依异议调整等次" in _get(client, w.staff, url)

    client.force_login(w.agency)  # the agency reads the page but the amendment is staff's
    assert client.post(url, {"transition": "amend_grade", "expected_state": ev.state,
                             "amend_grade-grade": "pass", "amend_grade-reason": "x"}).status_code == 403
    ev.refresh_from_db()
    assert ev.grade == Grade.FAIL
