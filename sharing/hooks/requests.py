"""Registry contributions of 开放共享 (requests): nav links per role (我的服务需求 for the requester, 服务需求 for a
base's lead unit, 服务需求管理 for staff), the dashboard panels (the requester's open requests and what awaits its
answer; the base's new requests awaiting its answer), the timeline restriction (the requests' rows on a base's
timeline are for the base's side and staff), the sweepers (reminders, the lapse of quotes) and the demo seeder."""

from typing import Any

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from pilotbase.dashboard import head_and_count
from pilotbase.models import Role
from pilotbase.registry import (
    NavLink,
    Panel,
    register_nav,
    register_panel,
    register_seeder,
    register_sweeper,
    restrict,
)

from ..models import ServiceRequest

register_nav(NavLink(_("我的服务需求"), "sharing:request_mine", frozenset({Role.REQUESTER}), order=20))
register_nav(NavLink(_("服务需求"), "sharing:request_incoming", frozenset({Role.APPLICANT}), order=62))
register_nav(NavLink(_("服务需求管理"), "sharing:request_staff_list", frozenset({Role.DEPARTMENT, Role.ADMIN}),
                     order=66))
# A request's rows on the base's timeline: its lead unit (applicant role) and staff; not the authority or agency.
restrict(ServiceRequest, visible_to={Role.APPLICANT, Role.DEPARTMENT, Role.ADMIN})


def _items(rows, meta: str) -> list[dict]:
    return [{"label": f"{r.number} {r.title}", "url": reverse("sharing:request_detail", args=[r.pk]),
             "meta": getattr(r, meta)} for r in rows]


def requester_awaiting_panel(user: Any) -> Panel:
    """What waits for the requester's answer: a quote to accept or refuse, a delivery to confirm."""
    from ..selectors_requests import awaiting_requester

    rows, count = head_and_count(awaiting_requester(user))
    return Panel(title=str(_("待我答复的服务需求")), count=count, url=reverse("sharing:request_mine"),
                 items=[{"label": f"{r.number} {r.title} · {r.get_state_display()}",
                         "url": reverse("sharing:request_detail", args=[r.pk]),
                         "meta": r.quote_valid_until if r.state == "quoted" else r.confirm_due} for r in rows],
                 empty_text=str(_("没有待答复的报价或交付。")), order=20)


def requester_open_panel(user: Any) -> Panel:
    """The requester's open requests (not ended)."""
    from ..selectors_requests import requester_requests

    rows, count = head_and_count(requester_requests(user, state="open"))
    return Panel(title=str(_("进行中的服务需求")), count=count, url=reverse("sharing:request_mine") + "?state=open",
                 items=[{"label": f"{r.number} {r.title} · {r.get_state_display()}",
                         "url": reverse("sharing:request_detail", args=[r.pk])} for r in rows],
                 empty_text=str(_("没有进行中的服务需求。可在中试基地名单中查找服务并提交需求。")), order=21)


def base_awaiting_panel(user: Any) -> Panel | None:
    """The new requests to the user's bases awaiting its answer (none for a unit that leads no base)."""
    from ..selectors_requests import awaiting_base

    rows, count = head_and_count(awaiting_base(user))
    if not count:
        return None
    return Panel(title=str(_("待答复的服务需求")), count=count,
                 url=reverse("sharing:request_incoming") + "?state=submitted", items=_items(rows, "reply_due"),
                 order=30)


register_panel({Role.REQUESTER}, requester_awaiting_panel)
register_panel({Role.REQUESTER}, requester_open_panel)
register_panel({Role.APPLICANT}, base_awaiting_panel)


def _remind() -> int:
    from ..services.request_reminders import request_reminders_sweep

    return request_reminders_sweep()


def _expire() -> int:
    from ..services.request_reminders import quotes_expire

    quotes_expire()
    return 0  # the sweep counts reminders; an expired quote's notices are not reminders


register_sweeper(_expire)
register_sweeper(_remind)


def _seed(core: dict) -> None:
    from ..demo import seed_requests

    seed_requests(core)


register_seeder(50, "服务需求", _seed)
