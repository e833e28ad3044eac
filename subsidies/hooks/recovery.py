"""Registry contributions of 奖补 (追回): the nav link of the recoveries (staff, authorities, a base's units)."""

from django.utils.translation import gettext_lazy as _

from pilotbase.models import Role
from pilotbase.registry import NavLink, register_nav

register_nav(NavLink(_("追回"), "subsidies:recovery_list", frozenset({Role.DEPARTMENT, Role.ADMIN, Role.AUTHORITY}),
                     order=63))

