"""Registry contributions of 奖补 (运行奖补): the nav link of the reward years (staff, authorities), the base page's
panel of its own reward lines, and the demo seeder's part (in subsidies/demo.py, called by the ledger's seeder)."""

from django.db.models import Exists, OuterRef
from django.utils.translation import gettext_lazy as _

from pilotbase.models import Base, Role
from pilotbase.registry import NavLink, known_none, register_detail_panel, register_nav, register_seeder
from pilotbase.rules import is_authority, is_staff_side

register_nav(NavLink(_("运行奖补"), "subsidies:reward_year_list", frozenset({Role.DEPARTMENT, Role.ADMIN,
                                                                          Role.AUTHORITY}), order=61))


def base_rewards_panel(request, base: Base):
    """The base's reward lines, one per year: staff and its authority every year's (with a link to the year's
    page), the base's own units only what was approved (a draft's amounts are not theirs to read yet)."""
    from ..models import RewardYearState
    from ..selectors.rewards import base_reward_lines

    user = request.user
    readers_of_drafts = is_staff_side(user) or is_authority(user)
    lines = base_reward_lines(base)
    if not readers_of_drafts:
        lines = lines.filter(reward_year__state__in=[RewardYearState.APPROVED, RewardYearState.DISBURSED])
    lines = [] if known_none(base, "reward_has_lines") else list(lines)
    if not lines and not is_staff_side(user):
        return None
    return "subsidies/_base_rewards.html", {"reward_lines": lines, "link_years": readers_of_drafts}


def _facts() -> dict:
    from ..models import RewardLine

    return {"reward_has_lines": Exists(RewardLine.objects.filter(base=OuterRef("pk")))}


register_detail_panel(Base, base_rewards_panel, facts=_facts)


def _seed(core: dict) -> None:
    from ..demo import seed

    seed(core)


# The whole of 奖补's demo (subsidies.demo.seed runs each part that exists), after the evaluations' data.
register_seeder(45, "奖补（建设支持、运行奖补、追回）", _seed)
