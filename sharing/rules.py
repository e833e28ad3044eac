"""Who may do what in 开放共享 (django-rules).

The catalogue of a base is kept by its lead unit (牵头单位): the applicant-role users of that unit, while the base
is active or rectifying (a revoked base has no catalogue to keep). Staff (the department and the system admin) read
every entry and may hide one from the public or show it again.
"""

import rules

from pilotbase.models import BaseStatus
from pilotbase.rules import fsm_permission, is_applicant, is_requester, is_staff_side

KEEPING_STATES = (BaseStatus.ACTIVE, BaseStatus.RECTIFYING)


@rules.predicate
def is_base_keeper(user, base) -> bool:
    """A user of the base's lead unit, the base active or rectifying."""
    return (base is not None and bool(user.organization_id) and user.organization_id == base.lead_unit_id
            and base.state in KEEPING_STATES)


may_keep_catalogue = is_applicant & is_base_keeper
perm_catalogue_staff = fsm_permission(is_staff_side)


# ---- service requests (服务需求) -----------------------------------------------------------------------------
@rules.predicate
def is_request_base(user, request) -> bool:
    """A user of the lead unit of the base the request was made to."""
    return request is not None and bool(user.organization_id) and user.organization_id == request.base.lead_unit_id


@rules.predicate
def is_request_owner_unit(user, request) -> bool:
    """A user of the enterprise that made the request."""
    return request is not None and bool(user.organization_id) and user.organization_id == request.requester_id


@rules.predicate
def may_request_from(user, base) -> bool:
    """A base takes requests while it is active or rectifying (a revoked base serves nobody through the portal)."""
    return base is not None and base.state in KEEPING_STATES


is_request_base_side = is_applicant & is_request_base
is_request_owner = is_requester & is_request_owner_unit
may_make_request = is_requester & may_request_from
perm_request_base_side = fsm_permission(is_request_base_side)
perm_request_owner = fsm_permission(is_request_owner)
