"""A world for 追回: two staff members, a city bureau with two bases (A with a partner unit, its money: a
construction disbursement and an operating one, a wrong disbursement reversed; B without money), another city's
base F, and A's certification revoked through the evaluation stage's own services (proposed by one staff member,
confirmed by the other: the revocation flags A's funds for recovery)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from evaluations.models import Revocation
from evaluations.services import revocation as rev_svc
from pilotbase.models import Base, User
from pilotbase.reference_data import ensure_loaded
from subsidies.models import LedgerKind, SupportKind
from subsidies.services.ledger import ledger_post
from tests import factories as f

D = Decimal
_keys = iter(range(10**6))


@dataclass
class World:
    staff: User
    colleague: User
    authority: User
    other_authority: User
    agency: User
    bases: dict[str, Base] = field(default_factory=dict)
    users: dict[str, User] = field(default_factory=dict)
    revocation: Revocation | None = None


def make_base(name: str, org, *, city="nanning") -> Base:
    ensure_loaded()
    return Base.objects.create(name=f"广西{name}科技成果转化中试研究基地", lead_unit=org, city=f.city(city),
                               industry=f.industry(), platform_type=f.platform_type(), batch=1,
                               certified_on=date(2023, 6, 1))


def post(base: Base, kind: str, amount: str, *, support=SupportKind.CONSTRUCTION, on=date(2025, 4, 1),
         reverses=None, reason="", actor=None):
    return ledger_post(base=base, kind=kind, support=support, amount=D(amount), year=on.year, occurred_on=on,
                       source=base, actor=actor, idempotency_key=f"recovery-world-{base.pk}-{next(_keys)}",
                       reverses=reverses, reason=reason)


def revoke(w: World, base: Base, *, on: date = date(2026, 6, 30)) -> Revocation:
    rev = rev_svc.revocation_propose_other(base=base, actor=w.staff, reason_kind="base_request",
                                           reason="基地来函申请撤销。")
    return rev_svc.revocation_confirm(revocation=rev, actor=w.colleague, revoked_on=on)


def build(*, revoked: bool = True) -> World:
    ensure_loaded()
    bureau = f.AuthorityFactory(name="南宁市科学技术局")
    other = f.AuthorityFactory(name="柳州市科学技术局", city=f.city("liuzhou"))
    w = World(staff=f.DepartmentUserFactory(username="rc_staff"),
              colleague=f.DepartmentUserFactory(username="rc_colleague"),
              authority=f.AuthorityUserFactory(username="rc_bureau", organization=bureau),
              other_authority=f.AuthorityUserFactory(username="rc_other_bureau", organization=other),
              agency=f.AgencyUserFactory(username="rc_agency"))
    units = {"a": f.ApplicantOrgFactory(authority=bureau), "b": f.ApplicantOrgFactory(authority=bureau),
             "partner": f.ApplicantOrgFactory(authority=bureau),
             "far": f.ApplicantOrgFactory(authority=other, city=f.city("liuzhou"))}
    w.bases["a"] = make_base("追回甲", units["a"])
    w.bases["a"].partner_units.add(units["partner"])
    w.bases["b"] = make_base("追回乙", units["b"])
    w.bases["far"] = make_base("追回柳州", units["far"], city="liuzhou")
    for key, unit in units.items():
        w.users[key] = f.ApplicantUserFactory(username=f"rc_unit_{key}", organization=unit)
    a = w.bases["a"]
    post(a, LedgerKind.GRANT, "1000000.00", on=date(2024, 3, 1), actor=w.staff)
    post(a, LedgerKind.DISBURSEMENT, "600000.00", on=date(2024, 4, 1), actor=w.staff)
    wrong = post(a, LedgerKind.DISBURSEMENT, "50000.00", on=date(2024, 5, 1), actor=w.staff)
    post(a, LedgerKind.REVERSAL, "50000.00", on=date(2024, 5, 2), reverses=wrong, reason="金额录错", actor=w.staff)
    post(a, LedgerKind.DISBURSEMENT, "200000.00", support=SupportKind.OPERATING, on=date(2026, 3, 1), actor=w.staff)
    post(a, LedgerKind.DISBURSEMENT, "90000.00", support=SupportKind.OPERATING, on=date(2026, 9, 1), actor=w.staff)
    if revoked:
        w.revocation = revoke(w, a)
    return w
