"""A workbook of bases certified before the portal, built through the template the staff download."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from evaluations.importer.template import template_bytes
from tests import factories as f

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def code(n: int) -> str:
    return f.credit_code(7000 + n)


def bad_code(n: int) -> str:
    """A credit code whose check digit is wrong."""
    good = code(n)
    alphabet = "0123456789ABCDEFGHJKLMNPQRTUWXY"
    return good[:17] + alphabet[(alphabet.index(good[17]) + 1) % len(alphabet)]


def row(i: int = 1, **values) -> dict:
    """One valid row (values by column key); `values` override."""
    out = {
        "name": f"广西第{i}号新材料科技成果转化中试研究基地", "lead_name": f"广西导入测试材料有限公司{i}",
        "lead_code": code(i), "city": "南宁市", "industry": "新材料", "platform_type": "中试研究基地", "batch": 1,
        "certified_on": "2021-12-20", "number": f"桂科中试〔2021〕第{i:02d}号",
        "grade_2022": "优秀", "grade_2023": "良好", "support": "是", "support_amount": Decimal("3000000"),
        "support_year": 2022,
    }
    out.update(values)
    return out


def workbook(*rows: dict) -> bytes:
    return template_bytes(rows=list(rows))


def upload(content: bytes, name: str = "既有基地.xlsx") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type=XLSX)


@pytest.fixture
def nanning_bureau(db):
    return f.AuthorityFactory(name="南宁市科学技术局", city=f.city("nanning"))


@pytest.fixture
def staff(db, nanning_bureau):
    return f.DepartmentUserFactory(username="import_staff")
