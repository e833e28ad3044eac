"""Registry contributions of 奖补 (追回): the nav link of the recoveries (staff, authorities), the base page's panel
of its recoveries (for who may read the base's money: its own units reach their recovery from it), the lead
unit's dashboard panel of what it still has to repay, and the due-date reminders' sweeper
(subsidies.services.recovery_reminders)."""

from django.db.models import Exists, OuterRef
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
    if known_none(base, "recovery_has_rows"):
        return None
    recoveries = list(base.recoveries.order_by("-created_at", "-id"))
    if not recoveries:
        return None
    return "subsidies/_base_recoveries.html", {"base_recoveries": recoveries}


def _facts() -> dict:
    from ..models import Recovery

    return {"recovery_has_rows": Exists(Recovery.objects.filter(base=OuterRef("pk")))}


register_detail_panel(Base, base_recoveries_panel, facts=_facts)


def base_repayments_panel(user) -> Panel | None:
    """The lead unit's recoveries still to be repaid (what is left, by when): nothing for a unit without one."""
    from ..models.recovery import OUTSTANDING_STATES
    from ..selectors.recovery import recoveries_visible

    qs = (recoveries_visible(user).filter(state__in=OUTSTANDING_STATES, base__lead_unit_id=user.organization_id)
          .select_related("base").order_by("due_on", "pk"))
    recoveries, count = head_and_count(qs)
    if not count:
        return None
    items = [{"label": gettext_now("%(base)s：尚未缴回%(left)s") % {"base": r.base.name,
                                                                  "left": yuan(r.outstanding)},
              "url": reverse("subsidies:recovery_detail", args=[r.pk]), "meta": r.due_on} for r in recoveries]
    return Panel(title=str(_("待缴回的财政资金（缴回期限）")), count=count, items=items, order=16)


register_panel({Role.APPLICANT}, base_repayments_panel)
