"""What the public app contributes to the signed-in pages: the authority's registration queue, invitations, and the
service requester's way to the public directory of bases."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from pilotbase.models import RegistrationState, Role
from pilotbase.registry import NavLink, Panel, register_nav, register_panel

register_nav(NavLink(_("单位注册审核"), "registrations", frozenset({Role.AUTHORITY}), order=13))
# The unit's first user (an applicant unit's or a service requester's) invites colleagues.
register_nav(NavLink(_("邀请同事"), "invite", frozenset({Role.APPLICANT, Role.REQUESTER}), order=80))
# A signed-in user sees no public menu (base.html), so the requester's way to the bases is in its own.
register_nav(NavLink(_("中试基地名录"), "public:base_list", frozenset({Role.REQUESTER}), order=10))


def authority_registrations_panel(user) -> Panel:
    from pilotbase.dashboard import head_and_count
    from pilotbase.registration import registrations_for

    qs = registrations_for(user).filter(state=RegistrationState.AWAITING_APPROVAL).order_by("created_at", "id")
    registrations, count = head_and_count(qs)
    items = [{"label": f"{r.name}（{r.city}）", "meta": r.created_at,
              "url": reverse("registration_detail", args=[r.pk])} for r in registrations]
    return Panel(title=str(_("待审核的单位注册")), count=count, url=reverse("registrations"), items=items,
                 empty_text=str(_("没有待审核的单位注册。")), order=15)


def requester_bases_panel(user) -> Panel:
    """The service requester's start: the bases that serve outside units (the public directory), newest first."""
    from pilotbase.dashboard import head_and_count
    from reviews.selectors.certification import bases_public

    bases, count = head_and_count(bases_public())
    items = [{"label": f"{b.name}（{b.city}）", "url": reverse("public:base_detail", args=[b.pk])} for b in bases]
    return Panel(title=str(_("可提供中试服务的基地")), count=count, url=reverse("public:base_list"), items=items,
                 empty_text=str(_("目前还没有已认定的中试基地，认定后将在此列出。")), order=10)


register_panel({Role.AUTHORITY}, authority_registrations_panel)
register_panel({Role.REQUESTER}, requester_bases_panel)
