"""Reads of 服务需求, scoped to the user (what the user may not see does not exist: 404).

- a requester's users: their unit's requests;
- the applicant-role users of a base's lead unit: the requests made to that base (whatever its state now);
- staff (department, system admin): every request, read-only;
- everyone else: none.
Every list selects its related rows, so a page costs the same queries with 1 row or 50.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet
from django.http import Http404

from pilotbase.models import Base
from pilotbase.rules import is_applicant, is_requester, is_staff_side

from .models import OPEN_REQUEST_STATES, RequestState, ServiceOffering, ServiceRequest
from .rules import KEEPING_STATES


def _rows() -> QuerySet[ServiceRequest]:
    return ServiceRequest.objects.select_related("base__city", "requester", "offering")


def requests_visible(user: Any) -> QuerySet[ServiceRequest]:
    if is_staff_side(user):
        return _rows()
    if is_requester(user):
        return _rows().filter(requester_id=user.organization_id)
    if is_applicant(user):
        return _rows().filter(base__lead_unit_id=user.organization_id)
    return ServiceRequest.objects.none()


def request_for(user: Any, pk: int) -> ServiceRequest:
    req = requests_visible(user).select_related("created_by").filter(pk=pk).first()
    if req is None:
        raise Http404
    return req


def _state(qs: QuerySet[ServiceRequest], state: str) -> QuerySet[ServiceRequest]:
    if state == "open":
        return qs.filter(state__in=OPEN_REQUEST_STATES)
    return qs.filter(state=state) if state in RequestState.values else qs


def requester_requests(user: Any, *, state: str = "") -> QuerySet[ServiceRequest]:
    """我的服务需求: the requester's unit's requests, newest first."""
    if not is_requester(user):
        return ServiceRequest.objects.none()
    return _state(requests_visible(user), state)


def base_side_requests(user: Any, *, state: str = "") -> QuerySet[ServiceRequest]:
    """服务需求 (the base's side): the requests made to the bases the user's unit leads."""
    if not is_applicant(user):
        return ServiceRequest.objects.none()
    return _state(requests_visible(user), state)


def staff_requests(user: Any, filters: dict[str, Any] | None = None) -> QuerySet[ServiceRequest]:
    """Every request for staff, by base, city, state, year (submitted) and a keyword (number, title, requester)."""
    if not is_staff_side(user):
        return ServiceRequest.objects.none()
    filters = filters or {}
    qs = _state(_rows(), filters.get("state") or "")
    if filters.get("base"):
        qs = qs.filter(base=filters["base"])
    if filters.get("city"):
        qs = qs.filter(base__city=filters["city"])
    if filters.get("year"):
        qs = qs.filter(submitted_at__year=filters["year"])
    if filters.get("q"):
        q = filters["q"]
        qs = qs.filter(Q(number__icontains=q) | Q(title__icontains=q) | Q(requester__name__icontains=q))
    return qs


def awaiting_base(user: Any) -> QuerySet[ServiceRequest]:
    """New requests to the user's bases awaiting its answer (the dashboard), the earliest due first."""
    return base_side_requests(user, state=RequestState.SUBMITTED).order_by("reply_due", "pk")


def awaiting_requester(user: Any) -> QuerySet[ServiceRequest]:
    """The requester's requests that wait for its answer: a quote, a delivery."""
    return (requester_requests(user).filter(state__in=[RequestState.QUOTED, RequestState.DELIVERED])
            .order_by("pk"))


def requestable_base(pk: int) -> Base:
    """A base one may request from: certified, not revoked (else 404)."""
    base = Base.objects.select_related("lead_unit", "city").filter(pk=pk, state__in=KEEPING_STATES).first()
    if base is None:
        raise Http404
    return base


def requestable_offering(base: Base, pk: Any) -> ServiceOffering | None:
    """One of the base's public entries (an unknown or hidden one: none, the request is then for the base)."""
    try:
        pk = int(pk)
    except (TypeError, ValueError):
        return None
    return ServiceOffering.objects.filter(base=base, hidden=False, pk=pk).first()
