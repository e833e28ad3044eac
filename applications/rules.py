"""Who may do what with calls and applications (django-rules). Who may *see* an application is the
selectors' scoping (applications_visible_to / applications_readable_by), not a rule here."""

import rules

from pilotbase.rules import fsm_permission, is_applicant, is_authority, is_staff_side


@rules.predicate
def is_own_application(user, application) -> bool:
    return bool(application is not None and user.organization_id == application.applicant_id)


@rules.predicate
def is_its_authority(user, application) -> bool:
    return bool(application is not None and user.organization_id == application.authority_id)


can_edit = is_applicant & is_own_application

rules.add_perm("applications.manage_call", is_staff_side)
rules.add_perm("applications.create_application", is_applicant)
rules.add_perm("applications.edit_application", can_edit)

# FSM permission callables (instance, user).
perm_applicant = fsm_permission(is_applicant & is_own_application)
perm_authority = fsm_permission(is_authority & is_its_authority)
perm_department = fsm_permission(is_staff_side)
perm_authority_or_department = fsm_permission((is_authority & is_its_authority) | is_staff_side)
