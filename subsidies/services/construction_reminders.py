"""Reminders of the two-year window of a construction grant (五.(一).3), run by the periodic sweep
(registered in hooks/construction.py).

For every grant in its window (disbursed, not closed), the base's users (lead unit and partners) are reminded
- before the window's last day: on the first day with at most 180, 90 and 30 days left (the smallest due is sent,
  so a sweep that was down on the exact day still catches up, and an earlier one is never sent late);
- once when overdue (the last day has passed and staff have not closed the grant).
Each is keyed by grant, stage, window end and recipient (`remind_many`): a sweep that runs twice sends once.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

from django.utils import timezone

from pilotbase.notifications import Due, remind_many, url_for_ids
from pilotbase.recipients import bases_unit_users

from ..models import ConstructionGrant, GrantState

REMINDER_DAYS = (180, 90, 30)
KIND_WINDOW = "construction.window"


def window_stage(days_left: int) -> str | None:
    """"180", "90", "30" (days before the window's last day), "overdue", or None (nothing due)."""
    if days_left < 0:
        return "overdue"
    due = [n for n in REMINDER_DAYS if days_left <= n]
    return str(min(due)) if due else None


def construction_reminders_sweep(*, today: date | None = None) -> int:
    """Send the due window reminders; returns how many were sent now."""
    today = today or timezone.localdate()
    grants = list(ConstructionGrant.objects.filter(state=GrantState.DISBURSED, window_ends_on__isnull=False)
                  .select_related("base").order_by("pk"))
    users = bases_unit_users(grant.base for grant in grants)  # two queries, not two per grant
    url = url_for_ids("subsidies:construction_detail")

    def due() -> Iterator[Due]:
        for grant in grants:
            left = (grant.window_ends_on - today).days
            stage = window_stage(left)
            if stage is None:
                continue
            context = {"grant": grant, "base": grant.base, "days_left": left, "overdue_days": -left}
            for user in users[grant.base_id]:
                yield Due(key=f"construction-window:{grant.pk}:{stage}:{grant.window_ends_on.isoformat()}:{user.pk}",
                          recipient=user, kind=KIND_WINDOW, template="construction_window", url=url(grant.pk),
                          due_on=grant.window_ends_on, context=context)

    return remind_many(due())
