"""Demo data of 绩效考核: the 2021 first batch (11 bases, certified on paper) imported through the same
workbook and service as the staff's import page, with their grades 2022–2025 and construction support."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from pilotbase.demo import APPLICANTS, demo_credit_code

FILENAME = "2021年第一批自治区科技成果转化中试研究基地（平台上线前认定）.xlsx"
CERTIFIED_ON = date(2021, 12, 28)
G = {"A": "优秀", "B": "良好", "C": "合格", "R": "整改", "F": "不合格"}


def _applicant(name: str) -> tuple[str, str]:
    """A unit of the core demo data, by name with its credit code (the import reuses it)."""
    index = next(i for i, row in enumerate(APPLICANTS) if row[0] == name)
    return name, demo_credit_code(index)


def _new(name: str, seed: int) -> tuple[str, str]:
    return name, demo_credit_code(600 + seed)


# (industry, city, lead, partners, grades 2022–2025, construction support (yuan, year) or None)
FIRST_BATCH = [
    ("工程机械", "machinery", "柳州市", _applicant("广西柳工机械股份有限公司"), [_new("广西科技大学", 1)], "AABA",
     (Decimal("3000000"), 2022)),
    ("特色农产品加工", "agriculture", "南宁市", _applicant("广西农业科学院"), [_applicant("广西大学")], "BBCB", None),
    ("电子信息", "electronics", "南宁市", _applicant("南宁高新技术产业开发区管理委员会"), [], "CCBC", None),
    ("内燃动力", "high-end-equipment", "玉林市", _applicant("广西玉柴机器股份有限公司"), [], "ABAB",
     (Decimal("3000000"), 2022)),
    ("绿色石化", "petrochem", "钦州市", _applicant("钦州石化产业园发展有限公司"), [], "BCCC", None),
    ("钢铁新材料", "new-materials", "防城港市", _applicant("广西防城港钢铁新材料有限公司"), [], "CRCC", None),
    ("有色金属", "new-materials", "河池市", _applicant("河池有色金属新材料研究院有限公司"), [], "CCCF", None),
    ("甘蔗糖业", "agriculture", "来宾市", _applicant("来宾糖业循环经济科技有限公司"),
     [_applicant("崇左东亚糖业科技有限公司")], "BBBB", (Decimal("1500000"), 2022)),
    ("精密模具", "machinery", "桂林市", _applicant("广西三环高科拉丝模具有限公司"), [], "CBBC", None),
    ("中药民族药", "biomedicine", "南宁市", _new("广西中医药大学", 2), [_new("广西中医药研究院有限公司", 3)], "BAAA",
     (Decimal("2000000"), 2023)),
    ("新能源汽车零部件", "new-energy", "柳州市", _new("柳州五菱汽车工业有限公司", 4), [_new("广西科技大学", 1)], "CCRC",
     None),
]


def base_name(industry: str) -> str:
    return f"广西{industry}科技成果转化中试研究基地"


def rows() -> list[dict]:
    from pilotbase.models import Industry

    industries = dict(Industry.objects.values_list("code", "name"))
    out = []
    for i, (title, industry, city, lead, partners, grades, support) in enumerate(FIRST_BATCH, start=1):
        row = {"name": base_name(title), "lead_name": lead[0], "lead_code": lead[1], "city": city,
               "industry": industries[industry], "platform_type": "中试研究基地", "batch": "第一批",
               "certified_on": CERTIFIED_ON, "number": f"桂科中试认〔2021〕第{i:02d}号",
               "support": "是" if support else "否"}
        for slot, (name, code) in enumerate(partners, start=1):
            row[f"partner{slot}_name"], row[f"partner{slot}_code"] = name, code
        row.update({f"grade_{2022 + k}": G[g] for k, g in enumerate(grades)})
        if support:
            row["support_amount"], row["support_year"] = support
        out.append(row)
    return out


def seed(core: dict) -> None:
    """Once: skipped when the first base of the batch exists already."""
    from pilotbase.models import Base

    from .importer.template import template_bytes
    from .services.base_import import base_import_run

    if Base.objects.filter(name=base_name(FIRST_BATCH[0][0])).exists():
        return
    base_import_run(content=template_bytes(rows=rows()), filename=FILENAME, actor=core["users"]["department"])
