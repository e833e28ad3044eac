"""The seat reminder sweep in bulk: what the mails say, and queries that do not grow with the reminders sent."""

from datetime import timedelta

import pytest
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from pilotbase.models import Notification
from reviews.models import ExpertAssignment
from reviews.services import assessment as svc

pytestmark = pytest.mark.django_db


def _overdue(drawn, n):
    today = timezone.localdate()
    seats = list(drawn.assignments.order_by("id"))
    ExpertAssignment.objects.filter(pk__in=[s.pk for s in seats[:n]]).update(due_on=today - timedelta(days=2))
    ExpertAssignment.objects.filter(pk__in=[s.pk for s in seats[n:]]).update(due_on=today + timedelta(days=5))
    return seats[:n]


@pytest.mark.parametrize("overdue", [1, 5])
def test_sweep_queries_do_not_grow_with_the_reminders_sent(
    drawn, agency_user, overdue, django_capture_on_commit_callbacks
):
    """The seats due, the agency's staff, the sent keys, the names of the new ones (applications, experts), then
    one INSERT each for the notices, the keys and the mails: 2 or 10 reminders, the same queries."""
    _overdue(drawn, overdue)
    with django_capture_on_commit_callbacks(execute=True):
        with CaptureQueriesContext(connection) as queries:
            # each expert, and the agency about each seat
            assert svc.assignment_reminders_send() == 2 * overdue
    # PostgreSQL takes the ids from the sequences and COPYs the keys in a savepoint: 4 more, as constant
    assert len(queries) == {"sqlite": 10, "postgresql": 14}[connection.vendor]
    assert len(mail.outbox) == 2 * overdue
    with CaptureQueriesContext(connection) as again:
        assert svc.assignment_reminders_send() == 0
    assert len(again) == 3  # seats, agency staff, keys: no names read, nothing written


def test_reminder_mails_name_the_application_the_expert_and_the_date(
    drawn, agency_user, django_capture_on_commit_callbacks
):
    (seat,) = _overdue(drawn, 1)
    seat.refresh_from_db()
    with django_capture_on_commit_callbacks(execute=True):
        svc.assignment_reminders_send()
    due = seat.due_on
    date_cn = f"{due.year}年{due.month}月{due.day}日"
    name = drawn.application.name
    expert_mail = next(m for m in mail.outbox if m.to == [seat.expert.user.email])
    assert expert_mail.subject == f"【广西科技成果转化中试研究基地管理平台】评审提醒：{name}"
    assert f"您对“{name}”的评审已于 {date_cn} 截止，目前仍未完成，请尽快处理。" in expert_mail.body
    assert f"/reviews/assessment/seats/{seat.pk}/" in expert_mail.body
    agency_mail = next(m for m in mail.outbox if m.to == [agency_user.email])
    assert (
        f"专家 {seat.expert.user} 对“{name}”的评审已超过截止日期（{date_cn}），当前状态：{seat.get_state_display()}。"
        in agency_mail.body
    )
    note = Notification.objects.get(recipient=agency_user, kind="assessment.overdue_agency")
    assert (note.title, note.url) == (f"专家评审逾期：{name}", f"/reviews/assessment/{drawn.pk}/")
    assert "http" not in note.body and "请联系专家或补抽" in note.body
