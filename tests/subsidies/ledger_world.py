"""A world for the ledger pages: two bases under 南宁市科学技术局 (A with a partner unit, B), one under 柳州 (F), each
with money rows posted through ledger_post (grants, disbursements, a reversed wrong disbursement, a repayment, a
write-off), and every persona that must or must not read them."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from pilotbase.models import Base, User
from pilotbase.reference_data import ensure_loaded
from subsidies.models import LedgerEntry, LedgerKind, SupportKind
from subsidies.services.ledger import ledger_post
from tests import factories as f

D = Decimal


@dataclass
class World:
    staff: User
    authority: User
    other_authority: User
    agency: User
    expert: User
    bases: dict[str, Base] = field(default_factory=dict)
    users: dict[str, User] = field(default_factory=dict)
    rows: dict[str, LedgerEntry] = field(default_factory=dict)


def make_base(name: str, org, *, city="nanning", industry="new-materials", platform="pilot-base") -> Base:
    ensure_loaded()
    return Base.objects.create(name=f"广西{name}科技成果转化中试研究基地", lead_unit=org, city=f.city(city),
                               industry=f.industry(industry), platform_type=f.platform_type(platform), batch=1,
                               certified_on=date(2023, 6, 1))


_keys = iter(range(10**6))


def post(base: Base, kind: str, amount: str, *, support=SupportKind.CONSTRUCTION, year=2025, on=date(2025, 4, 1),
         document_no="", reason="", reverses=None, actor=None) -> LedgerEntry:
    return ledger_post(base=base, kind=kind, support=support, amount=D(amount), year=year, occurred_on=on,
                       source=base, actor=actor, idempotency_key=f"ledger-world-{base.pk}-{next(_keys)}",
                       document_no=document_no, reason=reason, reverses=reverses)


def build() -> World:
    ensure_loaded()
    bureau = f.AuthorityFactory(name="南宁市科学技术局")
    other = f.AuthorityFactory(name="柳州市科学技术局", city=f.city("liuzhou"))
    w = World(staff=f.DepartmentUserFactory(username="ledger_staff"),
              authority=f.AuthorityUserFactory(username="ledger_bureau", organization=bureau),
              other_authority=f.AuthorityUserFactory(username="ledger_other_bureau", organization=other),
              agency=f.AgencyUserFactory(username="ledger_agency"),
              expert=f.ExpertProfileFactory(user__username="ledger_expert").user)
    units = {"a": f.ApplicantOrgFactory(authority=bureau), "b": f.ApplicantOrgFactory(authority=bureau),
             "far": f.ApplicantOrgFactory(authority=other, city=f.city("liuzhou")),
             "partner": f.ApplicantOrgFactory(authority=bureau)}
    w.bases["a"] = make_base("台账甲", units["a"])
    w.bases["a"].partner_units.add(units["partner"])
    w.bases["b"] = make_base("台账乙", units["b"], industry="biomedicine", platform="concept-verification")
    w.bases["far"] = make_base("台账柳州", units["far"], city="liuzhou")
    for key, unit in units.items():
        w.users[key] = f.ApplicantUserFactory(username=f"ledger_unit_{key}", organization=unit)
    a, b, far, s = w.bases["a"], w.bases["b"], w.bases["far"], w.staff
    G, DIS, REP, WO, REV = (LedgerKind.GRANT, LedgerKind.DISBURSEMENT, LedgerKind.REPAYMENT, LedgerKind.WRITE_OFF,
                            LedgerKind.REVERSAL)
    OP, RC = SupportKind.OPERATING, SupportKind.RECOVERY
    w.rows["a_grant"] = post(a, G, "1000000.00", on=date(2025, 3, 1), document_no="桂科资字〔2025〕1号", actor=s)
    w.rows["a_disb"] = post(a, DIS, "600000.00", on=date(2025, 4, 1), document_no="拨付-001", actor=s)
    w.rows["a_wrong"] = post(a, DIS, "50000.00", on=date(2025, 5, 1), document_no="拨付-002", actor=s)
    w.rows["a_rev"] = post(a, REV, "50000.00", on=date(2025, 5, 2), reverses=w.rows["a_wrong"], reason="金额录错",
                           actor=s)
    w.rows["a_op"] = post(a, G, "400000.00", support=OP, year=2026, on=date(2026, 2, 1), actor=s)
    w.rows["b_grant"] = post(b, G, "200000.00", support=OP, year=2026, on=date(2026, 2, 1), actor=s)
    w.rows["b_disb"] = post(b, DIS, "200000.00", support=OP, year=2026, on=date(2026, 3, 1), actor=s)
    w.rows["b_repay"] = post(b, REP, "30000.00", support=RC, year=2026, on=date(2026, 6, 1), document_no="缴款-9",
                             actor=s)
    w.rows["b_wo"] = post(b, WO, "10000.00", support=RC, year=2026, on=date(2026, 7, 1), reason="无法追回部分核销",
                          actor=s)
    w.rows["far_grant"] = post(far, G, "3000000.00", on=date(2025, 3, 2), actor=s)
    w.rows["far_disb"] = post(far, DIS, "3000000.00", on=date(2025, 4, 2), actor=s)
    return w
