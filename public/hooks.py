"""What the public app contributes to the signed-in pages: the authority's registration queue, invitations."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from pilotbase.models import RegistrationState, Role
from pilotbase.registry import NavLink, Panel, register_nav, register_panel

register_nav(NavLink(_("单位注册审核"), "registrations", frozenset({Role.AUTHORITY}), order=13))
register_nav(NavLink(_("邀请同事"), "invite", frozenset({Role.APPLICANT}), order=80))  # the unit's first user


def authority_registrations_panel(user) -> Panel:
    from pilotbase.registration import registrations_for

    qs = registrations_for(user).filter(state=RegistrationState.AWAITING_APPROVAL).order_by("created_at", "id")
    items = [{"label": f"{r.name}（{r.city}）", "meta": r.created_at,
              "url": reverse("registration_detail", args=[r.pk])} for r in qs[:5]]
    return Panel(title=str(_("待审核的单位注册")), count=qs.count(), url=reverse("registrations"), items=items,
                 empty_text=str(_("没有待审核的单位注册。")), order=15)


register_panel({Role.AUTHORITY}, authority_registrations_panel)
