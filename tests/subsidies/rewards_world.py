"""A world for 运行奖补: two staff members, a city bureau with its bases, another city's base, each base with an
imported result for 2025 (the way bases from before the portal carry their grades), one with prior construction
support, one rectifying and one revoked (through the base's own transitions)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from evaluations.models import EvaluationResult, PriorSupport
from pilotbase.models import Base, User
from pilotbase.reference_data import ensure_loaded
from pilotbase.workflow import transition_run
from subsidies.services import rewards as svc
from tests import factories as f

YEAR = 2025
REF = date(2025, 12, 31)


@dataclass
class World:
    staff: User
    colleague: User
    authority_user: User
    other_authority_user: User
    bases: dict[str, Base] = field(default_factory=dict)
    users: dict[str, User] = field(default_factory=dict)


def base(name: str, *, org=None, certified_on=date(2021, 12, 28), grade="excellent", city="nanning") -> Base:
    ensure_loaded()
    org = org or f.ApplicantOrgFactory()
    b = Base.objects.create(name=f"广西{name}科技成果转化中试研究基地", lead_unit=org, city=f.city(city),
                            industry=f.industry(), platform_type=f.platform_type(), batch=1, certified_on=certified_on)
    if grade:
        EvaluationResult.objects.create(base=b, year=YEAR, grade=grade)
    return b


def build() -> World:
    ensure_loaded()
    bureau = f.AuthorityFactory(name="南宁市科学技术局")
    other_bureau = f.AuthorityFactory(name="柳州市科学技术局", city=f.city("liuzhou"))
    w = World(
        staff=f.DepartmentUserFactory(username="reward_staff"),
        colleague=f.DepartmentUserFactory(username="reward_colleague"),
        authority_user=f.AuthorityUserFactory(username="reward_bureau", organization=bureau),
        other_authority_user=f.AuthorityUserFactory(username="reward_other_bureau", organization=other_bureau),
    )
    units = {k: f.ApplicantOrgFactory(authority=bureau) for k in ("a", "b", "c", "young", "rect", "rev")}
    units["far"] = f.ApplicantOrgFactory(authority=other_bureau, city=f.city("liuzhou"))
    w.bases["a"] = base("优秀甲", org=units["a"], grade="excellent")
    w.bases["b"] = base("良好乙", org=units["b"], grade="good")
    w.bases["c"] = base("合格丙", org=units["c"], grade="pass")
    # certified in March 2024 with prior construction support: its 2nd year on 2025-12-31, too early (3rd needed)
    w.bases["young"] = base("新建丁", org=units["young"], certified_on=date(2024, 3, 1), grade="excellent")
    PriorSupport.objects.create(base=w.bases["young"], amount=Decimal("3000000"), year=2024)
    w.bases["rect"] = base("整改戊", org=units["rect"], grade="good")
    transition_run(instance=w.bases["rect"], name="order_rectification", actor=w.staff)
    w.bases["rev"] = base("撤销己", org=units["rev"], grade="excellent")
    transition_run(instance=w.bases["rev"], name="revoke", actor=w.staff)
    w.bases["far"] = base("柳州庚", org=units["far"], grade="good", city="liuzhou")
    for key, unit in units.items():
        w.users[key] = f.ApplicantUserFactory(username=f"reward_unit_{key}", organization=unit)
    return w


TIERS = {"excellent": Decimal("400000.00"), "good": Decimal("200000.00"), "pass": None}


def reward_year(w: World, *, budget: str = "1000000.00", min_grade: str = "good"):
    return svc.reward_year_create(actor=w.staff, evaluation_year=YEAR, round=None, year=YEAR + 1,
                                  min_grade=min_grade, budget=Decimal(budget), tiers=dict(TIERS))
