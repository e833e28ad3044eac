"""Dashboard panels, nav links and demo seeder of 公示与认定; importing the tasks registers them."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from applications.hooks import register_detail_panel
from applications.models import ApplicationState
from pilotbase.dashboard import head_and_count
from pilotbase.models import Role
from pilotbase.registry import NavLink, Panel, register_nav, register_panel, register_seeder

from ..tasks import certification  # noqa: F401  (registers reviews.render_certificate with Celery)

STAFF = frozenset({Role.DEPARTMENT, Role.ADMIN})
SHANGHAI = ZoneInfo("Asia/Shanghai")

register_nav(NavLink(_("公示与认定"), "reviews:notice_list", STAFF, order=50))
register_nav(NavLink(_("认定基地"), "reviews:cert_base_list", STAFF, order=51))
register_nav(NavLink(_("公示公告"), "public:notice_list", frozenset(Role.values), order=85))


def notices_running_panel(user: Any) -> Panel:
    from ..models import NoticeState, PublicNotice

    running, count = head_and_count(PublicNotice.objects.filter(state=NoticeState.PUBLISHED).order_by("ends_on", "id"))
    return Panel(
        title=str(_("公示中（按截止日期）")), count=count, url=reverse("reviews:notice_list"),
        items=[{"label": n.title, "url": reverse("reviews:notice_detail", args=[n.pk]), "meta": n.last_day}
               for n in running],
        empty_text=str(_("没有正在公示的名单。")), order=40,
    )


def objections_pending_panel(user: Any) -> Panel:
    from ..models import ObjectionState
    from ..selectors.certification import objections_for_staff

    pending, count = head_and_count(objections_for_staff(state=ObjectionState.PENDING))
    return Panel(
        title=str(_("待处理的异议")), count=count,
        url=reverse("reviews:notice_objection_list") + "?state=pending",
        items=[{"label": f"#{o.pk} · {o.entry.application.name}",
                "url": reverse("reviews:notice_objection_handle", args=[o.pk]), "meta": o.created_at}
               for o in pending],
        empty_text=str(_("没有待处理的异议。")), order=41,
    )


def certification_pending_panel(user: Any) -> Panel:
    from pilotbase.models import Certificate, CertificateState

    from ..models import NoticeEntryState, NoticeState, PublicNotice

    to_certify = (PublicNotice.objects.filter(state=NoticeState.CLOSED, entries__state=NoticeEntryState.LISTED)
                  .distinct().order_by("ends_on", "id"))
    pending_pdfs = Certificate.objects.filter(state=CertificateState.PENDING).count()
    items = [{"label": str(_("待认定：%(title)s") % {"title": n.title}),
              "url": reverse("reviews:notice_detail", args=[n.pk])} for n in to_certify[:5]]
    if pending_pdfs:
        items.append({"label": str(_("%(n)d 份证书PDF生成中") % {"n": pending_pdfs}),
                      "url": reverse("reviews:cert_base_list")})
    return Panel(title=str(_("待认定与证书生成")), count=to_certify.count() + pending_pdfs,
                 url=reverse("reviews:cert_base_list"), items=items,
                 empty_text=str(_("没有待认定的名单或待生成的证书。")), order=42)


register_panel(STAFF, notices_running_panel)
register_panel(STAFF, objections_pending_panel)
register_panel(STAFF, certification_pending_panel)


# ---- the certificate on the application page (applications.hooks detail panels) ---------------
def certificate_panel(request: Any, application: Any) -> tuple[str, dict] | None:
    """Whoever may see the application sees its certificate; the PDF link only where download is allowed."""
    from pilotbase.models import Certificate, CertificateState

    from ..selectors.certification import certificate_can_download

    if not application.base_id:
        return None
    certificate = Certificate.objects.select_related("base").filter(base_id=application.base_id).first()
    if certificate is None:
        return None
    return "reviews/certification/_certificate_panel.html", {
        "certificate": certificate, "base": certificate.base,
        "can_download": (certificate.state != CertificateState.REVOKED
                         and certificate_can_download(request.user, certificate, application)),
        "verify_url": reverse("public:verify", args=[certificate.token]),
    }


register_detail_panel(certificate_panel)


# ---- demo data --------------------------------------------------------------------------------
# (base name, lead unit, partner units, industry code)
CERTIFIED_2025 = [
    ("广西新能源商用车科技成果转化中试研究基地", "上汽通用五菱汽车股份有限公司",
     ["广西柳工机械股份有限公司", "广西玉柴机器股份有限公司"], "new-energy"),
    ("广西碳酸钙产业科技成果转化中试研究基地", "贺州学院", [], "new-materials"),
    ("广西特色生物医药科技成果转化中试研究基地", "广西梧州制药（集团）股份有限公司", ["广西科学院"], "biomedicine"),
]
DECLINED_2025 = "桂林电子科技大学"  # not recommended by 桂林市科学技术局
# (application name, lead unit, industry code, experts' share of the maximum score)
RUNNING_2026 = [
    ("广西铝基新材料科技成果转化中试研究基地", "百色铝业新材料有限公司", "new-materials", 0.89),
    ("广西海洋生物资源科技成果转化中试研究基地", "广西北部湾海洋产业研究院有限公司", "marine", 0.85),
]
NOTICE_CONTACT = "自治区科技厅成果转化与区域创新处，电话 0771-0000000"
# The finished 2025 call happened on these dates (moved there once its applications were submitted).
DATES_2025 = {
    "opens_at": datetime(2025, 3, 1, 9, tzinfo=SHANGHAI), "closes_at": datetime(2025, 4, 30, 17, 30, tzinfo=SHANGHAI),
    "recommendation_deadline": datetime(2025, 5, 20, 17, 30, tzinfo=SHANGHAI),
}
ASSESSMENT_DUE_2025 = date(2025, 10, 31)
NOTICE_STARTS_2025 = date(2025, 11, 3)
CERTIFIED_ON_2025 = date(2025, 11, 28)
PLAQUES_ON_2025 = date(2025, 12, 16)


def _org(name: str):
    from pilotbase.models import Organization

    return Organization.objects.get(name=name)


def _seed_2025(core: dict) -> None:
    """The finished 2025 call, every stage through its services: three bases certified, one unit not recommended.

    The call is created open now, takes its submissions and the authorities' batches, and only then is
    moved to its real 2025 dates (a queryset update: setting the clock, not the state) and closed.
    Later steps get their 2025 dates where the services take them (site visit, notice, certification, plaque).
    """
    from applications import demo as intake
    from applications import services as intake_svc
    from applications.models import Call
    from pilotbase.models import Base, Industry

    from .. import demo
    from ..models import Commission, ExpertAssignment
    from ..services import certification as svc
    from ..services import recommendation as rec_svc

    users = core["users"]
    department, agency = users["department"], users["agency"]
    now = timezone.now()
    call = intake.create_call(intake.TITLE_2025, 2025, now - timedelta(days=1), now + timedelta(days=1), department)
    apps = [intake.submit(call, _org(lead), 20 + i, name=name, industry=Industry.objects.get(code=ind),
                          partners=[_org(p) for p in partners])
            for i, (name, lead, partners, ind) in enumerate(CERTIFIED_2025)]
    declined = intake.submit(call, _org(DECLINED_2025), 23)
    rec_svc.recommendation_decline(recommendation=declined.recommendation, actor=demo.authority_user(declined.authority_id),
                                   reason="中试场地与生产线尚在建设中，对外服务业绩不足，本年度不予推荐。")
    demo.recommend_and_forward(apps)
    Call.objects.filter(pk=call.pk).update(**DATES_2025)
    intake_svc.call_close(call=Call.objects.get(pk=call.pk), actor=department)

    demo.formal_check_pass(apps, department)
    assessments = demo.commission(call=call, applications=apps, core=core, title="2025年度中试基地评估论证",
                                  due_on=timezone.localdate())
    for i, assessment in enumerate(assessments):
        demo.assess_to_pass(assessment, agency, share=0.90 - 0.03 * i, visit_date=date(2025, 10, 14 + 2 * i))
    commission = assessments[0].commission
    Commission.objects.filter(pk=commission.pk).update(due_on=ASSESSMENT_DUE_2025)
    ExpertAssignment.objects.filter(assessment__commission=commission).update(due_on=ASSESSMENT_DUE_2025)

    notice = svc.notice_create(call=call, applications=apps, actor=department, starts_on=NOTICE_STARTS_2025,
                               title="2025年度自治区科技成果转化中试研究基地拟认定名单公示",
                               body="经申报、推荐、形式审查和评估论证，现将拟认定名单予以公示。", contact=NOTICE_CONTACT)
    svc.notice_publish(notice=notice, actor=department)
    notice.refresh_from_db()
    svc.notice_close(notice=notice, actor=department, today=notice.ends_on)
    svc.certification_run(notice=notice, actor=department, certified_on=CERTIFIED_ON_2025)
    for base in Base.objects.filter(name__in=[name for name, *_rest in CERTIFIED_2025]).select_related("lead_unit"):
        svc.plaque_record(base=base, issued_on=PLAQUES_ON_2025, received_by=f"{base.lead_unit.contact_name or '王工'}（{base.lead_unit.name}）",
                          actor=department)


def _running_candidates(call, core: dict) -> list:
    """Passed assessments of the open call not yet on a notice; without any, two are taken there first."""
    from applications import demo as intake
    from pilotbase.models import Base, Industry

    from .. import demo
    from ..selectors import certification as sel

    candidates = list(sel.notice_candidates(call=call)[:5])
    if candidates or not call.is_open():
        return candidates
    agency = core["users"]["agency"]
    plan = [(name, _org(lead), ind, share) for name, lead, ind, share in RUNNING_2026
            if not Base.objects.filter(name=name).exists()]
    plan = [row for row in plan if not call.applications.filter(applicant=row[1]).exclude(state=ApplicationState.WITHDRAWN).exists()]
    if not plan:
        return []
    apps = [intake.submit(call, org, 50 + i, name=name, industry=Industry.objects.get(code=ind))
            for i, (name, org, ind, _share) in enumerate(plan)]
    demo.recommend_and_forward(apps)
    demo.formal_check_pass(apps, core["users"]["department"])
    assessments = demo.commission(call=call, applications=apps, core=core, title=f"{call.year}年度中试基地评估论证（演示）",
                                  due_on=timezone.localdate() + timedelta(days=10))
    for assessment, (*_rest, share) in zip(assessments, plan, strict=True):
        demo.assess_to_pass(assessment, agency, share=share)
    return apps


def seed(core: dict) -> None:
    from applications.demo import TITLE_2025
    from applications.models import Call

    from ..models import NoticeState, PublicNotice
    from ..services import certification as svc

    actor = core["users"]["department"]
    if not Call.objects.filter(title=TITLE_2025).exists():
        with transaction.atomic():
            _seed_2025(core)
    # Certificates render on commit (inline in local mode). A running notice for the newest call:
    with transaction.atomic():
        call = Call.objects.filter(year__gte=2026).exclude(title=TITLE_2025).order_by("-year", "-id").first()
        if call is None or PublicNotice.objects.filter(call=call).exclude(state=NoticeState.CLOSED).exists():
            return
        candidates = _running_candidates(call, core)
        if not candidates:
            return
        notice = svc.notice_create(call=call, applications=candidates, actor=actor, starts_on=timezone.localdate(),
                                   title=f"{call.year}年度自治区科技成果转化中试研究基地拟认定名单公示",
                                   body="经评估论证，现将拟认定名单予以公示。公示期内如有异议，请实名书面提出。",
                                   contact=NOTICE_CONTACT)
        svc.notice_publish(notice=notice, actor=actor)


register_seeder(40, "公示与认定", seed)
