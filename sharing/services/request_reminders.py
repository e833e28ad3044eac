"""服务需求 reminders and the lapse of quotes, run by the periodic sweep (registered in hooks/requests.py).

- the base's answer to a new request (`reply_due`): its lead unit's users, once when at most
  `SERVICE_REQUEST_REMIND_DAYS` days are left, and once when it is overdue;
- a quote about to lapse (`quote_valid_until`): the requester's users, once when at most that many days are left;
- a delivery awaiting confirmation (`confirm_due`): the requester's users, once before and once when overdue;
- a quote past its validity without an answer is expired (`expire`, the portal's `perm_system` transition).
Each reminder is keyed by request, deadline, stage, date and recipient (`remind_many`): a second sweep sends nothing.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from datetime import date

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from pilotbase.documents import official_language
from pilotbase.models import Role, User
from pilotbase.notifications import Due, Text, remind_many, url_for_ids
from pilotbase.recipients import Kind
from pilotbase.workflow import WorkflowError

from ..models import RequestState, ServiceRequest
from .requests import TEMPLATE, day, request_expire


def stage(days_left: int) -> str | None:
    """"due" (at most the setting's days left), "overdue", or None (nothing due yet)."""
    if days_left < 0:
        return "overdue"
    return "due" if days_left <= settings.SERVICE_REQUEST_REMIND_DAYS else None


def _users_by_org(org_ids: set[int], role: str) -> dict[int, list[User]]:
    users: dict[int, list[User]] = defaultdict(list)
    for user in User.objects.filter(organization_id__in=org_ids, role=role, is_active=True).order_by("id"):
        users[user.organization_id].append(user)
    return users


# (state, deadline field, who: "base" or "owner", stages that remind, headline, message before, message overdue)
DEADLINES = (
    (RequestState.SUBMITTED, "reply_due", "base", ("due", "overdue"), _("服务需求待答复"),
     _("服务需求%(number)s“%(title)s”须于%(day)s前报价或答复，还有%(left)s天。"),
     _("服务需求%(number)s“%(title)s”的答复期限%(day)s已过，请尽快报价或答复。")),
    (RequestState.QUOTED, "quote_valid_until", "owner", ("due",), _("报价即将过期"),
     _("服务需求%(number)s“%(title)s”的报价有效期至%(day)s，还有%(left)s天，请及时接受或不接受报价。"), ""),
    (RequestState.DELIVERED, "confirm_due", "owner", ("due", "overdue"), _("交付成果待确认"),
     _("服务需求%(number)s“%(title)s”的交付成果请于%(day)s前确认完成或提出异议，还有%(left)s天。"),
     _("服务需求%(number)s“%(title)s”的交付成果确认期限%(day)s已过，请尽快确认完成或提出异议。")),
)


def request_reminders_sweep(*, today: date | None = None) -> int:
    """Send the due reminders; returns how many were sent now (one query per kind of deadline, one for the users)."""
    today = today or timezone.localdate()
    url = url_for_ids("sharing:request_detail")
    found = []
    for state, field, who, stages, headline, before, after in DEADLINES:
        horizon = today.toordinal() + settings.SERVICE_REQUEST_REMIND_DAYS
        rows = (ServiceRequest.objects.filter(state=state, **{f"{field}__lte": date.fromordinal(horizon)})
                .values_list("pk", "number", "title", field, "base__lead_unit_id", "requester_id").order_by("pk"))
        found.append((field, who, stages, headline, before, after, list(rows)))
    base_units = {r[4] for entry in found if entry[1] == "base" for r in entry[6]}
    owners = {r[5] for entry in found if entry[1] == "owner" for r in entry[6]}
    base_users, owner_users = _users_by_org(base_units, Role.APPLICANT), _users_by_org(owners, Role.REQUESTER)

    def due() -> Iterator[Due]:
        with official_language():
            for field, who, stages, headline, before, after, rows in found:
                for pk, number, title, deadline, lead_unit, requester in rows:
                    left = (deadline - today).days
                    now = stage(left)
                    if now not in stages:
                        continue
                    text = str(before if now == "due" else after) % {
                        "number": number, "title": title, "day": day(deadline), "left": left}
                    context = {"headline": str(headline), "message": Text(text), "number": Text(number),
                               "title": Text(title)}
                    people = base_users[lead_unit] if who == "base" else owner_users[requester]
                    for user in people:
                        yield Due(key=f"service-request:{pk}:{field}:{now}:{deadline.isoformat()}:{user.pk}",
                                  recipient=user, kind=Kind.SERVICE_REQUEST_REMINDER, template=TEMPLATE,
                                  url=url(pk), due_on=deadline, context=context)

    return remind_many(due())


def quotes_expire(*, today: date | None = None) -> int:
    """报价过期: every quote past its validity without an answer (each in its own transaction); returns how many."""
    today = today or timezone.localdate()
    lapsed = (ServiceRequest.objects.filter(state=RequestState.QUOTED, quote_valid_until__lt=today)
              .select_related("base", "requester").order_by("pk"))
    count = 0
    for req in lapsed:
        try:
            request_expire(request=req)
        except WorkflowError:  # answered meanwhile (the requester was faster): nothing to expire
            continue
        count += 1
    return count
