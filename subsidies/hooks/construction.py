"""Registry contributions of 奖补 (建设支持): the nav link of the grants (staff, authorities), the base page's
panel (the eligibility with every failed condition, and the base's grant with its window) and the lead unit's
dashboard panel of the grants it is spending (what is left and by when)."""

from django.urls import reverse
from django.utils.translation import gettext as gettext_now
from django.utils.translation import gettext_lazy as _

from pilotbase.dashboard import head_and_count
from pilotbase.formats import yuan
from pilotbase.models import Base, Role
from pilotbase.registry import (
    NavLink,
    Panel,
    known_none,
    register_detail_panel,
    register_nav,
    register_panel,
    register_sweeper,
)
from pilotbase.rules import is_staff_side

from ..rules import may_read_base_money

register_nav(NavLink(_("建设支持"), "subsidies:construction_list", frozenset({Role.DEPARTMENT, Role.ADMIN,
                                                                          Role.AUTHORITY}), order=60))


def base_construction_panel(request, base: Base):
    """Staff, the base's own units and its authority: whether the base is eligible (and why not), its grant."""
    from ..selectors.construction import base_construction_eligibility

    if not may_read_base_money.test(request.user, base):
        return None
    grant = None if known_none(base, "construction_has_grant") else base.construction_grants.first()
    return "subsidies/_base_construction.html", {
        "eligibility": base_construction_eligibility(base), "grant": grant, "staff": is_staff_side(request.user),
        "base": base}


def _facts() -> dict:
    from ..selectors.construction import construction_fact_exprs

    return construction_fact_exprs()


register_detail_panel(Base, base_construction_panel, facts=_facts)


def base_grants_panel(user) -> Panel | None:
    """The lead unit's grants in their two-year window (it reports the spending): nothing for a unit without one."""
    from ..models import GrantState
    from ..selectors.construction import grants_visible_to

    qs = grants_visible_to(user).filter(state=GrantState.DISBURSED, base__lead_unit_id=user.organization_id)
    grants, count = head_and_count(qs.order_by("window_ends_on", "pk"))
    if not count:
        return None
    items = [{"label": gettext_now("%(base)s：剩余%(left)s未使用") % {"base": g.base.name, "left": yuan(g.remaining)},
              "url": reverse("subsidies:construction_detail", args=[g.pk]), "meta": g.window_ends_on}
             for g in grants]
    return Panel(title=str(_("建设支持资金使用（使用期截止）")), count=count, items=items, order=17)


register_panel({Role.APPLICANT}, base_grants_panel)


def _sweep() -> int:
    from ..services.construction_reminders import construction_reminders_sweep

    return construction_reminders_sweep()


register_sweeper(_sweep)
