"""Registry contributions of 奖补 (追回): the nav link of the recoveries (staff, authorities, a base's units) and the
due-date reminders' sweeper (subsidies.services.recovery_reminders)."""

from django.utils.translation import gettext_lazy as _

from pilotbase.models import Role
from pilotbase.registry import NavLink, register_nav, register_sweeper

register_nav(NavLink(_("追回"), "subsidies:recovery_list", frozenset({Role.DEPARTMENT, Role.ADMIN, Role.AUTHORITY}),
                     order=63))


def _sweep() -> int:
    from ..services.recovery_reminders import recovery_reminders_sweep

    return recovery_reminders_sweep()


register_sweeper(_sweep)
