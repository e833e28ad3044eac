"""Who may see and do what in 绩效考核 (django-rules).

Importing bases certified before the portal and running a round are department work. A base's annual report is
filed by the base's lead unit (its applicant-role users), confirmed by the recommending authority of that unit
when the round asks for it, and accepted by staff or the agency the round is commissioned to.
"""

import rules

from pilotbase.rules import (
    fsm_permission,
    is_agency,
    is_applicant,
    is_authority,
    is_expert,
    is_staff_side,
    is_system,
)

may_import_bases = is_staff_side


def _round_of(record):
    return getattr(record, "round", record)


@rules.predicate
def is_round_agency(user, record) -> bool:
    """The agency the round (of a round or a report) is commissioned to."""
    if record is None:
        return False
    agency_id = _round_of(record).agency_id
    return agency_id is not None and user.organization_id == agency_id


@rules.predicate
def is_report_base(user, report) -> bool:
    """A user of the base's lead unit: the base files its own report."""
    return report is not None and user.organization_id == report.base.lead_unit_id


@rules.predicate
def is_report_authority(user, report) -> bool:
    """The recommending authority of the base's lead unit (六.(一): authorities supervise their region's bases)."""
    return report is not None and user.organization_id == report.base.lead_unit.authority_id


perm_round_staff = fsm_permission(is_staff_side)
perm_report_base = fsm_permission(is_applicant & is_report_base)
perm_report_authority = fsm_permission(is_authority & is_report_authority)
perm_report_reviewer = fsm_permission(is_staff_side | (is_agency & is_round_agency))
perm_report_returner = fsm_permission(
    is_staff_side | (is_agency & is_round_agency) | (is_authority & is_report_authority)
)

# ---- scoring: the commissioned agency scores, staff confirm the grades ------------------------------------
perm_evaluation_scorer = fsm_permission(is_agency & is_round_agency)


@rules.predicate
def is_seat_expert(user, seat) -> bool:
    """The expert who holds the seat."""
    return seat is not None and seat.expert.user_id == user.pk


perm_seat_expert = fsm_permission(is_expert & is_seat_expert)

rules.add_rule("evaluations.import_bases", may_import_bases)
rules.add_rule("evaluations.manage_rounds", is_staff_side)


# ---- consequences: 整改 and 摘牌 (records with a `base`) -------------------------------------------------
@rules.predicate
def is_base_lead(user, record) -> bool:
    """A user of the lead unit of the record's base (it files the rectification report)."""
    return record is not None and user.organization_id == record.base.lead_unit_id


perm_consequence_staff = fsm_permission(is_staff_side)
perm_consequence_staff_or_system = fsm_permission(is_staff_side | is_system)  # e.g. a 整改 grade as it is recorded
perm_rectification_base = fsm_permission(is_applicant & is_base_lead)


def rectification_round_year(rec) -> int | None:
    """The year of the round whose 整改 grade opened the rectification (None: ordered by staff, or imported)."""
    result = rec.result if rec is not None and rec.result_id else None
    return result.year if result is not None and result.source == "evaluated" else None


@rules.predicate
def is_rectification_agency(user, rec) -> bool:
    """The agency commissioned for the round the rectification came from (整改复核 may be theirs as well as staff's)."""
    from .models import EvaluationRound

    year = rectification_round_year(rec)
    return year is not None and EvaluationRound.objects.filter(year=year, agency_id=user.organization_id).exists()


perm_rectification_rechecker = fsm_permission(is_staff_side | (is_agency & is_rectification_agency))
