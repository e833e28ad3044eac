"""Reminders with a frozen clock: walking a round's calendar day by day (the sweep twice a day), each base that has
not submitted is reminded 7 and 1 days before the deadline, on the day and once when overdue; after the deadline
plus grace its report is late, and the round's rule makes it 不合格 「未按时提交」."""

from datetime import date, timedelta

import pytest
from django.core import mail
from django.utils import timezone

from evaluations.models import AnnualReport, ReportState
from evaluations.models.round import round_judged_on
from evaluations.services.report_reminders import report_reminders_sweep
from pilotbase import registry
from pilotbase.models import Notification, Reminder
from pilotbase.recipients import Kind

from .round_world import world

pytestmark = pytest.mark.django_db


def test_reminders_fire_on_the_right_days_once_each(django_capture_on_commit_callbacks):
    w = world(certified=[date(2023, 5, 1), date(2023, 6, 1)])
    rnd = w.open_round(reference_date=date(2025, 12, 31), deadline_in=10, reminder_days="7,1", grace_days=5)
    filer, late = (rnd.reports.get(base=b) for b in w.bases)
    w.filed(filer)  # submitted: never reminded
    deadline = rnd.report_deadline
    sent_on = {}
    for offset in range(-9, 8):
        day = deadline + timedelta(days=offset)
        with django_capture_on_commit_callbacks(execute=True):
            first = report_reminders_sweep(today=day)
            second = report_reminders_sweep(today=day)
        assert second == 0, day
        if first:
            sent_on[offset] = first
    assert sent_on == {-7: 1, -1: 1, 0: 1, 1: 1, 6: 1}  # 7 days, 1 day, the day, overdue, then marked late
    user = w.base_user(late.base)
    keys = sorted(Reminder.objects.filter(recipient=user).values_list("key", flat=True))
    iso = deadline.isoformat()
    assert keys == sorted(
        f"report-deadline:{late.pk}:{stage}:{iso}:{user.pk}" for stage in ("7", "1", "day", "overdue")
    )
    late = AnnualReport.objects.select_related("round").get(pk=late.pk)
    assert late.state == ReportState.LATE
    assert late.late_fail_reason == "未按时提交"
    assert AnnualReport.objects.get(pk=filer.pk).state == ReportState.SUBMITTED
    subjects = [m.subject for m in mail.outbox if m.to == [user.email]]
    assert any("还有7天截止" in s for s in subjects) and any("今天截止" in s for s in subjects)
    assert any("已逾期" in s for s in subjects)
    assert Notification.objects.filter(recipient=user, kind=Kind.ANNUAL_REPORT_OVERDUE).count() == 1


def test_a_sweep_that_was_down_catches_up_with_the_smallest_due():
    w = world(certified=[date(2023, 5, 1)])
    rnd = w.open_round(reference_date=date(2025, 12, 31), deadline_in=10, reminder_days="7,3")
    report = rnd.reports.get()
    assert report_reminders_sweep(today=rnd.report_deadline - timedelta(days=2)) == 1
    assert Reminder.objects.get().key.startswith(f"report-deadline:{report.pk}:3:")


def test_late_rule_off_marks_late_without_a_grade():
    w = world(certified=[date(2023, 5, 1)])
    rnd = w.open_round(reference_date=date(2025, 12, 31), late_fails=False)
    report_reminders_sweep(today=rnd.final_day + timedelta(days=1))
    report = AnnualReport.objects.select_related("round").get()
    assert (report.state, report.late_fail_reason) == (ReportState.LATE, "")


def test_the_registered_sweeper_reads_the_judged_day():
    w = world(certified=[date(2023, 5, 1)])
    rnd = w.open_round(reference_date=date(2025, 12, 31), deadline_in=10, reminder_days="7")
    with round_judged_on(rnd.report_deadline - timedelta(days=7)):
        sent = sum(sweep() for sweep in registry.sweepers())
    assert sent >= 1
    assert Reminder.objects.filter(key__startswith="report-deadline:").count() == 1
    assert timezone.localdate() < rnd.report_deadline - timedelta(days=7)  # the real clock was not there yet
