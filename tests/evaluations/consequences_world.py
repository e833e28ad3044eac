"""Bases with a grade history for the 整改/摘牌 tests, imported through the staff's import service (the real
workbook and service), each with a user of its lead unit and of its recommending authority."""

from __future__ import annotations

from dataclasses import dataclass

from evaluations.importer.columns import grade_years
from evaluations.services.base_import import base_import_run
from pilotbase.models import Base, User
from tests import factories as f
from tests.evaluations.conftest import row, workbook

GRADES = {"A": "优秀", "B": "良好", "C": "合格", "R": "整改", "F": "不合格"}


@dataclass
class World:
    staff: User  # imports, orders and proposes
    second: User  # another staff member: confirms
    bases: dict[str, Base]  # key → base
    units: dict[str, User]  # key → a user of the base's lead unit
    authority: User  # the recommending authority of every lead unit (南宁市科学技术局)


def build(*, staff: User, bureau, histories: dict[str, str]) -> World:
    """`histories`: key → one letter per year from the template's first grade year ("-" not evaluated)."""
    years = grade_years()
    rows = []
    for i, (key, letters) in enumerate(histories.items(), start=1):
        grades = {f"grade_{y}": GRADES[g] for y, g in zip(years, letters, strict=False) if g != "-"}
        values = {k: "" for k in (f"grade_{y}" for y in years)}
        rows.append(
            row(
                i,
                name=f"广西{key}科技成果转化中试研究基地",
                support="否",
                support_amount="",
                support_year="",
                **{**values, **grades},
            )
        )
    base_import_run(content=workbook(*rows), filename="整改摘牌测试.xlsx", actor=staff)
    bases = {
        key: Base.objects.select_related("lead_unit").get(name=f"广西{key}科技成果转化中试研究基地")
        for key in histories
    }
    units = {key: f.ApplicantUserFactory(organization=base.lead_unit) for key, base in bases.items()}
    return World(
        staff=staff,
        second=f.DepartmentUserFactory(),
        bases=bases,
        units=units,
        authority=f.AuthorityUserFactory(organization=bureau),
    )
