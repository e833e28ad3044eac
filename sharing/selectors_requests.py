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
    return ServiceRequest.objects.select_related("base", "requester", "offering")


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
    """Every request for staff, by base, city, state, year (submitted) and a keyword (number, title, requester,
    base)."""
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
        qs = qs.filter(Q(number__icontains=q) | Q(title__icontains=q) | Q(requester__name__icontains=q)
                       | Q(base__name__icontains=q))
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
    base = Base.objects.select_related("lead_unit").filter(pk=pk, state__in=KEEPING_STATES).first()
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


def request_next_step(req: ServiceRequest) -> str:
    """One sentence on the request page: who holds the request now and what is awaited (with its deadline)."""
    from django.utils.translation import gettext as _

    from pilotbase.formats import cn_date

    s = RequestState
    names = {"base": req.base.name, "requester": req.requester.name}
    if req.state == s.SUBMITTED:
        return _("等待基地（%(base)s）报价或答复，答复期限%(day)s。") % {**names, "day": cn_date(req.reply_due)}
    if req.state == s.QUOTED:
        return _("基地已报价，等待需求方（%(requester)s）接受或不接受报价，报价有效期至%(day)s。") % {
            **names, "day": cn_date(req.quote_valid_until)}
    if req.state == s.ACCEPTED:
        return _("需求方已接受报价，等待基地（%(base)s）开始服务。") % names
    if req.state == s.IN_PROGRESS:
        return _("基地（%(base)s）服务中，完成后由基地交付成果。") % names
    if req.state == s.DELIVERED:
        return _("基地已交付成果，等待需求方（%(requester)s）确认完成或提出异议，确认期限%(day)s。") % {
            **names, "day": cn_date(req.confirm_due)}
    if req.state == s.DISPUTED:
        return _("需求方对交付成果有异议，等待基地（%(base)s）返工后重新交付；需求方也可确认完成。") % names
    if req.state == s.EXPIRED:
        return _("报价已过有效期，流程已结束；需求方可重新提交服务需求。")
    return _("流程已结束，无待办事项。")


def request_list_crumb(user: Any) -> tuple[str, str] | None:
    """(list URL name, its title) of the user's list of requests, for the record page's breadcrumb."""
    from django.utils.translation import gettext as _

    if is_staff_side(user):
        return "sharing:request_staff_list", _("服务需求管理")
    if is_requester(user):
        return "sharing:request_mine", _("我的服务需求")
    if is_applicant(user):
        return "sharing:request_incoming", _("服务需求")
    return None
