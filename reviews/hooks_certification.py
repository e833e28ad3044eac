"""Dashboard panels, nav links and demo seeder of 公示与认定; importing the tasks registers them."""

from __future__ import annotations

from datetime import date, datetime, time
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from pilotbase.models import Role
from pilotbase.registry import NavLink, Panel, register_nav, register_panel, register_seeder

from . import tasks_certification  # noqa: F401  (registers reviews.render_certificate with Celery)

STAFF = frozenset({Role.DEPARTMENT, Role.ADMIN})

register_nav(NavLink(_("公示与认定"), "reviews:notice_list", STAFF, order=50))
register_nav(NavLink(_("认定基地"), "reviews:cert_base_list", STAFF, order=51))
register_nav(NavLink(_("公示公告"), "reviews:public_notice_list", frozenset(Role.values), order=85))


def notices_running_panel(user: Any) -> Panel:
    from .models import NoticeState, PublicNotice

    running = PublicNotice.objects.filter(state=NoticeState.PUBLISHED).order_by("ends_on", "id")
    return Panel(
        title=str(_("公示中（按期满日期）")), count=running.count(), url=reverse("reviews:notice_list"),
        items=[{"label": n.title, "url": reverse("reviews:notice_detail", args=[n.pk]), "meta": n.ends_on}
               for n in running[:5]],
        empty_text=str(_("没有正在公示的名单。")), order=40,
    )


def objections_pending_panel(user: Any) -> Panel:
    from .models import ObjectionState
    from .selectors_certification import objections_for_staff

    pending = objections_for_staff(state=ObjectionState.PENDING)
    return Panel(
        title=str(_("待处理的异议")), count=pending.count(),
        url=reverse("reviews:notice_objection_list") + "?state=pending",
        items=[{"label": f"#{o.pk} · {o.entry.application.name}",
                "url": reverse("reviews:notice_objection_handle", args=[o.pk]), "meta": o.created_at}
               for o in pending[:5]],
        empty_text=str(_("没有待处理的异议。")), order=41,
    )


def certification_pending_panel(user: Any) -> Panel:
    from pilotbase.models import Certificate, CertificateState

    from .models import NoticeEntryState, NoticeState, PublicNotice

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


# ---- demo data --------------------------------------------------------------------------------
SEED_CALL_2025 = "2025年度自治区科技成果转化中试研究基地建设申报（演示）"
# (base name, lead unit, partner units, industry code)
CERTIFIED_2025 = [
    ("广西新能源商用车科技成果转化中试研究基地", "上汽通用五菱汽车股份有限公司",
     ["广西柳工机械股份有限公司", "广西玉柴机器股份有限公司"], "new-energy"),
    ("广西碳酸钙产业科技成果转化中试研究基地", "贺州学院", [], "new-materials"),
    ("广西特色生物医药科技成果转化中试研究基地", "广西梧州制药（集团）股份有限公司", ["广西科学院"], "biomedicine"),
]
RUNNING_2026 = [
    ("广西铝基新材料科技成果转化中试研究基地", "百色铝业新材料有限公司", "new-materials", Decimal("88.60")),
    ("广西海洋生物资源科技成果转化中试研究基地", "广西北部湾海洋产业研究院有限公司", "marine", Decimal("85.20")),
]


def _aware(d: date) -> datetime:
    return timezone.make_aware(datetime.combine(d, time(9, 0)))


def _application(*, call, lead_name: str, name: str, industry_code: str, partners: list[str], score: Decimal,
                 commission, actor) -> Any:
    """An application taken to 'under review' with a passed assessment, through the real transitions."""
    from applications.models import Application, Partner
    from pilotbase.models import Industry, Organization, PlatformType

    from .models import Assessment
    from .services_certification import fsm_run as transition_run

    lead = Organization.objects.get(name=lead_name)
    app = Application.objects.create(
        call=call, applicant=lead, authority=lead.authority, name=name, is_consortium=bool(partners),
        industry=Industry.objects.get(code=industry_code), platform_type=PlatformType.objects.get(code="pilot-base"),
        contact_name="王工", contact_phone="0771-5800000", summary=f"{name}面向产业提供中试放大、工艺验证和熟化服务。",
        services="中试放大、工艺验证、产品熟化、检测分析。", construction_years=3, commitment=True,
        site_area=Decimal("5000"), outside_projects=30, created_by=actor,
    )
    for i, partner in enumerate(partners, start=1):
        Partner.objects.create(application=app, organization=Organization.objects.get(name=partner),
                               role="共建中试平台", order=i)
    for step in ("submit", "recommend", "forward"):
        app = transition_run(instance=app, name=step, actor=actor, check_permission=False)
    assessment = Assessment.objects.create(application=app, commission=commission)
    for step in ("start_scoring", "start_site_visit"):
        assessment = transition_run(instance=assessment, name=step, actor=actor, check_permission=False,
                                    subject=app)
    transition_run(instance=assessment, name="conclude_pass", actor=actor, check_permission=False, subject=app,
                   before_save=lambda a: (setattr(a, "total_score", score),
                                          setattr(a, "consensus_opinion", "专家组一致建议通过。")))
    return app


def _commission(call, core: dict, actor):
    from .models import Commission

    commission, _ = Commission.objects.get_or_create(
        call=call, agency=core["agency"], title=f"{call.year}年度中试基地评估论证（演示）",
        defaults={"due_on": date(call.year, 10, 31), "created_by": actor})
    return commission


def seed(core: dict) -> None:
    from applications.models import Call, CallState

    from . import selectors_certification as sel
    from . import services_certification as svc
    from .models import NoticeState, PublicNotice

    actor = core["users"]["department"]
    with transaction.atomic():
        if not Call.objects.filter(title=SEED_CALL_2025).exists():
            call = Call.objects.create(
                year=2025, title=SEED_CALL_2025, document_no="桂科成字〔2025〕9号", guide="2025年度建设指南（演示）。",
                opens_at=_aware(date(2025, 4, 1)), closes_at=_aware(date(2025, 5, 30)),
                recommendation_deadline=_aware(date(2025, 6, 20)), batch_number=5, state=CallState.CLOSED,
                created_by=actor)
            commission = _commission(call, core, actor)
            apps = [_application(call=call, lead_name=lead, name=name, industry_code=ind, partners=partners,
                                 score=Decimal("90") - i * 2, commission=commission, actor=actor)
                    for i, (name, lead, partners, ind) in enumerate(CERTIFIED_2025)]
            notice = svc.notice_create(call=call, applications=apps, actor=actor, starts_on=date(2025, 11, 3),
                                       title="2025年度自治区科技成果转化中试研究基地拟认定名单公示",
                                       body="经申报、推荐、形式审查和评估论证，现将拟认定名单予以公示。",
                                       contact="自治区科技厅成果转化与区域创新处，电话 0771-0000000")
            svc.notice_publish(notice=notice, actor=actor, check_permission=False)
            svc.notice_close(notice=notice, actor=actor, today=notice.ends_on, check_permission=False)
            svc.certification_run(notice=notice, actor=actor, certified_on=date(2025, 11, 28),
                                  check_permission=False)
    # Certificates render on commit (inline in local mode). A running notice for the newest call:
    with transaction.atomic():
        call = Call.objects.filter(year__gte=2026).exclude(title=SEED_CALL_2025).order_by("-year", "-id").first()
        if call is None or PublicNotice.objects.filter(call=call).exclude(state=NoticeState.CLOSED).exists():
            return
        candidates = list(sel.notice_candidates(call=call)[:5])
        if not candidates:
            from pilotbase.models import Base

            commission = _commission(call, core, actor)
            candidates = [_application(call=call, lead_name=lead, name=name, industry_code=ind, partners=[],
                                       score=score, commission=commission, actor=actor)
                          for name, lead, ind, score in RUNNING_2026 if not Base.objects.filter(name=name).exists()]
        if not candidates:
            return
        today = timezone.localdate()
        notice = svc.notice_create(call=call, applications=candidates, actor=actor, starts_on=today,
                                   title=f"{call.year}年度自治区科技成果转化中试研究基地拟认定名单公示",
                                   body="经评估论证，现将拟认定名单予以公示。公示期内如有异议，请实名书面提出。",
                                   contact="自治区科技厅成果转化与区域创新处，电话 0771-0000000")
        svc.notice_publish(notice=notice, actor=actor, check_permission=False)


register_seeder(40, "公示与认定", seed)
