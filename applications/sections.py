"""The sections of the application form (申报书), in the order of the notice's conditions (三).

One declaration drives the section forms, the progress sidebar, completeness, the frozen
snapshot, the PDF and the "what changed" diff, so they never disagree.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class Section:
    key: str
    label: str
    fields: tuple[str, ...]
    required: tuple[str, ...]
    help: str = ""
    tables: tuple[str, ...] = field(default=())


SECTIONS: tuple[Section, ...] = (
    Section(
        "basic", _("基本信息"),
        ("name", "is_consortium", "industry", "platform_type", "basis_kind", "basis_name", "basis_level",
         "contact_name", "contact_phone", "contact_email", "summary"),
        ("name", "industry", "platform_type", "basis_kind", "basis_name", "basis_level", "contact_name",
         "contact_phone", "summary"),
        _("依托国家级或自治区级重点实验室、技术创新中心、工程研究中心、工程实验室、新型研发机构等已有平台建设；"
          "可由一家单位独立建设，也可由牵头单位联合共建单位组建（联合组建须填写共建单位）。"),
        ("partners",),
    ),
    Section(
        "capability", _("能力条件"),
        ("site_area", "pilot_line_count", "pilot_lines", "outside_projects", "safety_facilities"),
        ("site_area", "pilot_line_count", "pilot_lines", "outside_projects", "safety_facilities"),
        _("具备开展中试所需的通用计量检测仪器、实验设备、中试生产设备，具有满足中试需要的场地及配套设施，"
          "具备安全、环保设施及制度。"),
        ("equipment",),
    ),
    Section(
        "team", _("人才队伍"), ("team_summary",), ("team_summary",),
        _("拥有结构合理、规模适当的专业化人才队伍，具备中试方案设计和组织实施能力。"),
        ("team",),
    ),
    Section(
        "management", _("管理机制"), ("internal_rules", "service_procedure", "fee_standard"),
        ("internal_rules", "service_procedure", "fee_standard"),
        _("具有健全的内部管理制度和对外服务体系，承接外部中试项目的流程清晰，收费标准合理。"),
    ),
    Section(
        "plan", _("中试服务与建设方案"), ("services", "construction_plan", "construction_years", "targets"),
        ("services", "construction_plan", "construction_years", "targets"),
        _("围绕重点产业需求，说明拟提供的中试熟化、放大试验、工艺验证等开放服务及建设目标。"),
    ),
    Section(
        "funding", _("经费与承诺"),
        ("funding_total", "funding_self", "funding_requested", "cultivation_support", "cultivation_support_note",
         "commitment"),
        ("funding_total", "funding_self", "funding_requested", "commitment"),
        _("建设支持资金主要用于中试设备升级改造，须在两年内使用完毕并完成建设任务。"),
    ),
    Section(
        "attachments", _("附件"), (), (),
        _("按建设指南上传申报书附件（可行性研究报告、营业执照等），文件须为真实内容，系统按文件内容校验类型。"),
    ),
)

SECTION_MAP = {s.key: s for s in SECTIONS}

# Child tables: (label, related name, columns as (field, label)).
TABLES = {
    "partners": (_("共建单位"), "partners", (("organization", _("共建单位")), ("role", _("在基地中的分工")))),
    "equipment": (_("仪器设备"), "equipment", (
        ("name", _("设备名称")), ("model", _("型号规格")), ("quantity", _("数量")),
        ("original_value", _("原值（元）")), ("purpose", _("用途")))),
    "team": (_("团队成员"), "team", (
        ("name", _("姓名")), ("title", _("职称")), ("field", _("专业领域")), ("role", _("职责")),
        ("is_fulltime", _("专职")), ("is_technical", _("技术人员")))),
}


def section_after(key: str) -> str | None:
    keys = [s.key for s in SECTIONS]
    i = keys.index(key)
    return keys[i + 1] if i + 1 < len(keys) else None
