"""Who may see and do what with calls and applications (django-rules)."""

import rules

from pilotbase.rules import fsm_permission, is_applicant, is_authority, is_department, is_staff_side


@rules.predicate
def is_own_application(user, application) -> bool:
    return bool(application is not None and user.organization_id == application.applicant_id)


@rules.predicate
def is_partner_of(user, application) -> bool:
    return bool(application is not None and application.partners.filter(organization_id=user.organization_id).exists())


@rules.predicate
def is_its_authority(user, application) -> bool:
    return bool(application is not None and user.organization_id == application.authority_id)


@rules.predicate
def has_reached_department(user, application) -> bool:
    return application is not None and application.state not in {"draft", "withdrawn"}


can_edit = is_applicant & is_own_application
can_view = (
    (is_applicant & (is_own_application | is_partner_of))
    | (is_authority & is_its_authority & has_reached_department)
    | (is_staff_side & has_reached_department)
)

rules.add_perm("applications.manage_call", is_staff_side)
rules.add_perm("applications.create_application", is_applicant)
rules.add_perm("applications.edit_application", can_edit)
rules.add_perm("applications.list_all_applications", is_department)

# FSM permission callables (instance, user).
perm_applicant = fsm_permission(is_applicant & is_own_application)
perm_authority = fsm_permission(is_authority & is_its_authority)
perm_department = fsm_permission(is_staff_side)
perm_authority_or_department = fsm_permission((is_authority & is_its_authority) | is_staff_side)
