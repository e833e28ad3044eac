"""The core of the demo data set: organisations, experts and one login per role.

Upper apps register their own seeders (pilotbase.registry.register_seeder) that build on this:
calls, applications in every state, reviews, certified bases.
"""

from __future__ import annotations

import random
from datetime import date

from django.db import transaction

from .models import (
    AuthorityKind,
    City,
    ExpertKind,
    ExpertProfile,
    Industry,
    Organization,
    OrgKind,
    Role,
    UnitType,
    User,
)
from .reference_data import CITIES, ensure_loaded
from .validators import CREDIT_CODE_ALPHABET, credit_code_check_char

DEMO_PASSWORD = "Demo@2026"
DEPARTMENT_NAME = "广西壮族自治区科学技术厅"
AGENCY_NAME = "广西科技评估咨询中心（第三方机构）"
REQUESTER_NAME = "南宁市示范精密制造有限公司"  # a demo enterprise that requests services from bases (开放共享)

REGIONAL_DEPARTMENTS = [
    "广西壮族自治区工业和信息化厅", "广西壮族自治区农业农村厅", "广西壮族自治区教育厅",
    "广西壮族自治区卫生健康委员会", "广西壮族自治区国有资产监督管理委员会",
]

# (name, unit type, city code, industry code, authority: "city" or a regional department's index)
APPLICANTS = [
    ("广西柳工机械股份有限公司", UnitType.ENTERPRISE, "liuzhou", "machinery", "city"),
    ("上汽通用五菱汽车股份有限公司", UnitType.ENTERPRISE, "liuzhou", "new-energy", "city"),
    ("贺州学院", UnitType.UNIVERSITY, "hezhou", "new-materials", 2),
    ("广西大学", UnitType.UNIVERSITY, "nanning", "agriculture", 2),
    ("桂林电子科技大学", UnitType.UNIVERSITY, "guilin", "electronics", 2),
    ("广西科学院", UnitType.INSTITUTE, "nanning", "biomedicine", "city"),
    ("广西农业科学院", UnitType.INSTITUTE, "nanning", "agriculture", 1),
    ("南宁高新技术产业开发区管理委员会", UnitType.PARK, "nanning", "electronics", "city"),
    ("广西玉柴机器股份有限公司", UnitType.ENTERPRISE, "yulin", "high-end-equipment", "city"),
    ("广西北部湾海洋产业研究院有限公司", UnitType.INSTITUTE, "beihai", "marine", "city"),
    ("钦州石化产业园发展有限公司", UnitType.PARK, "qinzhou", "petrochem", "city"),
    ("广西梧州制药（集团）股份有限公司", UnitType.ENTERPRISE, "wuzhou", "biomedicine", "city"),
    ("百色铝业新材料有限公司", UnitType.ENTERPRISE, "baise", "new-materials", "city"),
    ("广西防城港钢铁新材料有限公司", UnitType.ENTERPRISE, "fangchenggang", "new-materials", "city"),
    ("贵港新能源电动车产业园有限公司", UnitType.PARK, "guigang", "new-energy", "city"),
    ("河池有色金属新材料研究院有限公司", UnitType.INSTITUTE, "hechi", "new-materials", "city"),
    ("来宾糖业循环经济科技有限公司", UnitType.ENTERPRISE, "laibin", "agriculture", "city"),
    ("崇左东亚糖业科技有限公司", UnitType.ENTERPRISE, "chongzuo", "agriculture", "city"),
    ("广西三环高科拉丝模具有限公司", UnitType.ENTERPRISE, "guilin", "textiles", "city"),
    ("广西绿色家居产业研究院有限公司", UnitType.INSTITUTE, "guigang", "green-home", 0),
    ("广西环保产业投资集团有限公司", UnitType.ENTERPRISE, "nanning", "green-env", 4),
]

EXPERTS = [
    ("韦", "建华", ExpertKind.TECHNICAL, "new-materials", "教授", "广西大学"),
    ("黄", "志强", ExpertKind.TECHNICAL, "machinery", "正高级工程师", "桂林电子科技大学"),
    ("陆", "海燕", ExpertKind.TECHNICAL, "new-energy", "研究员", "广西科学院"),
    ("覃", "丽萍", ExpertKind.TECHNICAL, "agriculture", "研究员", "广西农业科学院"),
    ("蒙", "宇", ExpertKind.TECHNICAL, "electronics", "教授", "桂林理工大学"),
    ("梁", "晓东", ExpertKind.TECHNICAL, "biomedicine", "主任药师", "广西医科大学"),
    ("莫", "新", ExpertKind.TECHNICAL, "new-materials", "教授级高工", "中国有色桂林矿产地质研究院"),
    ("李", "明", ExpertKind.MANAGEMENT, "machinery", "高级经济师", "广西科技评估咨询中心（第三方机构）"),
    ("周", "静", ExpertKind.MANAGEMENT, "new-materials", "研究员", "广西社会科学院"),
    ("刘", "洋", ExpertKind.MANAGEMENT, "agriculture", "副教授", "广西财经学院"),
    ("陈", "芳", ExpertKind.FINANCIAL, "new-materials", "注册会计师", "广西正德会计师事务所"),
    ("谢", "敏", ExpertKind.FINANCIAL, "machinery", "高级会计师", "广西华信会计师事务所"),
    ("杨", "帆", ExpertKind.FINANCIAL, "agriculture", "注册会计师", "广西财经学院"),
]


def demo_credit_code(seed: int) -> str:
    rnd = random.Random(seed)
    body = "91" + "4501" + "".join(rnd.choice(CREDIT_CODE_ALPHABET) for _ in range(11))
    return body + credit_code_check_char(body)


def _user(username: str, role: str, org: Organization | None, last: str, first: str, **extra) -> User:
    user, created = User.objects.get_or_create(
        username=username,
        defaults={"role": role, "organization": org, "last_name": last, "first_name": first,
                  "email": f"{username}@demo.gxpilot.cn", **extra},
    )
    if created:
        user.set_password(DEMO_PASSWORD)
        user.save()
    return user


@transaction.atomic
def seed_core() -> dict:
    ensure_loaded()
    cities = {c.code: c for c in City.objects.all()}
    industries = {i.code: i for i in Industry.objects.all()}
    bureaus = {}
    for code, name, _en in CITIES:
        bureaus[code], _ = Organization.objects.get_or_create(
            name=f"{name}科学技术局",
            defaults={"kind": OrgKind.AUTHORITY, "authority_kind": AuthorityKind.CITY_BUREAU,
                      "unit_type": UnitType.GOVERNMENT, "city": cities[code]},
        )
    regional = [
        Organization.objects.get_or_create(
            name=name, defaults={"kind": OrgKind.AUTHORITY, "authority_kind": AuthorityKind.REGIONAL_DEPARTMENT,
                                 "unit_type": UnitType.GOVERNMENT, "city": cities["nanning"]},
        )[0]
        for name in REGIONAL_DEPARTMENTS
    ]
    department, _ = Organization.objects.get_or_create(
        name=DEPARTMENT_NAME, defaults={"kind": OrgKind.DEPARTMENT, "unit_type": UnitType.GOVERNMENT,
                                        "city": cities["nanning"]})
    agency, _ = Organization.objects.get_or_create(
        name=AGENCY_NAME, defaults={"kind": OrgKind.AGENCY, "unit_type": UnitType.INSTITUTE,
                                    "city": cities["nanning"], "credit_code": demo_credit_code(9999)})
    applicants = []
    for i, (name, unit_type, city_code, industry_code, auth) in enumerate(APPLICANTS):
        org, created = Organization.objects.get_or_create(
            name=name,
            defaults={"kind": OrgKind.APPLICANT, "unit_type": unit_type, "city": cities[city_code],
                      "authority": bureaus[city_code] if auth == "city" else regional[auth],
                      "credit_code": demo_credit_code(i), "registered_on": date(2000 + i % 20, 1 + i % 12, 1 + i),
                      "contact_name": "王工", "contact_phone": f"0771-58{i:02d}1234"},
        )
        if created:
            org.industries.set([industries[industry_code]])
        applicants.append(org)
    requester, _ = Organization.objects.get_or_create(
        name=REQUESTER_NAME, defaults={"kind": OrgKind.REQUESTER, "unit_type": UnitType.ENTERPRISE,
                                       "city": cities["nanning"], "credit_code": demo_credit_code(9998),
                                       "registered_on": date(2016, 3, 1)})

    users = {
        "applicant": _user("demo_applicant", Role.APPLICANT, applicants[5], "覃", "申报"),
        "applicant2": _user("demo_applicant2", Role.APPLICANT, applicants[0], "韦", "柳工"),
        "authority": _user("demo_authority", Role.AUTHORITY, bureaus["nanning"], "黄", "市局"),
        "authority2": _user("demo_authority2", Role.AUTHORITY, bureaus["liuzhou"], "罗", "柳州"),
        "department": _user("demo_department", Role.DEPARTMENT, department, "陈", "处长"),
        "agency": _user("demo_agency", Role.AGENCY, agency, "林", "评估"),
        "requester": _user("demo_requester", Role.REQUESTER, requester, "莫", "需求"),
        "admin": _user("demo_admin", Role.ADMIN, department, "系统", "管理员", is_staff=True, is_superuser=True),
    }
    # One login for each applicant organisation, so every unit can be tried.
    for i, org in enumerate(applicants):
        _user(f"applicant{i + 1:02d}", Role.APPLICANT, org, "联系", f"人{i + 1}")
    for i, bureau in enumerate(bureaus.values()):
        _user(f"bureau_{list(bureaus)[i]}", Role.AUTHORITY, bureau, "科技", "局")
    # One login for each regional department that recommends units (e.g. 教育厅 for 贺州学院).
    for i, dept in enumerate(regional):
        _user(f"regional_{i + 1:02d}", Role.AUTHORITY, dept, "推荐", f"专员{i + 1}")

    experts = []
    for i, (last, first, kind, industry_code, title, org_name) in enumerate(EXPERTS):
        org = Organization.objects.filter(name=org_name).first() or Organization.objects.get_or_create(
            name=org_name, defaults={"kind": OrgKind.OTHER, "unit_type": UnitType.UNIVERSITY,
                                     "city": cities["nanning"]})[0]
        user = _user("demo_expert" if i == 0 else f"expert{i + 1:02d}", Role.EXPERT, org, last, first)
        profile, created = ExpertProfile.objects.get_or_create(
            user=user, defaults={"kind": kind, "title": title, "city": org.city or cities["nanning"]})
        if created:
            profile.industries.set([industries[industry_code]])
        experts.append(profile)
    users["expert"] = experts[0].user
    return {"bureaus": bureaus, "regional": regional, "department": department, "agency": agency,
            "requester": requester, "applicants": applicants, "experts": experts, "users": users}


DEMO_LOGINS = [
    ("applicant", "demo_applicant", "申报单位（广西科学院）"),
    ("authority", "demo_authority", "推荐单位（南宁市科学技术局）"),
    ("department", "demo_department", "科技厅工作人员"),
    ("agency", "demo_agency", "第三方机构"),
    ("expert", "demo_expert", "评审专家"),
    ("requester", "demo_requester", "服务需求方（企业）"),
    ("admin", "demo_admin", "系统管理员（含后台）"),
]
