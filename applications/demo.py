"""Demo data of the intake stage: the open 2026 call with applications in draft, submitted and withdrawn.

Everything goes through the services a user triggers (no state is written directly); running twice
changes nothing. `create_call`, `fill` and `submit` are shared with the later stages' seeders
(reviews.demo), which take applications further; the finished 2025 call is built there, since a
past call has to pass every stage while it is still open.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from decimal import Decimal

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.utils import timezone

from pilotbase.models import Industry, PlatformType, Role, User

from . import services
from .forms import ROW_FORMSETS, organization_label
from .models import Application, Call, CheckItem, RequiredAttachment, ScoreIndicator

TITLE_2026 = "2026年度广西科技成果转化中试研究基地建设申报"
TITLE_2025 = "2025年度广西科技成果转化中试研究基地建设申报"


def tiny_pdf(text: str = "Pilot base demo") -> bytes:
    """A minimal valid one-page PDF (hand-written objects with a correct xref table)."""
    safe = text.encode("latin-1", "replace").replace(b"(", b"[").replace(b")", b"]")
    stream = b"BT /F1 18 Tf 72 720 Td (" + safe + b") Tj ET"
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for i, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % i + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    for off in offsets:
        out += b"%010d 00000 n \n" % off
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)


def create_call(title: str, year: int, opens_at: datetime, closes_at: datetime, department: User,
                **thresholds) -> Call:
    """A published call with its attachment requirements, score sheet and formal-check list."""
    call = services.call_create(actor=department, fields={
        "year": year, "title": title, "document_no": f"桂科成字〔{year}〕9号",
        "guide": ("一、支持方向：围绕我区重点产业，依托重点实验室、技术创新中心、工程研究中心等平台建设中试研究基地。\n"
                  "二、申报条件：具备中试所需的仪器设备、场地及配套设施，具备安全、环保设施及制度；"
                  "拥有结构合理的专业化人才队伍；具有健全的内部管理制度和对外服务体系。\n"
                  "三、申报材料：附件1 申报书（在线填写），附件2 可行性研究报告。"),
        "opens_at": opens_at, "closes_at": closes_at, "recommendation_deadline": closes_at + timedelta(days=15),
        "batch_number": year - 2021 + 1, **thresholds,
    }, platform_types=PlatformType.objects.all(), industries=Industry.objects.all())
    # The rows the call form's inline formsets save (there is no service of their own).
    for i, (code, name, types, consortium) in enumerate([
        ("feasibility", "可行性研究报告", "pdf", False), ("license", "营业执照（副本）扫描件", "pdf,jpg,png", False),
        ("commitment", "承诺书（盖章）", "pdf", False), ("agreement", "联合共建协议", "pdf", True),
    ], start=1):
        RequiredAttachment.objects.create(call=call, code=code, name=name, allowed_types=types,
                                          consortium_only=consortium, order=i)
    for i, (name, score) in enumerate([("基础条件", 10), ("服务业绩", 30), ("服务能力", 30), ("管理机制", 20),
                                       ("社会声誉", 10)], start=1):
        ScoreIndicator.objects.create(call=call, name=name, max_score=Decimal(score), order=i)
    ScoreIndicator.objects.create(call=call, name="存在科研失信或黑名单记录", is_veto=True, max_score=0, order=9)
    for i, text in enumerate(["申报书及附件齐全、盖章完整", "申报单位为独立法人且注册满2年", "推荐函已盖章",
                              "可行性研究报告与申报书内容一致"], start=1):
        CheckItem.objects.create(call=call, text=text, order=i)
    services.call_publish(call=call, actor=department)
    return call


def _rows(application: Application, actor: User, key: str, rows: list[dict]) -> None:
    """Save table rows the way the edit page does: a bound inline formset through application_rows_save."""
    data = {f"{key}-TOTAL_FORMS": str(len(rows)), f"{key}-INITIAL_FORMS": "0", f"{key}-MIN_NUM_FORMS": "0",
            f"{key}-MAX_NUM_FORMS": "1000"}
    for i, row in enumerate(rows):
        for name, value in row.items():
            if value is True:
                data[f"{key}-{i}-{name}"] = "on"
            elif value is not False:
                data[f"{key}-{i}-{name}"] = str(value)
    formset = ROW_FORMSETS[key](data, instance=application, prefix=key)
    formset.lead_id = application.applicant_id
    if not formset.is_valid():
        raise ValueError(f"demo rows {key} of {application}: {formset.errors} {formset.non_form_errors()}")
    services.application_rows_save(application=application, formset=formset, actor=actor)


def fill(application: Application, actor: User, industry: Industry, n: int, *, name: str = "",
         partners: list | tuple = ()) -> None:
    """Fill every section, table and required attachment of a draft, as the applicant would."""
    org = application.applicant
    services.application_update_section(application=application, section="basic", actor=actor, data={
        "name": name or f"广西{industry.name}科技成果转化中试研究基地（{org.short_name or org.name[:6]}）",
        "is_consortium": bool(partners),
        "industry": industry, "platform_type": PlatformType.objects.order_by("order").first(),
        "basis_kind": "key_lab", "basis_name": f"广西{industry.name}重点实验室", "basis_level": "regional",
        "contact_name": "王工", "contact_phone": "0771-5860001", "contact_email": f"contact{n}@demo.gxpilot.cn",
        "summary": f"依托{org.name}的研发平台，面向{industry.name}产业提供中试熟化与放大试验服务。"})
    if partners:
        _rows(application, actor, "partners", [{"organization": organization_label(p), "role": "共建中试平台，提供中试场地与工程化验证"}
                                               for p in partners])
    services.application_update_section(application=application, section="capability", actor=actor, data={
        "site_area": Decimal(2500 + 300 * n), "pilot_line_count": 2 + n % 3,
        "pilot_lines": "建有中试生产线和配套检测实验室。", "outside_projects": 20 + n,
        "safety_facilities": "配备消防、环保处理设施，建立安全生产责任制度。"})
    _rows(application, actor, "equipment", [
        {"name": "中试反应系统", "model": "ZS-500", "quantity": 2, "original_value": "9000000", "purpose": "放大试验"},
        {"name": "在线检测分析仪", "model": "JC-20", "quantity": 3, "original_value": "4500000", "purpose": "过程检测"},
    ])
    services.application_update_section(application=application, section="team", actor=actor,
                                        data={"team_summary": "专职研发和中试工程技术人员队伍，结构合理。"})
    _rows(application, actor, "team", [
        {"name": f"成员{i + 1}", "title": "高级工程师" if i < 6 else "工程师", "field": industry.name,
         "role": "中试工程师", "is_fulltime": True, "is_technical": i < 8}
        for i in range(12)
    ])
    services.application_update_section(application=application, section="management", actor=actor, data={
        "internal_rules": "制定中试项目管理、设备管理、财务管理等制度。",
        "service_procedure": "委托受理—方案评审—合同签订—中试实施—验收交付。",
        "fee_standard": "按设备机时费和材料成本核定，向社会公开。"})
    services.application_update_section(application=application, section="plan", actor=actor, data={
        "services": "中试放大、工艺验证、产品熟化、检验检测。", "construction_plan": "三年完成设备升级与平台建设。",
        "construction_years": 3, "targets": "建设期内服务企业不少于50家，完成中试项目60项。"})
    services.application_update_section(application=application, section="funding", actor=actor, data={
        "funding_total": Decimal("30000000"), "funding_self": Decimal("24000000"),
        "funding_requested": Decimal("6000000"), "commitment": True})
    for req in application.required_attachments():
        services.attachment_add(application=application, requirement=req, actor=actor, uploaded_file=SimpleUploadedFile(
            f"{req.code}.pdf", tiny_pdf(f"{req.code} demo {n}"), content_type="application/pdf"))


def applicant_user(org) -> User:
    return User.objects.filter(organization=org, role=Role.APPLICANT, is_active=True).order_by("id").first()


def draft(call: Call, org, n: int, *, name: str = "", industry: Industry | None = None,
          partners: list | tuple = ()) -> Application:
    """application_create + fill, by the unit's first applicant user."""
    actor = applicant_user(org)
    app = services.application_create(call=call, applicant=org, actor=actor)
    industry = industry or org.industries.first() or Industry.objects.order_by("order").first()
    fill(app, actor, industry, n, name=name, partners=partners)
    return app


def submit(call: Call, org, n: int, **kwargs) -> Application:
    """A complete application, submitted (受理编号, snapshot, PDF, the authority told)."""
    app = draft(call, org, n, **kwargs)
    return services.application_submit(application=app, actor=applicant_user(org))


@transaction.atomic
def seed(core: dict) -> None:
    if Call.objects.filter(title=TITLE_2026).exists():
        return
    department = core["users"]["department"]
    applicants = core["applicants"]
    now = timezone.now()
    call = create_call(TITLE_2026, 2026, now - timedelta(days=20), now + timedelta(days=30), department,
                       min_site_area=Decimal("2000"), min_equipment_value=Decimal("10000000"), min_fulltime_staff=10,
                       min_technical_staff=6, min_years_registered=2, min_outside_projects=20)
    # (applicant index, end state). 广西科学院 (demo_applicant) is returned for revision by 南宁 in the
    # 初审推荐 seeder; 贺州学院 applies through the 评估论证 seeder.
    plan = [
        (5, "submitted"), (0, "submitted"), (7, "submitted"), (9, "withdrawn"), (3, "draft"), (1, "draft"),
        (17, "submitted"), (6, "submitted"),
    ]
    for n, (index, end) in enumerate(plan):
        org = applicants[index]
        if end == "draft":
            draft(call, org, n)
            continue
        app = submit(call, org, n)
        if end == "withdrawn":
            services.application_withdraw(application=app, actor=applicant_user(org),
                                          comment="材料需要进一步完善，本年度暂不申报。")
