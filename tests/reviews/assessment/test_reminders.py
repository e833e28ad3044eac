"""The seat reminder sweep in bulk: each expert is reminded of each seat, the agency's staff get one digest a day of
the overdue seats; what the mails say, and queries that do not grow with the seats or the reminders sent."""

from datetime import timedelta

import pytest
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from pilotbase.models import Notification, Reminder
from reviews.models import AssignmentState, ExpertAssignment
from reviews.services import assessment as svc
from tests import factories as f

pytestmark = pytest.mark.django_db


def _overdue(drawn, *days_late):
    """The first seats due `days_late` days ago (in that order), the others in 5 days."""
    today = timezone.localdate()
    seats = list(drawn.assignments.select_related("expert__user").order_by("id"))
    for seat, late in zip(seats, days_late, strict=False):
        ExpertAssignment.objects.filter(pk=seat.pk).update(due_on=today - timedelta(days=late))
    ExpertAssignment.objects.filter(pk__in=[s.pk for s in seats[len(days_late):]]).update(
        due_on=today + timedelta(days=5))
    return seats[:len(days_late)]


@pytest.mark.parametrize("overdue", [1, 5])
def test_sweep_queries_do_not_grow_with_the_overdue_seats(
    drawn, agency_user, overdue, monkeypatch, django_capture_on_commit_callbacks
):
    """The seats due, the agency's staff, the sent keys, the names of the new ones (applications, experts), then
    one INSERT each for the notices, the keys and the mails: 1 or 5 overdue seats (more than the digest names), the
    same queries; each expert is reminded, the agency's staff member gets one digest."""
    monkeypatch.setattr(svc, "DIGEST_SEATS", 3)
    _overdue(drawn, *[2] * overdue)
    with django_capture_on_commit_callbacks(execute=True):
        with CaptureQueriesContext(connection) as queries:
            assert svc.assignment_reminders_send() == overdue + 1
    # PostgreSQL takes the ids from the sequences (one query) and COPYs the keys in a savepoint: 3 more, as constant
    assert len(queries) == {"sqlite": 10, "postgresql": 13}[connection.vendor]
    assert len(mail.outbox) == overdue + 1
    assert Notification.objects.filter(recipient=agency_user, kind="assessment.overdue_agency").count() == 1
    with CaptureQueriesContext(connection) as again:
        assert svc.assignment_reminders_send() == 0
    assert len(again) == 3  # seats, agency staff, keys: no names read, nothing written


def test_the_digest_counts_the_overdue_seats_and_names_the_longest_overdue(
    drawn, agency_user, monkeypatch, settings, django_capture_on_commit_callbacks
):
    monkeypatch.setattr(svc, "DIGEST_SEATS", 2)
    first, second, third = _overdue(drawn, 4, 2, 3)
    with django_capture_on_commit_callbacks(execute=True):
        svc.assignment_reminders_send()
    today = timezone.localdate()

    def cn(day):
        return f"{day.year}年{day.month}月{day.day}日"

    name, site = drawn.application.name, settings.SITE_URL
    (digest,) = [m for m in mail.outbox if m.to == [agency_user.email]]
    assert digest.subject == "【广西科技成果转化中试研究基地管理平台】专家评审逾期汇总：3 个评审席位未按期完成"
    assert (
        f"截至 {cn(today)}，贵机构受托评估的项目中有 3 个专家评审席位已超过截止日期仍未完成，以下为逾期最久的 2 个："
        in digest.body
    )
    state = AssignmentState(first.state).label
    lines = [
        f"1. “{name}”，专家 {first.expert.user}，截止日期 {cn(today - timedelta(days=4))}，当前状态：{state}",
        f"   {site}/reviews/assessment/{drawn.pk}/",
        f"2. “{name}”，专家 {third.expert.user}，截止日期 {cn(today - timedelta(days=3))}，当前状态：{state}",
        f"   {site}/reviews/assessment/{drawn.pk}/",
    ]
    assert "\n".join(lines) in digest.body
    assert str(second.expert.user) not in digest.body  # the third-longest overdue: counted, not named
    assert f"在平台中查看全部评估委托：{site}/reviews/assessment/commissions/" in digest.body
    html = digest.alternatives[0][0]
    assert html.count(f'<a href="{site}/reviews/assessment/{drawn.pk}/">') == 2
    note = Notification.objects.get(recipient=agency_user, kind="assessment.overdue_agency")
    assert (note.title, note.url) == ("专家评审逾期汇总：3 个评审席位未按期完成", "/reviews/assessment/commissions/")
    assert "http" not in note.body and lines[0] in note.body and "请联系相关专家或补抽" in note.body
    # the experts' own reminders stay one per seat
    expert_mail = next(m for m in mail.outbox if m.to == [first.expert.user.email])
    assert expert_mail.subject == f"【广西科技成果转化中试研究基地管理平台】评审提醒：{name}"
    assert f"您对“{name}”的评审已于 {cn(today - timedelta(days=4))} 截止，目前仍未完成，请尽快处理。" in expert_mail.body
    assert f"/reviews/assessment/seats/{first.pk}/" in expert_mail.body


def test_a_digest_lists_every_seat_when_few_are_overdue(drawn, agency_user, django_capture_on_commit_callbacks):
    (seat,) = _overdue(drawn, 2)
    with django_capture_on_commit_callbacks(execute=True):
        svc.assignment_reminders_send()
    (digest,) = [m for m in mail.outbox if m.to == [agency_user.email]]
    assert "有 1 个专家评审席位已超过截止日期仍未完成，明细如下：" in digest.body
    assert f"1. “{drawn.application.name}”，专家 {seat.expert.user}，" in digest.body


def test_each_staff_member_gets_one_digest_a_day_while_seats_are_overdue(drawn, agency_user):
    colleague = f.AgencyUserFactory(organization=agency_user.organization)
    seats = _overdue(drawn, 3, 3)  # odd days late: no expert reminder today, only the digest
    today = timezone.localdate()
    assert svc.assignment_reminders_send(today) == 2
    assert svc.assignment_reminders_send(today) == 0  # the same day: sent
    for user in (agency_user, colleague):
        assert Notification.objects.filter(recipient=user, kind="assessment.overdue_agency").count() == 1
    # the next day: 4 days late, the experts are reminded again, and a new digest for each staff member
    assert svc.assignment_reminders_send(today + timedelta(days=1)) == 2 + 2
    assert Reminder.objects.filter(key=f"assess-agency-digest:{colleague.pk}:{today + timedelta(days=1)}").exists()
    # once no seat is overdue, no digest
    ExpertAssignment.objects.filter(pk__in=[s.pk for s in seats]).update(state=AssignmentState.SUBMITTED)
    assert svc.assignment_reminders_send(today + timedelta(days=2)) == 0
