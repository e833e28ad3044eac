"""Working-day arithmetic (e.g. the public notice period, 公示期 N 个工作日).

Monday–Friday are working days, except the days staff enter in the admin as `CalendarDay`
(节假日与调休: public holidays off, weekend days worked). Deployments may add fixed dates through
the settings `PILOTBASE_HOLIDAYS` / `PILOTBASE_EXTRA_WORKDAYS` (ISO dates or `date` objects).

Semantics used by the notice: the period covers N working days starting on `starts_on` (rolled
forward to a working day), and `ends_on = add_working_days(starts_on, N)` is the first working day
*after* the period — the day the department may close it. Mon 2 Nov + 5 → Mon 9 Nov; the notice
itself runs Mon 2 – Fri 6 Nov (`period_last_day`).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from django.conf import settings


@dataclass(frozen=True)
class Calendar:
    holidays: frozenset[date]
    workdays: frozenset[date]

    def is_working_day(self, day: date) -> bool:
        if day in self.workdays:
            return True
        return day.weekday() < 5 and day not in self.holidays


def _setting(name: str) -> set[date]:
    return {d if isinstance(d, date) else date.fromisoformat(str(d)) for d in getattr(settings, name, ())}


def calendar() -> Calendar:
    """The exceptions to Monday–Friday, in one query (a few dozen rows a year)."""
    from .models import CalendarDay, CalendarDayKind

    holidays, workdays = _setting("PILOTBASE_HOLIDAYS"), _setting("PILOTBASE_EXTRA_WORKDAYS")
    for day, kind in CalendarDay.objects.values_list("day", "kind"):
        (holidays if kind == CalendarDayKind.HOLIDAY else workdays).add(day)
    return Calendar(frozenset(holidays), frozenset(workdays))


def is_working_day(day: date, cal: Calendar | None = None) -> bool:
    return (cal or calendar()).is_working_day(day)


def next_working_day(day: date, cal: Calendar | None = None) -> date:
    """`day` itself when it is a working day, otherwise the next one."""
    cal = cal or calendar()
    while not cal.is_working_day(day):
        day += timedelta(days=1)
    return day


def add_working_days(start: date, n: int, cal: Calendar | None = None) -> date:
    """`start` rolled forward to a working day, then moved forward `n` working days."""
    if n < 0:
        raise ValueError("n must be >= 0")
    cal = cal or calendar()
    day = next_working_day(start, cal)
    for _ in range(n):
        day = next_working_day(day + timedelta(days=1), cal)
    return day


def previous_working_day(day: date, cal: Calendar | None = None) -> date:
    cal = cal or calendar()
    day -= timedelta(days=1)
    while not cal.is_working_day(day):
        day -= timedelta(days=1)
    return day


def period_last_day(starts_on: date, ends_on: date, cal: Calendar | None = None) -> date:
    """The last working day of a notice that may be closed on `ends_on`."""
    cal = cal or calendar()
    return max(next_working_day(starts_on, cal), previous_working_day(ends_on, cal))
