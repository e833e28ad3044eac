"""Registry contributions of 奖补 (追回): the nav link of the recoveries (staff, authorities), the base page's panel
of its recoveries (for who may read the base's money: its own units reach their recovery from it) and the
due-date reminders' sweeper (subsidies.services.recovery_reminders)."""

from django.utils.translation import gettext_lazy as _

from pilotbase.models import Base, Role
from pilotbase.registry import NavLink, register_detail_panel, register_nav, register_sweeper

register_nav(NavLink(_("追回"), "subsidies:recovery_list", frozenset({Role.DEPARTMENT, Role.ADMIN, Role.AUTHORITY}),
                     order=63))


def _sweep() -> int:
    from ..services.recovery_reminders import recovery_reminders_sweep

    return recovery_reminders_sweep()


register_sweeper(_sweep)


def base_recoveries_panel(request, base: Base):
    """The base's recoveries (staff, its own units, its authority); nothing when it has none."""
    from ..rules import may_read_base_money

    if not may_read_base_money(request.user, base):
        return None
    recoveries = list(base.recoveries.order_by("-created_at", "-id"))
    if not recoveries:
        return None
    return "subsidies/_base_recoveries.html", {"base_recoveries": recoveries}


register_detail_panel(Base, base_recoveries_panel)
