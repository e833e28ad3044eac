"""Registry contributions of 奖补 (ledger): the nav link of the ledger (staff, authorities) and the base page's
money panel (its own rows: grants, disbursements, repayments, write-offs, reversals, and their totals)."""

from django.db.models import Exists, OuterRef
from django.utils.translation import gettext_lazy as _

from pilotbase.models import Base, Role
from pilotbase.registry import NavLink, known_none, register_detail_panel, register_nav
from pilotbase.rules import is_authority, is_staff_side

register_nav(NavLink(_("资金台账"), "subsidies:ledger_list", frozenset({Role.DEPARTMENT, Role.ADMIN, Role.AUTHORITY}),
                     order=62))


def base_money_panel(request, base: Base):
    """Who may read the base's money (staff, its own units, its authority) sees its rows and totals; a base
    without rows shows the panel to staff only."""
    from ..rules import may_read_base_money
    from ..selectors import ledger as sel

    user = request.user
    if not may_read_base_money(user, base):
        return None
    entries, by_support = ([], []) if known_none(base, "ledger_has_rows") else sel.base_ledger_with_totals(base)
    if not entries and not is_staff_side(user):
        return None
    return "subsidies/_base_ledger.html", {
        "ledger_entries": entries,
        "ledger_summary": sel.ledger_summary_of(by_support),
        "ledger_by_support": by_support,
        "ledger_kinds": sel.MONEY_KINDS,
        "ledger_link": is_staff_side(user) or is_authority(user),
    }


def _facts() -> dict:
    from ..models import LedgerEntry

    return {"ledger_has_rows": Exists(LedgerEntry.objects.filter(base=OuterRef("pk")))}


register_detail_panel(Base, base_money_panel, facts=_facts)
