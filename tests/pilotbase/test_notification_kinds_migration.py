"""pilotbase 0007: notification and reminder rows with the old kind strings get the Kind values."""

import importlib

from django.apps import apps

from pilotbase.models import Notification, Reminder
from pilotbase.recipients import Kind
from tests.factories import UserFactory

migration = importlib.import_module("pilotbase.migrations.0007_notification_kinds")


def test_old_notification_kinds_become_kind_values(db):
    user = UserFactory()
    old = Notification.objects.create(recipient=user, kind="recommendation_returned", title="退回")
    current = Notification.objects.create(recipient=user, kind=Kind.CALL_PUBLISHED, title="发布")
    reminder = Reminder.objects.create(key="rec-deadline:1", recipient=user, kind="recommendation_deadline")
    migration.forwards(apps, None)
    old.refresh_from_db()
    current.refresh_from_db()
    reminder.refresh_from_db()
    assert (old.kind, current.kind, reminder.kind) == (Kind.RECOMMENDATION_RETURNED, Kind.CALL_PUBLISHED,
                                                       Kind.RECOMMENDATION_DEADLINE)


def test_every_new_kind_of_the_mapping_is_a_kind_value():
    assert set(migration.OLD_TO_NEW.values()) - set(Kind.values) == set()
