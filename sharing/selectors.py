"""Reads of 开放共享, scoped to the user (what the user may not see is a 404).

- The catalogue's keepers: the lead unit's applicant users of an active or rectifying base (`rules.may_keep_catalogue`);
  staff read every base's catalogue and every entry. Anyone else: 404.
- The public reads only visible entries (not hidden by staff) of bases that are not revoked (`public_offerings`).
"""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.http import Http404

from pilotbase.models import Base, BaseStatus
from pilotbase.rules import is_applicant, is_staff_side

from .models import ServiceOffering
from .rules import KEEPING_STATES


def kept_bases(user: Any) -> QuerySet[Base]:
    """The bases whose catalogue the user keeps (its unit leads them, active or rectifying)."""
    if not is_applicant(user):
        return Base.objects.none()
    return Base.objects.filter(lead_unit_id=user.organization_id, state__in=KEEPING_STATES)


def catalogue_base_for(user: Any, pk: int) -> Base:
    """The base whose catalogue page the user may open: staff any base, a keeper its own; else 404."""
    qs = Base.objects.all() if is_staff_side(user) else kept_bases(user)
    base = qs.select_related("lead_unit").filter(pk=pk).first()
    if base is None:
        raise Http404
    return base


def offering_for(user: Any, pk: int) -> ServiceOffering:
    qs = ServiceOffering.objects.select_related("base", "hidden_by")
    if not is_staff_side(user):
        qs = qs.filter(base__in=kept_bases(user))
    offering = qs.filter(pk=pk).first()
    if offering is None:
        raise Http404
    return offering


def base_offerings(base: Base) -> QuerySet[ServiceOffering]:
    """Every entry of the base (hidden ones too), for its keepers and staff: one query."""
    return ServiceOffering.objects.filter(base=base).select_related("hidden_by").order_by("order", "id")


def offerings_for_staff(filters: dict[str, Any] | None = None) -> QuerySet[ServiceOffering]:
    filters = filters or {}
    qs = ServiceOffering.objects.select_related("base", "hidden_by")
    if filters.get("kind"):
        qs = qs.filter(kind=filters["kind"])
    if filters.get("state"):
        qs = qs.filter(state=filters["state"])
    if filters.get("q"):
        qs = qs.filter(base__name__icontains=filters["q"]) | qs.filter(title__icontains=filters["q"])
    return qs.order_by("base__name", "order", "id")


def public_offerings() -> QuerySet[ServiceOffering]:
    """What the public may read: entries not hidden, of bases not revoked."""
    return (ServiceOffering.objects.filter(hidden=False).exclude(base__state=BaseStatus.REVOKED)
            .order_by("order", "id"))


def bases_offering(qs: QuerySet[Base], *, kind: str = "", vouchers: bool = False) -> QuerySet[Base]:
    """The bases of `qs` with a public entry of that kind (and, with `vouchers`, one that takes 科技创新券; both in
    the same entry when both are asked)."""
    if not kind and not vouchers:
        return qs
    entries = public_offerings()
    if kind:
        entries = entries.filter(kind=kind)
    if vouchers:
        entries = entries.filter(accepts_vouchers=True)
    return qs.filter(pk__in=entries.values("base_id"))
