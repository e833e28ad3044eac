"""Who may see and do what in review and certification (django-rules)."""

import rules

from pilotbase.rules import fsm_permission, is_agency, is_applicant, is_authority, is_expert, is_staff_side


@rules.predicate
def is_record_authority(user, record) -> bool:
    """The recommending authority of the application behind a review record (or of a batch)."""
    if record is None:
        return False
    authority_id = getattr(record, "authority_id", None)
    if authority_id is None and hasattr(record, "application"):
        authority_id = record.application.authority_id
    return user.organization_id == authority_id


@rules.predicate
def is_record_applicant(user, record) -> bool:
    """The lead unit of the application behind a review record (its resubmission or withdrawal moves the record)."""
    return record is not None and user.organization_id == record.application.applicant_id


@rules.predicate
def is_commissioned_agency(user, record) -> bool:
    """The agency commissioned for the assessment (or commission) the record belongs to."""
    if record is None:
        return False
    commission = getattr(record, "commission", None)
    if commission is None and hasattr(record, "assessment"):
        commission = record.assessment.commission
    agency_id = getattr(commission, "agency_id", None) if commission is not None else getattr(record, "agency_id", None)
    return agency_id is not None and user.organization_id == agency_id


@rules.predicate
def is_assigned_expert(user, assignment) -> bool:
    return assignment is not None and assignment.expert.user_id == user.pk


perm_authority = fsm_permission(is_authority & is_record_authority)
perm_record_applicant = fsm_permission(is_applicant & is_record_applicant)
perm_department = fsm_permission(is_staff_side)
perm_agency = fsm_permission(is_agency & is_commissioned_agency)
perm_agency_or_department = fsm_permission((is_agency & is_commissioned_agency) | is_staff_side)
perm_expert = fsm_permission(is_expert & is_assigned_expert)
