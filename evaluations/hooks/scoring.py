"""Scoring and grades in the registry: the expert's 我的考核评分 link."""

from django.utils.translation import gettext_lazy as _

from pilotbase.models import Role
from pilotbase.registry import NavLink, register_nav

register_nav(NavLink(_("考核评分"), "evaluations:seat_mine", frozenset({Role.EXPERT}), order=55))
