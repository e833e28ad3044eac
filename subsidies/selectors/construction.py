"""建设支持 reads: a base's eligibility facts, the year's budget use, the grants a user may see."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.db.models import DecimalField, Exists, OuterRef, QuerySet, Subquery, Sum, Value
from django.db.models.functions import Coalesce

from pilotbase.models import Base, User
from pilotbase.rules import is_applicant, is_authority, is_staff_side
from pilotbase.subqueries import InSubquery

from ..eligibility import ConstructionEligibility, ConstructionFacts, construction_eligibility
from ..models import (
    ConstructionCheck,
    ConstructionGrant,
    GrantState,
    SpendingItem,
    SupportBudget,
    SupportKind,
)

ZERO = Decimal("0.00")
CERTIFIED = "certified"  # applications.ApplicationState.CERTIFIED


def construction_fact_exprs() -> dict[str, Any]:
    """What the eligibility reads of a base besides its own row and its application: its check (the department's
    confirmation of 培育 and 新建) and whether it ever had construction support (a grant here, or recorded before
    the portal), as annotations over `OuterRef("pk")`: the base page reads them with the base (registry facts)."""
    from evaluations.models import PriorSupport

    check = ConstructionCheck.objects.filter(base=OuterRef("pk")).order_by("pk")
    return {
        "construction_cultivation_confirmed": Subquery(check.values("cultivation_confirmed")[:1]),
        "construction_newly_built": Subquery(check.values("newly_built")[:1]),
        "construction_has_grant": Exists(ConstructionGrant.objects.filter(base=OuterRef("pk"))),
        "construction_has_prior": Exists(PriorSupport.objects.filter(base=OuterRef("pk"))),
    }


def construction_facts(base: Base) -> ConstructionFacts:
    """The eligibility's facts of `base`: from its annotations when it was read with them (the base page), else
    in one query."""
    exprs = construction_fact_exprs()
    if all(hasattr(base, name) for name in exprs):
        known = {name: getattr(base, name) for name in exprs}
    else:
        known = Base.objects.filter(pk=base.pk).annotate(**exprs).values(*exprs).get()
    application = getattr(base, "application", None)
    return ConstructionFacts(
        base_id=base.pk, state=base.state,
        certified_after_assessment=application is not None and application.state == CERTIFIED,
        cultivation_declared=application.cultivation_support if application is not None else "",
        cultivation_confirmed=known["construction_cultivation_confirmed"],
        platform_code=base.platform_type.code, platform_name=base.platform_type.name,
        newly_built=known["construction_newly_built"],
        key_industry=base.industry.is_active, industry_name=base.industry.name,
        has_grant=known["construction_has_grant"] or known["construction_has_prior"],
    )


def base_construction_eligibility(base: Base) -> ConstructionEligibility:
    return construction_eligibility(construction_facts(base))


def construction_budget(year: int) -> SupportBudget | None:
    return SupportBudget.objects.filter(year=year, kind=SupportKind.CONSTRUCTION).first()


def year_committed(year: int) -> Decimal:
    """The year's approved (or later) construction grants."""
    return (ConstructionGrant.objects.filter(year=year).exclude(state=GrantState.PROPOSED)
            .aggregate(t=Sum("amount"))["t"] or ZERO)


def committed_by_year() -> dict[int, Decimal]:
    """Every year's approved (or later) construction grants, in one query."""
    rows = (ConstructionGrant.objects.exclude(state=GrantState.PROPOSED).values("year")
            .annotate(t=Sum("amount")).values_list("year", "t"))
    return dict(rows)


def _with_spent(qs: QuerySet) -> QuerySet:
    spent = (SpendingItem.objects.filter(grant=OuterRef("pk")).values("grant")
             .annotate(t=Sum("amount")).values("t"))
    return qs.annotate(spent_total=Coalesce(Subquery(spent), Value(ZERO),
                                            output_field=DecimalField(max_digits=14, decimal_places=2)))


def grants_visible_to(user: User) -> QuerySet:
    """Staff everything; an authority its region's (the lead unit's authority); a base's units their own."""
    qs = _with_spent(ConstructionGrant.objects.select_related("base", "base__lead_unit", "proposed_by", "approved_by"))
    if is_staff_side(user):
        return qs
    if is_authority(user) and user.organization_id:
        return qs.filter(base__lead_unit__authority_id=user.organization_id)
    if is_applicant(user) and user.organization_id:
        return qs.filter(InSubquery("base_id", Base.ids_of_unit(user.organization_id)))
    return qs.none()


def grant_get(user: User, pk: int) -> ConstructionGrant:
    from django.http import Http404

    grant = grants_visible_to(user).filter(pk=pk).first()
    if grant is None:
        raise Http404
    return grant


def grant_list(user: User, *, year: int | None = None, state: str = "", q: str = "", overdue: bool = False,
               today=None) -> QuerySet:
    from django.utils import timezone

    qs = grants_visible_to(user)
    if year:
        qs = qs.filter(year=year)
    if state:
        qs = qs.filter(state=state)
    if q:
        qs = qs.filter(base__name__icontains=q)
    if overdue:
        qs = qs.filter(state=GrantState.DISBURSED, window_ends_on__lt=today or timezone.localdate())
    return qs.order_by("-year", "-id")


def grant_spending(grant: ConstructionGrant) -> list[SpendingItem]:
    return list(grant.spending.select_related("reported_by").prefetch_related("files"))


def grant_next_step(grant: ConstructionGrant) -> str:
    """One sentence on the grant page: who holds the grant now and what is awaited."""
    from django.utils.translation import gettext as _

    from pilotbase.formats import cn_date

    if grant.state == GrantState.PROPOSED:
        return _("待审批：由建议人以外的科技厅工作人员审批。")
    if grant.state == GrantState.APPROVED:
        return _("已批准，等待科技厅登记拨付。")
    if grant.state == GrantState.DISBURSED and grant.overdue:
        return _("资金使用期已于%(day)s届满，等待科技厅登记结束（已完成或未完成建设）；基地请尽快报告资金使用情况。") % {
            "day": cn_date(grant.window_ends_on)}
    if grant.state == GrantState.DISBURSED:
        return _("资金使用期：由基地牵头单位（%(unit)s）报告资金使用，资金须于%(day)s前使用完毕并完成建设任务。") % {
            "unit": grant.base.lead_unit.name, "day": cn_date(grant.window_ends_on)}
    return _("已结束，无待办事项。")
