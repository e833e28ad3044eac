"""Who may do what in 开放共享 (django-rules).

The catalogue of a base is kept by its lead unit (牵头单位): the applicant-role users of that unit, while the base
is active or rectifying (a revoked base has no catalogue to keep). Staff (the department and the system admin) read
every entry and may hide one from the public or show it again.
"""

import rules

from pilotbase.models import BaseStatus
from pilotbase.rules import fsm_permission, is_applicant, is_staff_side

KEEPING_STATES = (BaseStatus.ACTIVE, BaseStatus.RECTIFYING)


@rules.predicate
def is_base_keeper(user, base) -> bool:
    """A user of the base's lead unit, the base active or rectifying."""
    return (base is not None and bool(user.organization_id) and user.organization_id == base.lead_unit_id
            and base.state in KEEPING_STATES)


may_keep_catalogue = is_applicant & is_base_keeper
perm_catalogue_staff = fsm_permission(is_staff_side)
