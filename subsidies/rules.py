"""Who may see and do what in 奖补 (django-rules). Each part adds its predicates here (docs/subsidies.md).

Department staff decide and see everything; a base's own units (its lead unit and partners, applicant role) read
their own money; its recommending authority (the authority of the lead unit) reads its region's, never acts; the
agency, experts and the public see nothing.
"""

import rules

from pilotbase.rules import fsm_permission, is_applicant, is_authority, is_staff_side

may_manage_subsidies = is_staff_side
may_read_subsidies = is_staff_side | is_authority  # the lists; what an authority reads is scoped to its region


@rules.predicate
def is_base_unit(user, base) -> bool:
    """A user of the base's lead unit or of one of its partners (applicant role)."""
    if base is None or not user.organization_id:
        return False
    return user.organization_id == base.lead_unit_id or base.partner_units.filter(pk=user.organization_id).exists()


@rules.predicate
def is_base_authority(user, base) -> bool:
    return base is not None and user.organization_id == base.lead_unit.authority_id


may_read_base_money = is_staff_side | (is_applicant & is_base_unit) | (is_authority & is_base_authority)
# 资金台账: staff all rows, an authority its region's, a base's units their bases' (subsidies.selectors.ledger)
may_read_ledger = is_staff_side | is_authority | is_applicant

# ---- 运行奖补 ---------------------------------------------------------------------------------------------
perm_reward_staff = fsm_permission(is_staff_side)


@rules.predicate
def is_reward_proposer(user, reward_year) -> bool:
    """The staff member who submitted the list for approval (four eyes: may not approve it)."""
    return reward_year is not None and reward_year.proposed_by_id is not None and (
        reward_year.proposed_by_id == getattr(user, "pk", None))


# Four eyes as a permission: the proposer's approve is refused with 403 (the page never offers it to them); the
# transition's condition `reward_second_person` says the same through pilotbase.workflow.acting_user().
perm_reward_approver = fsm_permission(is_staff_side & ~is_reward_proposer)

rules.add_rule("subsidies.manage", may_manage_subsidies)
rules.add_rule("subsidies.read", may_read_subsidies)

# ---- 建设支持 ---------------------------------------------------------------------------------------------
perm_construction_staff = fsm_permission(is_staff_side)


@rules.predicate
def is_construction_proposer(user, grant) -> bool:
    """The staff member who proposed the grant (four eyes: may not approve it)."""
    return grant is not None and grant.proposed_by_id is not None and grant.proposed_by_id == getattr(user, "pk", None)


@rules.predicate
def is_grant_base_unit(user, grant) -> bool:
    return grant is not None and is_base_unit.test(user, grant.base)


# Four eyes as a permission: the proposer's approve is 403 (the page offers it only to a colleague); the condition
# `construction_second_person` says the same through pilotbase.workflow.acting_user().
perm_construction_approver = fsm_permission(is_staff_side & ~is_construction_proposer)
# The base reports its own spending (its lead unit or a partner, applicant role); staff may record it for it.
perm_construction_spending = fsm_permission(is_staff_side | (is_applicant & is_grant_base_unit))
# The grant pages: staff, authorities (their region's, read only) and a base's units (their own); the selector
# answers 404 for a grant outside the user's scope.
may_read_grants = is_staff_side | is_authority | is_applicant


# ---- 追回 ---------------------------------------------------------------------------------------------------
perm_recovery_staff = fsm_permission(is_staff_side)


@rules.predicate
def is_write_off_proposer(user, recovery) -> bool:
    """The staff member who proposed writing the recovery off (four eyes: may not approve it)."""
    return recovery is not None and recovery.write_off_proposed_by_id is not None and (
        recovery.write_off_proposed_by_id == getattr(user, "pk", None))


# Four eyes as a permission: the proposer's approve is a 403; the condition `recovery_second_person` says it too.
perm_recovery_approver = fsm_permission(is_staff_side & ~is_write_off_proposer)
# The list: staff all, an authority its region's, a base's units their own (subsidies.selectors.recovery)
may_read_recoveries = is_staff_side | is_authority | is_applicant
