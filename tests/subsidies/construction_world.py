"""A world for 建设支持: two staff members, a city bureau, an eligible base (a newly built concept-verification
centre, confirmed by staff), a base certified directly after assessment without cultivation support, an
ineligible one, and the year's budget."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from applications.models import Application
from pilotbase.models import Base, User
from pilotbase.reference_data import ensure_loaded
from subsidies.models import SupportKind
from subsidies.services import construction as svc
from tests import factories as f

YEAR = 2026
@dataclass
class World:
    staff: User
    colleague: User
    authority_user: User
    other_authority_user: User
    bases: dict[str, Base] = field(default_factory=dict)
    users: dict[str, User] = field(default_factory=dict)


def base(name: str, *, org, platform="pilot-base", city="nanning") -> Base:
    ensure_loaded()
    return Base.objects.create(name=f"广西{name}中试研究基地", lead_unit=org, city=f.city(city), industry=f.industry(),
                               platform_type=f.platform_type(platform), batch=1, certified_on=date(2025, 6, 30))


def build(*, budget: str = "5000000.00") -> World:
    ensure_loaded()
    bureau = f.AuthorityFactory(name="南宁市科学技术局")
    other_bureau = f.AuthorityFactory(name="柳州市科学技术局", city=f.city("liuzhou"))
    w = World(
        staff=f.DepartmentUserFactory(username="cs_staff"),
        colleague=f.DepartmentUserFactory(username="cs_colleague"),
        authority_user=f.AuthorityUserFactory(username="cs_bureau", organization=bureau),
        other_authority_user=f.AuthorityUserFactory(username="cs_other_bureau", organization=other_bureau),
    )
    units = {k: f.ApplicantOrgFactory(authority=bureau) for k in ("cv", "direct", "plain")}
    w.bases["cv"] = base("概念验证甲", org=units["cv"], platform="concept-verification")
    svc.construction_check_record(actor=w.staff, base=w.bases["cv"], cultivation_confirmed=None, newly_built=True)
    w.bases["direct"] = base("直接认定乙", org=units["direct"])
    app = f.ApplicationFactory(applicant=units["direct"])
    Application.objects.filter(pk=app.pk).update(state="certified", base=w.bases["direct"],
                                                 cultivation_support="none")
    w.bases["plain"] = base("普通丙", org=units["plain"])
    for key, unit in units.items():
        w.users[key] = f.ApplicantUserFactory(username=f"cs_unit_{key}", organization=unit)
    svc.support_budget_set(actor=w.staff, year=YEAR, kind=SupportKind.CONSTRUCTION, amount=Decimal(budget))
    return w


def proposed(w: World, key: str = "cv", amount: str = "3000000.00"):
    return svc.construction_propose(actor=w.staff, base=w.bases[key], year=YEAR, amount=Decimal(amount),
                                    basis="新建概念验证中心，设备升级改造。")


def approved(w: World, key: str = "cv", amount: str = "3000000.00"):
    return svc.construction_approve(grant=proposed(w, key, amount), actor=w.colleague, opinion="同意",
                                    document_no="桂科资字〔2026〕12号")


def disbursed(w: World, on: date, key: str = "cv", amount: str = "3000000.00"):
    return svc.construction_disburse(grant=approved(w, key, amount), actor=w.staff, disbursed_on=on,
                                     amount=Decimal(amount), document_no="桂财教〔2026〕8号")
