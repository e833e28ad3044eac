"""Demo data of 绩效考核: the bases certified on paper before the portal — the 2021 first batch (11 bases), the
2022 second and 2023 third batches (2 each) — imported through the same workbook and service as the staff's import
page, one workbook a batch, with their grades up to 2024 (evaluated on paper) and construction support. Their 2025
grades come from the portal's first round (`demo_rounds.seed_past_round`): the last letter of each row's grades."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import NamedTuple

from pilotbase.demo import APPLICANTS, demo_credit_code

FILENAME = "2021年第一批自治区科技成果转化中试研究基地（平台上线前认定）.xlsx"
CERTIFIED_ON = date(2021, 12, 28)
G = {"A": "优秀", "B": "良好", "C": "合格", "R": "整改", "F": "不合格"}
ROUND_YEAR = 2025  # the portal's first round: the grades of this year and later are not imported


def _applicant(name: str) -> tuple[str, str]:
    """A unit of the core demo data, by name with its credit code (the import reuses it)."""
    index = next(i for i, row in enumerate(APPLICANTS) if row[0] == name)
    return name, demo_credit_code(index)


def _new(name: str, seed: int) -> tuple[str, str]:
    return name, demo_credit_code(600 + seed)


# (industry, city, lead, partners, grades from the year after certification to 2025, construction support (yuan,
# year) or None): the years before ROUND_YEAR are imported, the last is what the portal's 2025 round confirms
# (F: the base never files its report, 不合格 by the late rule).
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
SECOND_BATCH = [  # certified 2022: grades 2023–2025
    ("海洋装备", "marine", "北海市", _new("北海海洋装备科技有限公司", 5), [], "BBB", None),
    ("铝精深加工", "new-materials", "百色市", _new("百色铝精深加工研究院有限公司", 6), [], "CBC",
     (Decimal("1000000"), 2023)),
]
THIRD_BATCH = [  # certified 2023: grades 2024–2025
    ("六堡茶", "agriculture", "梧州市", _new("梧州六堡茶科技有限公司", 7), [_new("梧州学院", 8)], "BB", None),
    ("桉木家居", "green-home", "贵港市", _new("贵港桉木家居科技有限公司", 9), [], "CC", None),
]

# Newly built platforms among the later batches (the rest are 中试研究基地): the 奖补 demo's construction grants
# go to them (《实施方案》五.(一): a newly built concept-verification or major pilot platform in a key industry).
PLATFORMS = {"海洋装备": "重大中试平台", "六堡茶": "概念验证中心", "桉木家居": "重大中试平台"}


class Batch(NamedTuple):
    number: int
    label: str
    certified_on: date
    filename: str
    bases: list


BATCHES = [
    Batch(1, "第一批", CERTIFIED_ON, FILENAME, FIRST_BATCH),
    Batch(2, "第二批", date(2022, 12, 20), "2022年第二批自治区科技成果转化中试研究基地（平台上线前认定）.xlsx",
          SECOND_BATCH),
    Batch(3, "第三批", date(2023, 12, 26), "2023年第三批自治区科技成果转化中试研究基地（平台上线前认定）.xlsx",
          THIRD_BATCH),
]


def base_name(industry: str) -> str:
    return f"广西{industry}科技成果转化中试研究基地"


def _years(batch: Batch) -> list[int]:
    return list(range(batch.certified_on.year + 1, ROUND_YEAR + 1))


def round_grades() -> dict[str, str]:
    """The 2025 grade (a letter of G) each imported base gets in the portal's 2025 round, by base name."""
    return {base_name(b[0]): b[5][-1] for batch in BATCHES for b in batch.bases}


def rows(batch: Batch = BATCHES[0]) -> list[dict]:
    from pilotbase.models import Industry

    industries = dict(Industry.objects.values_list("code", "name"))
    year = batch.certified_on.year
    out = []
    for i, (title, industry, city, lead, partners, grades, support) in enumerate(batch.bases, start=1):
        assert len(grades) == len(_years(batch)), title
        row = {"name": base_name(title), "lead_name": lead[0], "lead_code": lead[1], "city": city,
               "industry": industries[industry], "platform_type": PLATFORMS.get(title, "中试研究基地"),
               "batch": batch.label,
               "certified_on": batch.certified_on, "number": f"桂科中试认〔{year}〕第{i:02d}号",
               "support": "是" if support else "否"}
        for slot, (name, code) in enumerate(partners, start=1):
            row[f"partner{slot}_name"], row[f"partner{slot}_code"] = name, code
        row.update({f"grade_{y}": G[g] for y, g in zip(_years(batch), grades, strict=True) if y < ROUND_YEAR})
        if support:
            row["support_amount"], row["support_year"] = support
        out.append(row)
    return out


def seed(core: dict) -> None:
    """Each batch once: skipped when the batch's first base exists already."""
    from pilotbase.models import Base

    from .importer.template import template_bytes
    from .services.base_import import base_import_run

    for batch in BATCHES:
        if Base.objects.filter(name=base_name(batch.bases[0][0])).exists():
            continue
        base_import_run(content=template_bytes(rows=rows(batch)), filename=batch.filename,
                        actor=core["users"]["department"])


# ---- 整改 and 摘牌 -------------------------------------------------------------------------------------------
RECTIFIED = "钢铁新材料"  # 2023 整改 → a rectification accepted
REVOKED = "有色金属"  # 2024 a rectification ordered and not accepted, 2025 不合格 (its report never filed in the
# 2025 round, seeded before this) → listed, proposed, revoked


def seed_consequences(core: dict) -> None:
    """A rectification accepted and a base failing twice and revoked (its verification page says revoked), on the
    first batch imported above, through the services and by the people who act in the portal. Once: skipped when
    the first base has a rectification."""
    from django.utils import timezone

    from pilotbase.demo import _user
    from pilotbase.models import Base, Role, User

    from .models import Rectification
    from .services import rectification as rect
    from .services import revocation as rev

    rectified = Base.objects.filter(name=base_name(RECTIFIED)).first()
    revoked = Base.objects.filter(name=base_name(REVOKED)).first()
    if rectified is None or revoked is None or Rectification.objects.filter(base=rectified).exists():
        return
    staff = core["users"]["department"]
    second = _user("demo_department2", Role.DEPARTMENT, core["department"], "李", "科长")

    def unit(base: Base) -> User:
        return User.objects.filter(organization=base.lead_unit, role=Role.APPLICANT, is_active=True).order_by(
            "id"
        )[0]

    # 钢铁新材料: the 2023 整改 grade, the report with the unit's evidence, accepted.
    opened = rect.rectification_open(
        result=rectified.evaluation_results.get(year=2023),
        actor=staff,
        requirements="1. 建立中试设备运行维护台账；\n2. 公开对外服务流程和收费标准；\n"
        "3. 补充中试工艺安全评估。",
    )
    rect.rectification_report_save(
        rectification=opened,
        actor=unit(rectified),
        report="已建立设备台账并在门户网站公开服务流程与收费标准，完成两项中试工艺安全评估。",
    )
    opened = rect.rectification_submit(rectification=opened, actor=unit(rectified))
    rect.rectification_accept(rectification=opened, actor=staff, opinion="整改措施落实到位，同意通过。")

    # 有色金属: ordered for 2024 and not accepted (a failed year), then 不合格 in 2025: the portal lists it.
    ordered = rect.rectification_order(
        base=revoked,
        actor=staff,
        year=2024,
        reason="监督检查发现中试线长期停用。",
        requirements="恢复中试线运行并承接外部中试项目不少于3项。",
    )
    rect.rectification_report_save(rectification=ordered, actor=unit(revoked), report="已恢复部分设备运行。")
    ordered = rect.rectification_submit(rectification=ordered, actor=unit(revoked))
    rect.rectification_reject(
        rectification=ordered, actor=staff, opinion="中试线仍未恢复对外服务，整改未通过。"
    )
    listed = revoked.revocations.get()
    proposed = rev.revocation_propose(
        revocation=listed, actor=staff, opinion="连续两年考核不合格，建议撤销认定。"
    )
    rev.revocation_confirm(
        revocation=proposed,
        actor=second,
        plaque_returned_on=timezone.localdate(),
        plaque_return_note="牵头单位已交回统一标牌",
    )
