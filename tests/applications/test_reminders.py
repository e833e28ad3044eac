from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from applications.models import Call
from applications.services import deadline_reminders_sweep
from pilotbase.models import Delivery, Reminder
from tests import factories as f

pytestmark = pytest.mark.django_db


def _closing_in(days: int) -> Call:
    closes = timezone.localtime() + timedelta(days=days)
    return f.CallFactory(closes_at=closes.replace(hour=23, minute=59))


def test_reminder_sweep_twice_sends_each_reminder_once(applicant, django_capture_on_commit_callbacks):
    call = _closing_in(7)
    draft = f.ApplicationFactory(call=call, applicant=applicant.organization)
    colleague = f.ApplicantUserFactory(organization=applicant.organization)
    other = f.ApplicantUserFactory()
    f.ApplicationFactory(call=call, applicant=other.organization)  # another unit's draft: its own user only
    with django_capture_on_commit_callbacks(execute=True):
        first = deadline_reminders_sweep()
    with django_capture_on_commit_callbacks(execute=True):
        second = deadline_reminders_sweep()
    assert (first, second) == (3, 0)
    keys = set(Reminder.objects.filter(recipient__in=[applicant, colleague]).values_list("key", flat=True))
    closes_on = timezone.localtime(call.closes_at).date().isoformat()
    assert keys == {f"app-deadline:{draft.pk}:7:{closes_on}:{applicant.pk}",
                    f"app-deadline:{draft.pk}:7:{closes_on}:{colleague.pk}"}
    assert Delivery.objects.count() == 3
    assert len(mail.outbox) == 3
    assert mail.outbox[0].subject.startswith("【广西科技成果转化中试研究基地管理平台】申报即将截止（还剩 7 天）")


def test_reminder_sweep_skips_submitted_and_far_deadlines(submitted):
    _far = _closing_in(20)
    f.ApplicationFactory(call=_far)
    Call.objects.filter(pk=submitted.call_id).update(closes_at=timezone.now() + timedelta(days=1))
    assert deadline_reminders_sweep() == 0


def test_reminder_sweep_last_day_uses_smallest_due(applicant):
    call = _closing_in(1)
    draft = f.ApplicationFactory(call=call, applicant=applicant.organization)
    assert deadline_reminders_sweep() == 1
    assert Reminder.objects.get().key.startswith(f"app-deadline:{draft.pk}:1:")


@pytest.mark.parametrize("drafts", [1, 4])
def test_reminder_sweep_again_costs_the_same_queries_whatever_the_drafts(drafts, django_assert_num_queries):
    """Due reminders are found with one query per kind and their keys looked up in bulk: a second sweep that
    sends nothing reads the calls, the drafts, their users and the sent keys (4 queries), not one per draft."""
    call = _closing_in(3)
    for _ in range(drafts):
        f.ApplicationFactory(call=call, applicant=f.ApplicantUserFactory().organization)
    assert deadline_reminders_sweep() == drafts
    with django_assert_num_queries(4):
        assert deadline_reminders_sweep() == 0


def test_reminder_keys_inserted_elsewhere_are_not_sent_again(applicant):
    """A key a concurrent sweep inserted between the lookup and the INSERT is skipped by ON CONFLICT DO NOTHING."""
    from pilotbase.notifications import Due, _reminder_keys_insert, remind_many

    due = Due(key="race:1", recipient=applicant, kind="deadline", template="application_deadline",
              context={"application": None, "call": None, "days": 1})
    assert [key for _pk, key in _reminder_keys_insert([due])] == ["race:1"]
    assert _reminder_keys_insert([due]) == []
    assert remind_many([due]) == 0
    assert Reminder.objects.filter(key="race:1").count() == 1


@pytest.mark.parametrize("drafts", [3, 30])
def test_reminder_sweep_queries_do_not_grow_with_the_reminders_sent(drafts, django_capture_on_commit_callbacks):
    """A sweep that sends: the calls, the drafts, their users, the sent keys, then per 1,000 reminders one INSERT
    each for the notices, the keys and the mails (and a savepoint): the same for 3 and 30 drafts."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    call = _closing_in(3)
    for _ in range(drafts):
        f.ApplicationFactory(call=call, applicant=f.ApplicantUserFactory().organization)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        with CaptureQueriesContext(connection) as queries:
            assert deadline_reminders_sweep() == drafts
    # PostgreSQL takes the ids from the sequences (one query) and COPYs the keys in a savepoint: 3 more, as constant
    assert len(queries) == {"sqlite": 9, "postgresql": 12}[connection.vendor]
    assert len(callbacks) == 1  # one send task for the mails
    assert len(mail.outbox) == drafts
