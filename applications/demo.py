"""Demo data of the intake stage: an open 2026 call with applications in several states and a closed 2025 call.

Everything goes through the services (no state is written directly); running twice changes nothing.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.utils import timezone

from pilotbase.models import Industry, PlatformType, Role, User
from pilotbase.workflow import transition_run

from . import services
from .models import Application, Call, CheckItem, Equipment, RequiredAttachment, ScoreIndicator, TeamMember

TZ = ZoneInfo("Asia/Shanghai")
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


def _call(title: str, year: int, opens_at: datetime, closes_at: datetime, department: User, **thresholds) -> Call:
    call = services.call_create(actor=department, fields={
        "year": year, "title": title, "document_no": f"桂科成字〔{year}〕9号",
        "guide": ("一、支持方向：围绕我区重点产业，依托重点实验室、技术创新中心、工程研究中心等平台建设中试研究基地。\n"
                  "二、申报条件：具备中试所需的仪器设备、场地及配套设施，具备安全、环保设施及制度；"
                  "拥有结构合理的专业化人才队伍；具有健全的内部管理制度和对外服务体系。\n"
                  "三、申报材料：附件1 申报书（在线填写），附件2 可行性研究报告。"),
        "opens_at": opens_at, "closes_at": closes_at, "recommendation_deadline": closes_at + timedelta(days=15),
        "batch_number": year - 2021 + 1, **thresholds,
    }, platform_types=PlatformType.objects.all(), industries=Industry.objects.all())
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


def _fill(application: Application, actor: User, industry: Industry, n: int) -> None:
    org = application.applicant
    services.application_update_section(application=application, section="basic", actor=actor, data={
        "name": f"广西{industry.name}科技成果转化中试研究基地（{org.short_name or org.name[:6]}）",
        "industry": industry, "platform_type": PlatformType.objects.order_by("order").first(),
        "basis_kind": "key_lab", "basis_name": f"广西{industry.name}重点实验室", "basis_level": "regional",
        "contact_name": "王工", "contact_phone": "0771-5860001", "contact_email": f"contact{n}@demo.gxpilot.cn",
        "summary": f"依托{org.name}的研发平台，面向{industry.name}产业提供中试熟化与放大试验服务。"})
    services.application_update_section(application=application, section="capability", actor=actor, data={
        "site_area": Decimal(2500 + 300 * n), "pilot_line_count": 2 + n % 3,
        "pilot_lines": "建有中试生产线和配套检测实验室。", "outside_projects": 20 + n,
        "safety_facilities": "配备消防、环保处理设施，建立安全生产责任制度。"})
    services.application_update_section(application=application, section="team", actor=actor,
                                        data={"team_summary": "专职研发和中试工程技术人员队伍，结构合理。"})
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
    Equipment.objects.bulk_create([
        Equipment(application=application, name="中试反应系统", model="ZS-500", quantity=2,
                  original_value=Decimal("9000000"), purpose="放大试验", order=1),
        Equipment(application=application, name="在线检测分析仪", model="JC-20", quantity=3,
                  original_value=Decimal("4500000"), purpose="过程检测", order=2),
    ])
    TeamMember.objects.bulk_create([
        TeamMember(application=application, name=f"成员{i + 1}", title="高级工程师" if i < 6 else "工程师",
                   field=industry.name, role="中试工程师", is_fulltime=True, is_technical=i < 8, order=i + 1)
        for i in range(12)
    ])
    for req in application.required_attachments():
        services.attachment_add(application=application, requirement=req, actor=actor, uploaded_file=SimpleUploadedFile(
            f"{req.code}.pdf", tiny_pdf(f"{req.code} demo {n}"), content_type="application/pdf"))


def _applicant_user(org) -> User:
    return User.objects.filter(organization=org, role=Role.APPLICANT).order_by("id").first()


@transaction.atomic
def seed(core: dict) -> None:
    if Call.objects.filter(title=TITLE_2026).exists():
        return
    department = core["users"]["department"]
    applicants = core["applicants"]
    now = timezone.now()
    call = _call(TITLE_2026, 2026, now - timedelta(days=20), now + timedelta(days=30), department,
                 min_site_area=Decimal("2000"), min_equipment_value=Decimal("10000000"), min_fulltime_staff=10,
                 min_technical_staff=6, min_years_registered=2, min_outside_projects=20)
    plan = [  # (applicant index, end state)
        (5, "returned"), (0, "submitted"), (7, "submitted"), (9, "withdrawn"), (3, "draft"), (1, "draft"),
        (2, "submitted"), (6, "submitted"),
    ]
    for n, (index, end) in enumerate(plan):
        org = applicants[index]
        actor = _applicant_user(org)
        app = services.application_create(call=call, applicant=org, actor=actor)
        industry = org.industries.first() or Industry.objects.order_by("order").first()
        _fill(app, actor, industry, n)
        if end == "draft":
            continue
        services.application_submit(application=app, actor=actor)
        if end == "withdrawn":
            services.application_withdraw(application=app, actor=actor, comment="材料需要进一步完善，本年度暂不申报。")
        elif end == "returned":
            authority = User.objects.filter(organization=app.authority, role=Role.AUTHORITY).order_by("id").first()
            transition_run(instance=app, name="return_for_revision", actor=authority, subject=app,
                           comment="请补充近三年对外中试服务合同清单，并完善收费标准。")
    _seed_2025(department, applicants)


def _seed_2025(department: User, applicants: list) -> None:
    """Opened long enough to take two submissions, then moved to its real 2025 dates and closed."""
    now = timezone.now()
    call = _call(TITLE_2025, 2025, now - timedelta(days=1), now + timedelta(days=1), department)
    for n, index in enumerate((4, 8), start=20):
        org = applicants[index]
        actor = _applicant_user(org)
        app = services.application_create(call=call, applicant=org, actor=actor)
        _fill(app, actor, org.industries.first() or Industry.objects.order_by("order").first(), n)
        services.application_submit(application=app, actor=actor)
    services.call_update(call=call, actor=department, fields={
        "opens_at": datetime(2025, 3, 1, 9, tzinfo=TZ), "closes_at": datetime(2025, 4, 30, 17, 30, tzinfo=TZ),
        "recommendation_deadline": datetime(2025, 5, 20, 17, 30, tzinfo=TZ)})
    services.call_close(call=call, actor=department)
