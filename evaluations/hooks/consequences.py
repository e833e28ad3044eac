"""整改 and 摘牌 in the registry: nav links, the detection sweeper, the base page's panel, the timeline restriction
(the deliberation over a revocation is staff's), and the demo seeder. The detection after a round's publication
is a receiver (evaluations.receivers)."""

from django.utils.translation import gettext_lazy as _

from pilotbase.models import Base, Role
from pilotbase.registry import (
    NavLink,
    register_detail_panel,
    register_nav,
    register_seeder,
    register_sweeper,
    restrict,
)

from ..models import Revocation
from ..services.rectification import rectification_reminders
from ..services.revocation import revocations_detect

STAFF = frozenset({Role.DEPARTMENT, Role.ADMIN})

register_nav(
    NavLink(_("整改"), "evaluations:rectification_list", STAFF | {Role.AUTHORITY, Role.APPLICANT, Role.AGENCY}, order=56)
)
register_nav(NavLink(_("撤销认定"), "evaluations:revocation_list", STAFF, order=57))
register_sweeper(revocations_detect)
register_sweeper(rectification_reminders)
restrict(Revocation, visible_to=STAFF)


def base_consequences_panel(request, base: Base):
    """The base's rectifications and revocation (as the viewer may see them), for the base's page."""
    from ..selectors_consequences import base_consequences

    ctx = base_consequences(base, request.user)
    staff = request.user.role in STAFF or request.user.is_superuser
    if not (ctx["rectifications"] or ctx["revocations"] or staff):
        return None
    return "evaluations/_base_consequences.html", {**ctx, "base": base, "is_staff": staff}


def _facts() -> dict:
    from ..selectors_consequences import base_consequences_facts

    return base_consequences_facts()


register_detail_panel(Base, base_consequences_panel, facts=_facts)


def _seed(core: dict) -> None:
    from ..demo import seed_consequences

    seed_consequences(core)


register_seeder(37, "整改与撤销认定（示例）", _seed)
