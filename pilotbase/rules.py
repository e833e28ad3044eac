"""Who may do what: django-rules predicates, the one place authorisation lives.

Views use `rules.test_rule` / `has_perm`, templates `{% has_perm %}`, FSM transitions
`permission=` with the helpers at the bottom. Object-level scoping of querysets lives in each
app's selectors (an authority sees its own applicants, an expert only assignments).
"""

import rules

from .models.org import Role  # not `.models`: models/base.py imports these rules while `.models` loads


@rules.predicate
def is_applicant(user) -> bool:
    return bool(user and user.is_authenticated and user.role == Role.APPLICANT and user.organization_id)


@rules.predicate
def is_authority(user) -> bool:
    return bool(user and user.is_authenticated and user.role == Role.AUTHORITY and user.organization_id)


@rules.predicate
def is_department(user) -> bool:
    return bool(user and user.is_authenticated and user.role == Role.DEPARTMENT)


@rules.predicate
def is_agency(user) -> bool:
    return bool(user and user.is_authenticated and user.role == Role.AGENCY and user.organization_id)


@rules.predicate
def is_expert(user) -> bool:
    return bool(user and user.is_authenticated and user.role == Role.EXPERT)


@rules.predicate
def is_requester(user) -> bool:
    """服务需求方: an enterprise that registered itself to request services from bases (开放共享)."""
    return bool(user and user.is_authenticated and user.role == Role.REQUESTER and user.organization_id)


@rules.predicate
def is_system_admin(user) -> bool:
    return bool(user and user.is_authenticated and (user.role == Role.ADMIN or user.is_superuser))


@rules.predicate
def is_system(user) -> bool:
    """The portal itself (beat, a task, a consequence the code draws): no signed-in user acts."""
    return user is None


is_staff_side = is_department | is_system_admin


@rules.predicate
def is_chosen_authority(user, registration) -> bool:
    """A unit's self-registration is decided by the recommending authority it chose, nobody else."""
    return bool(registration is not None and user.organization_id == registration.authority_id)


is_registration_authority = is_authority & is_chosen_authority

rules.add_rule("pilotbase.view_dashboard", rules.is_authenticated)
rules.add_rule("pilotbase.manage_reference", is_staff_side)


def fsm_permission(predicate):
    """Adapter for FSM `permission=`: django-fsm-2 calls permission(instance, user)."""

    def check(instance, user) -> bool:
        # rules hands each predicate only as many arguments as it takes, also inside `a & b`.
        return bool(predicate.test(user, instance))

    check.__name__ = getattr(predicate, "name", "permission")
    check.predicate = predicate
    return check


perm_system = fsm_permission(is_system)
