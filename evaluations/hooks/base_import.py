"""Nav link and demo seeder of 导入既有基地 (the registry, so reviews' pages never link up to evaluations)."""

from django.utils.translation import gettext_lazy as _

from pilotbase.models import Role
from pilotbase.registry import NavLink, register_nav, register_seeder

STAFF = frozenset({Role.DEPARTMENT, Role.ADMIN})

register_nav(NavLink(_("导入既有基地"), "evaluations:base_import", STAFF, order=52))


def _seed(core: dict) -> None:
    from ..demo import seed

    seed(core)


register_seeder(35, "既有基地导入（2021—2023年第一至三批）", _seed)
