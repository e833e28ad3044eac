"""Instants for tests that count calendar days.

The portal counts days left by the local (Asia/Shanghai) calendar. ``now() + timedelta(days=n, hours=1)``
lands on the day after next when the suite runs after 23:00 local time, so tests that count days take an
instant at local noon instead: the same number of days away at any hour the suite runs.
"""

from datetime import datetime, time, timedelta

from django.utils import timezone


def local_noon(days: int = 0) -> datetime:
    """Noon, local time, ``days`` calendar days from today (negative for the past)."""
    day = timezone.localdate() + timedelta(days=days)
    return timezone.make_aware(datetime.combine(day, time(12)))
