"""Registry contributions of 奖补 (建设支持): the nav link of the grants (staff, authorities) and the base page's
panel: the eligibility with every failed condition, and the base's grant with its window."""

from django.utils.translation import gettext_lazy as _

from pilotbase.models import Base, Role
from pilotbase.registry import NavLink, register_detail_panel, register_nav, register_sweeper
from pilotbase.rules import is_staff_side

from ..rules import may_read_base_money

register_nav(NavLink(_("建设支持"), "subsidies:construction_list", frozenset({Role.DEPARTMENT, Role.ADMIN,
                                                                          Role.AUTHORITY}), order=60))


def base_construction_panel(request, base: Base):
    """Staff, the base's own units and its authority: whether the base is eligible (and why not), its grant."""
    from ..selectors.construction import base_construction_eligibility

    if not may_read_base_money.test(request.user, base):
        return None
    grant = base.construction_grants.first()
    return "subsidies/_base_construction.html", {
        "eligibility": base_construction_eligibility(base), "grant": grant, "staff": is_staff_side(request.user),
        "base": base}


register_detail_panel(Base, base_construction_panel)


def _sweep() -> int:
    from ..services.construction_reminders import construction_reminders_sweep

    return construction_reminders_sweep()


register_sweeper(_sweep)
