from datetime import date

import pytest

from pilotbase.models import CalendarDay, CalendarDayKind
from pilotbase.workdays import add_working_days, is_working_day, next_working_day, period_last_day

pytestmark = pytest.mark.django_db

MON, FRI, SAT, SUN = date(2026, 11, 2), date(2026, 11, 6), date(2026, 11, 7), date(2026, 11, 8)


@pytest.mark.parametrize(("start", "n", "expected"), [
    (MON, 5, date(2026, 11, 9)),          # Mon + 5 → next Mon (period Mon–Fri)
    (MON, 0, MON),
    (FRI, 1, date(2026, 11, 9)),          # over the weekend
    (SAT, 5, date(2026, 11, 16)),         # a weekend start rolls to Monday first
    (SUN, 1, date(2026, 11, 10)),
    (date(2026, 12, 28), 5, date(2027, 1, 4)),  # over the year end
])
def test_add_working_days_skips_weekends(start, n, expected):
    assert add_working_days(start, n) == expected


def test_add_working_days_skips_configured_holidays(settings):
    settings.PILOTBASE_HOLIDAYS = ["2026-11-04"]
    assert add_working_days(MON, 5) == date(2026, 11, 10)


def test_extra_workday_counts(settings):
    settings.PILOTBASE_EXTRA_WORKDAYS = [SAT]
    assert is_working_day(SAT) is True
    assert add_working_days(MON, 5) == SAT


def test_negative_days_rejected():
    with pytest.raises(ValueError):
        add_working_days(MON, -1)


def test_next_working_day_and_period_last_day():
    assert next_working_day(SAT) == date(2026, 11, 9)
    assert period_last_day(MON, date(2026, 11, 9)) == FRI


def test_calendar_days_entered_by_staff_count(django_assert_num_queries):
    """国庆 2026-10-01…07 off, Sat 10-10 worked: a notice from Wed 9-30 runs 9-30, 10-8, 10-9, 10-10 and
    10-12, and may be closed on Tue 10-13."""
    for d in range(1, 8):
        CalendarDay.objects.create(day=date(2026, 10, d), kind=CalendarDayKind.HOLIDAY, name="国庆节")
    CalendarDay.objects.create(day=date(2026, 10, 10), kind=CalendarDayKind.WORKDAY, name="国庆节调休")
    with django_assert_num_queries(1):
        ends_on = add_working_days(date(2026, 9, 30), 5)
    assert ends_on == date(2026, 10, 13)
    assert period_last_day(date(2026, 9, 30), ends_on) == date(2026, 10, 12)
