"""The two-year window's reminders with a frozen clock: walking every day from disbursement to after the window,
the sweep twice a day: 180, 90 and 30 days before the last day and once overdue, each sent once to each of the
base's users; a closed grant is not reminded."""

from datetime import date, timedelta

import pytest
from django.core import mail

from pilotbase.models import Reminder
from subsidies.services import construction as svc
from subsidies.services.construction_reminders import construction_reminders_sweep, window_stage

from . import construction_world as cw

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(("left", "stage"), [
    (181, None), (180, "180"), (91, "180"), (90, "90"), (31, "90"), (30, "30"), (0, "30"), (-1, "overdue"),
])
def test_window_stage(left, stage):
    assert window_stage(left) == stage


def test_reminders_on_the_right_days_once_each(django_capture_on_commit_callbacks, monkeypatch):
    w = cw.build()
    grant = cw.disbursed(w, date(2026, 1, 15))  # the window's last day: 2028-01-14
    end = grant.window_ends_on
    assert end == date(2028, 1, 14)
    sent_on = {}
    day = grant.disbursed_on
    while day <= end + timedelta(days=40):
        with django_capture_on_commit_callbacks(execute=True):
            first = construction_reminders_sweep(today=day)
            second = construction_reminders_sweep(today=day)
        assert second == 0, day
        if first:
            sent_on[(end - day).days] = first
        day += timedelta(days=1)
    assert sent_on == {180: 1, 90: 1, 30: 1, -1: 1}  # one user of the base: once each
    user = w.users["cv"]
    keys = sorted(Reminder.objects.filter(recipient=user).values_list("key", flat=True))
    assert keys == sorted(f"construction-window:{grant.pk}:{s}:{end.isoformat()}:{user.pk}"
                          for s in ("180", "90", "30", "overdue"))
    subjects = [m.subject for m in mail.outbox if m.to == [user.email]]
    assert any("还有180天截止" in s for s in subjects) and any("已逾期" in s for s in subjects)
    body = next(m.body for m in mail.outbox if "还有30天截止" in m.subject)
    assert "3,000,000.00" in body and "2028年1月14日" in body


def test_a_closed_grant_is_not_reminded(django_capture_on_commit_callbacks):
    w = cw.build()
    grant = cw.disbursed(w, date(2026, 1, 15))
    svc.construction_close(grant=grant, actor=w.staff, completed=True, note="提前完成")
    with django_capture_on_commit_callbacks(execute=True):
        assert construction_reminders_sweep(today=grant.window_ends_on - timedelta(days=30)) == 0
        assert construction_reminders_sweep(today=grant.window_ends_on + timedelta(days=1)) == 0


def test_bases_unit_users_are_each_bases_unit_users():
    from pilotbase.recipients import bases_unit_users, unit_users
    from tests import factories as f

    w = cw.build()
    shared = f.ApplicantOrgFactory()
    f.ApplicantUserFactory(organization=shared), f.ApplicantUserFactory(organization=shared)
    w.bases["cv"].partner_units.add(shared)
    w.bases["plain"].partner_units.add(shared, w.bases["direct"].lead_unit)
    bases = list(w.bases.values())
    assert bases_unit_users(bases) == {b.pk: unit_users(b) for b in bases}


def test_a_sweep_reads_the_users_of_every_grant_at_once(django_capture_on_commit_callbacks):
    """The same queries whatever the base's partner units and users (two reads for every grant's users)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from tests import factories as f

    w = cw.build()
    grant = cw.disbursed(w, date(2026, 1, 15))
    day = grant.window_ends_on - timedelta(days=30)

    def second_sweep_queries() -> int:
        with django_capture_on_commit_callbacks(execute=True):
            construction_reminders_sweep(today=day)
        with CaptureQueriesContext(connection) as ctx:
            assert construction_reminders_sweep(today=day) == 0
        return len(ctx.captured_queries)

    alone = second_sweep_queries()
    for _ in range(3):
        unit = f.ApplicantOrgFactory()
        f.ApplicantUserFactory(organization=unit)
        w.bases["cv"].partner_units.add(unit)
    assert second_sweep_queries() == alone
