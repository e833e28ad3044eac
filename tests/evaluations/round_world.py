"""A round's world for the round and annual-report tests, built through the real services.

Bases come in through the import of bases certified before the portal (the same service staff use), with the
certification date each test needs; people are the named personas of each side:

    w = world(certified=[date(2024, 6, 30), date(2025, 12, 1)])
    rnd = w.round(year=2025, reference_date=date(2025, 12, 31))
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

from django.utils import timezone

from evaluations.importer.template import template_bytes
from evaluations.models import AnnualReport, EvaluationRound
from evaluations.services import base_import
from evaluations.services import report as report_svc
from evaluations.services import round as round_svc
from pilotbase.models import Base, User
from tests import factories as f

# A report that may be submitted as it stands (last year's comparison figures differ from these).
FIGURES = {
    "pilot_projects": 24,
    "pilot_projects_outside": 15,
    "clients_in_guangxi": 18,
    "clients_outside_guangxi": 6,
    "results_transferred": 5,
    "new_processes": 3,
    "new_products": 4,
    "staff_fulltime": 32,
    "staff_technical": 21,
    "firms_incubated": 2,
    "service_revenue": Decimal("3860000.00"),
    "voucher_income": Decimal("420000.00"),
    "equipment_value_added": Decimal("1250000.00"),
    "investment_attracted": Decimal("8000000.00"),
    "service_system": "设立中试服务部，收费标准在官网公开。",
    "major_projects": "完成碳酸钙改性中试线放大试验。",
    "problems": "专业技术人员仍不足。",
    "next_year_plan": "新增一条中试线，扩大区外服务。",
}


def _row(i: int, certified_on: date, city: str) -> dict:
    return {
        "name": f"广西第{i}号考核测试科技成果转化中试研究基地",
        "lead_name": f"广西考核测试材料有限公司{i}",
        "lead_code": f.credit_code(8100 + i),
        "city": city,
        "industry": "新材料",
        "platform_type": "中试研究基地",
        "batch": 1,
        "certified_on": certified_on,
        "number": f"桂科中试〔{certified_on.year}〕第{i:02d}号",
    }


@dataclass
class World:
    staff: User
    agency: User
    bureau: object  # 南宁市科学技术局
    other_bureau: object  # 柳州市科学技术局
    bases: list[Base] = field(default_factory=list)

    def base_user(self, base: Base) -> User:
        user = User.objects.filter(organization=base.lead_unit, role="applicant").first()
        return user or f.ApplicantUserFactory(organization=base.lead_unit)

    def authority_user(self, base: Base) -> User:
        org = base.lead_unit.authority
        user = User.objects.filter(organization=org, role="authority").first()
        return user or f.AuthorityUserFactory(organization=org)

    def add_bases(self, k: int, *, certified_on: date = date(2023, 5, 1), city: str = "南宁市") -> list[Base]:
        """k more imported bases (numbered after those already there)."""
        start = len(self.bases) + 1
        content = template_bytes(rows=[_row(i, certified_on, city) for i in range(start, start + k)])
        base_import.base_import_run(content=content, filename=f"考核测试{start}.xlsx", actor=self.staff)
        new = list(Base.objects.order_by("id"))[len(self.bases) :]
        for base in new:
            self.base_user(base), self.authority_user(base)
        self.bases += new
        return new

    def round(
        self, *, year: int = 2025, reference_date: date | None = None, deadline_in: int = 30, **settings
    ) -> EvaluationRound:
        today = timezone.localdate()
        settings.setdefault("agency", self.agency.organization)
        return round_svc.round_create(
            actor=self.staff,
            year=year,
            title=round_svc.round_title(year),
            reference_date=reference_date or today,
            report_deadline=today + timedelta(days=deadline_in),
            **settings,
        )

    def open_round(self, **kwargs) -> EvaluationRound:
        rnd = self.round(**kwargs)
        return round_svc.round_open_reports(rnd=rnd, actor=self.staff)

    def filed(self, report: AnnualReport, **figures) -> AnnualReport:
        """The base fills in every figure and narrative and submits."""
        user = self.base_user(report.base)
        report = report_svc.report_save(report=report, actor=user, data={**FIGURES, **figures})
        return report_svc.report_submit(report=report, actor=user)


def world(*, certified: list[date] | None = None, cities: list[str] | None = None) -> World:
    """Staff, an agency, the Nanning and Liuzhou bureaus and one imported base per certification date."""
    staff = f.DepartmentUserFactory(username="round_staff")
    agency = f.AgencyUserFactory(username="round_agency", organization__name="广西考核评估咨询有限公司")
    bureau = f.AuthorityFactory(name="南宁市科学技术局", city=f.city("nanning"))
    other = f.AuthorityFactory(name="柳州市科学技术局", city=f.city("liuzhou"))
    w = World(staff=staff, agency=agency, bureau=bureau, other_bureau=other)
    certified = certified if certified is not None else [timezone.localdate() - timedelta(days=400)]
    cities = cities or ["南宁市"] * len(certified)
    if certified:
        content = template_bytes(
            rows=[
                _row(i, day, city)
                for i, (day, city) in enumerate(zip(certified, cities, strict=True), start=1)
            ]
        )
        base_import.base_import_run(content=content, filename="考核测试.xlsx", actor=staff)
        w.bases = list(Base.objects.order_by("id"))
        for base in w.bases:  # each base's user and its authority's reviewer exist before anyone is told
            w.base_user(base), w.authority_user(base)
    return w
