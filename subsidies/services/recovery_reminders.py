"""Reminders of a recovery's due date (追回), run by the periodic sweep (registered in hooks/recovery.py).

For every recovery still outstanding (待缴回, 部分缴回), the base's lead unit is reminded
- before the due date: on the first day with at most N days left, for each N of RECOVERY_REMINDER_DAYS (the
  smallest N due is sent, so a sweep that was down on the exact day still catches up and an earlier N is never
  sent late);
- once when overdue (the day after the due date, or the first sweep after it).
Each is keyed by recovery, stage, due date and recipient (`remind_many`): a sweep that runs twice sends once; a
moved due date reminds again. A settled, proposed or written-off recovery is not reminded.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, timedelta

from django.utils import timezone

from pilotbase.models import Role, User
from pilotbase.money import amount as money
from pilotbase.notifications import Due, Text, remind_many, url_for_ids

from ..models import Recovery
from ..models.recovery import OUTSTANDING_STATES

RECOVERY_REMINDER_DAYS = (30, 7, 1)
KIND_DUE = "recovery.due"
KIND_OVERDUE = "recovery.overdue"


def _stage(due_on: date, today: date) -> str | None:
    left = (due_on - today).days
    if left < 0:
        return "overdue"
    due = [n for n in RECOVERY_REMINDER_DAYS if left <= n]
    return str(min(due)) if due else None


def recovery_reminders_sweep(*, today: date | None = None) -> int:
    """Send the due reminders of every outstanding recovery; returns how many were sent now."""
    today = today or timezone.localdate()
    recoveries = list(
        Recovery.objects.filter(state__in=OUTSTANDING_STATES,
                                due_on__lte=today + timedelta(days=max(RECOVERY_REMINDER_DAYS)))
        .select_related("base").order_by("pk")
    )
    if not recoveries:
        return 0
    users_of: dict[int, list[User]] = {}
    for user in User.objects.filter(role=Role.APPLICANT, is_active=True,
                                    organization_id__in={r.base.lead_unit_id for r in recoveries}).order_by("pk"):
        users_of.setdefault(user.organization_id, []).append(user)
    url = url_for_ids("subsidies:recovery_detail")

    def due() -> Iterator[Due]:
        for r in recoveries:
            stage = _stage(r.due_on, today)
            if stage is None:
                continue
            overdue = stage == "overdue"
            context = {"base_name": Text(r.base.name), "outstanding": Text(money(r.outstanding)), "due_on": r.due_on,
                       "overdue": overdue, "days_left": max((r.due_on - today).days, 0)}
            for user in users_of.get(r.base.lead_unit_id, []):
                yield Due(key=f"recovery-due:{r.pk}:{stage}:{r.due_on.isoformat()}:{user.pk}", recipient=user,
                          kind=KIND_OVERDUE if overdue else KIND_DUE, template="recovery_due", url=url(r.pk),
                          due_on=r.due_on, context=context)

    return remind_many(due())
