"""Deadline reminders for authorities: 3 and 1 days before, once each."""

import pytest

from pilotbase.models import Reminder
from reviews.hooks.recommendation import recommendation_deadline_sweep
from tests.clock import local_noon

pytestmark = pytest.mark.django_db


def set_deadline(call, days):
    deadline = local_noon(days)
    type(call).objects.filter(pk=call.pk).update(recommendation_deadline=deadline)


@pytest.mark.parametrize("days,sent", [(3, 1), (1, 1), (2, 0), (5, 0)])
def test_sweep_reminds_on_the_3rd_and_1st_day(rec, authority_user, call, days, sent):
    set_deadline(call, days)
    assert recommendation_deadline_sweep() == sent
    assert recommendation_deadline_sweep() == 0  # twice sends once
    assert Reminder.objects.filter(recipient=authority_user).count() == sent


def test_sweep_skips_authorities_with_nothing_left(rec, authority_user, call):
    from reviews.services import recommendation as svc

    svc.recommendation_decline(recommendation=rec, actor=authority_user, reason="不符合")
    set_deadline(call, 1)
    assert recommendation_deadline_sweep() == 0
