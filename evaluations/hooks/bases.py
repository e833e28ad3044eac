"""Nav links of 基地名录, 我的基地 and 基地建设统计 (the registry: lower apps' pages never link up here)."""

from django.utils.translation import gettext_lazy as _

from pilotbase.models import Role
from pilotbase.registry import NavLink, register_nav

STAFF = frozenset({Role.DEPARTMENT, Role.ADMIN})

register_nav(NavLink(_("我的基地"), "evaluations:base_mine", frozenset({Role.APPLICANT}), order=12))
register_nav(NavLink(_("基地名录"), "evaluations:base_list", STAFF | {Role.AUTHORITY}, order=53))
register_nav(NavLink(_("基地建设统计"), "evaluations:dashboard", STAFF | {Role.AUTHORITY}, order=54))
