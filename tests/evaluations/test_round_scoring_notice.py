"""A notice when scoring starts: as the round goes from 年度报告填报 to 评价打分, the commissioned agency's users and
every base of the round are told by e-mail and in the portal, once (a base filed late hears it is 不合格)."""

from datetime import date, timedelta

import pytest
from django.core import mail
from django.urls import reverse

from evaluations.models import RoundState
from evaluations.models.round import round_judged_on
from evaluations.services import report as report_svc
from evaluations.services import round as svc
from pilotbase.models import Notification
from pilotbase.recipients import Kind
from pilotbase.workflow import WorkflowError

from .round_world import world

pytestmark = pytest.mark.django_db

REF = date(2025, 12, 31)


def _settled(mode: str = "staff"):
    """Two bases: one report accepted, one marked late; the round waits to enter 评价打分."""
    w = world(certified=[date(2023, 5, 1), date(2023, 6, 1)])
    rnd = w.open_round(reference_date=REF, authority_confirms=False, scoring_mode=mode)
    filed, late = rnd.reports.order_by("base_id")
    report_svc.report_accept(report=w.filed(filed), actor=w.agency)
    w.rnd, w.filed_report, w.late_report = rnd, filed, late
    w.day = rnd.final_day + timedelta(days=1)
    with round_judged_on(w.day):
        report_svc.report_mark_late(report=late)
    return w


@pytest.fixture
def w():
    return _settled()


def _mails(user) -> list:
    return [m for m in mail.outbox if m.to == [user.email] and "评价打分" in m.subject]


def test_the_agency_and_every_base_are_told_once(w, django_capture_on_commit_callbacks):
    agency, on_time, late = w.agency, w.base_user(w.bases[0]), w.base_user(w.bases[1])
    mail.outbox.clear()
    with round_judged_on(w.day), django_capture_on_commit_callbacks(execute=True):
        rnd = svc.round_advance(rnd=w.rnd, actor=w.staff, name="start_scoring")
    assert rnd.state == RoundState.SCORING

    (to_agency,) = _mails(agency)
    assert "共2个基地待评价" in to_agency.body and "请逐一对已受理的年度报告评分" in to_agency.body
    assert reverse("evaluations:round_detail", args=[rnd.pk]) in to_agency.body
    (to_base,) = _mails(on_time)
    assert "年度报告已受理，由第三方机构评价" in to_base.body
    assert reverse("evaluations:report_detail", args=[w.filed_report.pk]) in to_base.body
    (to_late,) = _mails(late)
    assert "未按时提交年度报告，按本年度考核规则评为不合格（未按时提交）" in to_late.body
    assert len(to_base.alternatives) == 1 and "评价打分" in to_base.alternatives[0][0]  # the HTML part

    bell = Notification.objects.filter(kind=Kind.EVALUATION_SCORING_STARTED)
    assert sorted(bell.values_list("recipient", flat=True)) == sorted([agency.pk, on_time.pk, late.pk])
    assert not bell.filter(recipient=w.staff).exists()

    with round_judged_on(w.day), django_capture_on_commit_callbacks(execute=True), \
            pytest.raises(WorkflowError):
        svc.round_advance(rnd=rnd, actor=w.staff, name="start_scoring")
    assert bell.count() == 3 and len(_mails(agency)) == 1  # once


def test_the_experts_mode_asks_the_agency_to_draw(django_capture_on_commit_callbacks):
    w = _settled("experts")
    mail.outbox.clear()
    with round_judged_on(w.day), django_capture_on_commit_callbacks(execute=True):
        svc.round_advance(rnd=w.rnd, actor=w.staff, name="start_scoring")
    (to_agency,) = _mails(w.agency)
    assert "请为每个基地抽取评审专家" in to_agency.body


def test_nothing_is_sent_while_reports_are_unsettled(django_capture_on_commit_callbacks):
    w = world(certified=[date(2023, 5, 1)])
    rnd = w.open_round(reference_date=REF, authority_confirms=False)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(WorkflowError, match="仍有基地"):
        svc.round_advance(rnd=rnd, actor=w.staff, name="start_scoring")
    assert mail.outbox == [] and not Notification.objects.filter(kind=Kind.EVALUATION_SCORING_STARTED).exists()
