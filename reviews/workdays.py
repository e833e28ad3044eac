"""Working-day arithmetic for the public notice period (公示期 N 个工作日).

Monday–Friday are working days. Public holidays and the weekend days worked in their place (调休)
are not modelled from an official calendar yet: list them in settings when needed —

    PILOTBASE_HOLIDAYS = ["2026-10-01", "2026-10-02", ...]        # extra days off
    PILOTBASE_EXTRA_WORKDAYS = ["2026-10-10", ...]               # weekend days worked (调休)

(both optional; ISO dates or `date` objects).

Semantics used by the notice: the period covers N working days starting on `starts_on` (rolled
forward to a working day), and `ends_on = add_working_days(starts_on, N)` is the first working day
*after* the period — the day the department may close it. Mon 2 Nov + 5 → Mon 9 Nov; the notice
itself runs Mon 2 – Fri 6 Nov (`period_last_day`).
"""

from __future__ import annotations

from datetime import date, timedelta

from django.conf import settings


def _dates(name: str) -> frozenset[date]:
    return frozenset(d if isinstance(d, date) else date.fromisoformat(str(d)) for d in getattr(settings, name, ()))


def is_working_day(day: date) -> bool:
    if day in _dates("PILOTBASE_EXTRA_WORKDAYS"):
        return True
    return day.weekday() < 5 and day not in _dates("PILOTBASE_HOLIDAYS")


def next_working_day(day: date) -> date:
    """`day` itself when it is a working day, otherwise the next one."""
    while not is_working_day(day):
        day += timedelta(days=1)
    return day


def add_working_days(start: date, n: int) -> date:
    """`start` rolled forward to a working day, then moved forward `n` working days."""
    if n < 0:
        raise ValueError("n must be >= 0")
    day = next_working_day(start)
    for _ in range(n):
        day = next_working_day(day + timedelta(days=1))
    return day


def previous_working_day(day: date) -> date:
    day -= timedelta(days=1)
    while not is_working_day(day):
        day -= timedelta(days=1)
    return day


def period_last_day(starts_on: date, ends_on: date) -> date:
    """The last working day of a notice that may be closed on `ends_on`."""
    return max(next_working_day(starts_on), previous_working_day(ends_on))
