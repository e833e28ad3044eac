"""Demo pipeline shared by the review stages' seeders: each step is the service a user triggers.

An application reaches a later stage only by passing every earlier one, so each record (受理编号,
snapshot, recommendation, batch and letter, formal check, commission, panel draw, expert seats and
scores, site visit, conclusion, notice, certificate) is what the real flow leaves behind.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.utils import timezone

from applications.demo import tiny_pdf
from applications.models import Application, ApplicationState, Call
from pilotbase.expert_pool import expert_facts
from pilotbase.models import ExpertProfile, Role, User
from pilotbase.panels import draw_panel

from .models import Assessment, BatchState, FormalCheck, Recommendation
from .selectors.assessment import application_facts
from .services import assessment as assess
from .services import recommendation as rec_svc

SITE_TEAM = "林评估、韦建华、陈芳"
SHANGHAI = ZoneInfo("Asia/Shanghai")


def authority_user(org_id: int) -> User:
    user = User.objects.filter(organization_id=org_id, role=Role.AUTHORITY, is_active=True).order_by("id").first()
    if user is None:
        raise RuntimeError(f"demo: no authority login for organisation {org_id}")
    return user


def recommend_and_forward(applications: Iterable[Application], *, opinion: str = "") -> None:
    """Each authority: 拟推荐 its applications in the given order, attach the sealed letter, send the batch."""
    by_authority: dict[int, list[Application]] = {}
    for app in applications:
        by_authority.setdefault(app.authority_id, []).append(app)
    for authority_id, apps in by_authority.items():
        officer = authority_user(authority_id)
        for n, app in enumerate(apps, start=1):
            rec_svc.recommendation_recommend(
                recommendation=Recommendation.objects.get(application=app), actor=officer,
                opinion=opinion or f"经初审，该单位中试条件、人才队伍和管理机制符合建设指南要求，同意推荐（排序第{n}位）。")
        batch = rec_svc.batch_get_or_create(authority=officer.organization, call=apps[0].call)
        if batch.state == BatchState.SUBMITTED:  # the list was already sent: forward one more each
            for app in apps:
                rec_svc.recommendation_forward(recommendation=Recommendation.objects.get(application=app), actor=officer)
            continue
        if not batch.letter:
            rec_svc.batch_attach_letter(batch=batch, actor=officer, upload=SimpleUploadedFile(
                f"{officer.organization.name}推荐函.pdf", tiny_pdf(f"Recommendation letter {authority_id}"),
                content_type="application/pdf"))
        rec_svc.batch_submit(batch=batch, actor=officer)


def formal_check_pass(applications: Iterable[Application], actor: User) -> None:
    for app in applications:
        check = FormalCheck.objects.get(application=app)
        results = {str(item.pk): {"ok": True, "note": ""} for item in app.call.check_items.all()}
        rec_svc.formal_check_pass(check=check, actor=actor, results=results, opinion="材料齐全，符合申报要求，形式审查通过。")


def commission(*, call: Call, applications: list[Application], core: dict, title: str, due_on: date) -> list[Assessment]:
    """科技厅 commissions the agency; returns the assessments in the order of `applications`."""
    assess.commission_create(call=call, agency=core["agency"], applications=applications, due_on=due_on, title=title,
                             actor=core["users"]["department"])
    return [Assessment.objects.get(application=app) for app in applications]


def draw(assessment: Assessment, agency_user: User, *, seat: ExpertProfile | None = None) -> None:
    """Draw the panel with a recorded seed; with `seat`, the first seed whose draw seats that expert."""
    seed_text = f"demo-{assessment.application.acceptance_no}"
    if seat is not None:
        pool, facts = expert_facts(), application_facts(assessment=assessment)
        for n in range(1, 500):
            candidate = f"{seed_text}-{n}"
            if seat.pk in draw_panel(pool, facts, candidate, assess.panel_size_default()).drawn:
                seed_text = candidate
                break
    assess.panel_draw(assessment=assessment, actor=agency_user, seed=seed_text)


def score(seat, share: float) -> None:
    """The expert fills and submits the score sheet (each indicator at `share` of its maximum)."""
    expert_user = seat.expert.user
    indicators = list(seat.assessment.application.call.indicators.all())
    scores = {i.pk: min(i.max_score, (i.max_score * Decimal(str(share))).quantize(Decimal("0.1")))
              for i in indicators if not i.is_veto}
    vetoes = {i.pk: False for i in indicators if i.is_veto}
    assess.scores_save(assignment=seat, actor=expert_user, scores=scores, vetoes=vetoes,
                       opinion="中试条件较好，服务方案可行，建议支持。")
    assess.assignment_submit(assignment=seat, actor=expert_user)


def panel_work(assessment: Assessment, agency_user: User, *, share: float, leave_open: User | None = None) -> Assessment:
    """Start scoring; every expert accepts (no conflict) and scores, except `leave_open`, who only accepts."""
    assessment = assess.assessment_start_scoring(assessment=assessment, actor=agency_user)
    for k, seat in enumerate(assessment.assignments.select_related("expert__user").order_by("id")):
        expert_user = seat.expert.user
        seat = assess.assignment_accept(assignment=seat, actor=expert_user, no_conflict=True,
                                        declaration="本人与申报单位及共建单位无利益关系。")
        if expert_user != leave_open:
            score(seat, share + 0.02 * (k % 3) - 0.01 * (k % 2))
    assessment.refresh_from_db()
    return assessment


def site_visit(assessment: Assessment, agency_user: User, *, visit_date: date | None = None,
               complete: bool = True) -> None:
    assessment = assess.assessment_start_site_visit(assessment=assessment, actor=agency_user)
    items = {code: {"ok": True, "note": "与申报材料一致"} for code, _label in assess.SITE_VISIT_ITEMS}
    visit = assess.site_visit_save(assessment=assessment, actor=agency_user, visit_date=visit_date or timezone.localdate(),
                                   team=SITE_TEAM, items=items, findings="场地、设备与台账相符，中试线运行正常。",
                                   conclusion="consistent")
    if complete:
        assess.site_visit_complete(visit=visit, actor=agency_user)


def assess_to_pass(assessment: Assessment, agency_user: User, *, share: float, visit_date: date | None = None) -> None:
    """The whole panel: draw, accept, score, site visit, conclusion 通过."""
    draw(assessment, agency_user)
    assessment = panel_work(assessment, agency_user, share=share)
    site_visit(assessment, agency_user, visit_date=visit_date)
    assessment.refresh_from_db()
    assess.assessment_conclude(assessment=assessment, actor=agency_user, passed=True,
                               consensus_opinion="专家组一致认为该基地中试条件完备、服务能力强，建议通过。")



def current_call() -> Call | None:
    """The open call the demo's running work belongs to (the 2026 call of the intake seeder)."""
    from applications.demo import TITLE_2026

    call = Call.objects.filter(title=TITLE_2026).first()
    if call is not None and call.is_open():
        return call
    return next((c for c in Call.objects.order_by("-year", "-id") if c.is_open()), None)


# ---- the seeder of 初审推荐 (registered by hooks.recommendation) ----------------------------------------
DEMO_UNITS = [  # extra applicant units under 南宁市科学技术局, so its queue has something to rank
    ("广西南宁化工新材料中试科技有限公司", "new-materials", "recommend"),
    ("南宁生物医药产业研究院有限公司", "biomedicine", "recommend"),
    ("广西邕江绿色环保科技有限公司", "green-env", "pending"),
]


def seed_recommendation(core: dict) -> None:
    """南宁: two applications pending, 广西科学院's returned for revision, and a batch with its letter sent
    to the department, so two applications wait in the formal check. Services only."""
    from applications import demo as intake
    from pilotbase.demo import _user, demo_credit_code
    from pilotbase.models import Industry, Organization, OrgKind, UnitType

    from .models import BatchState, Recommendation, RecommendationBatch, RecommendationState
    from .services import recommendation as svc

    call = Call.objects.filter(title=intake.TITLE_2026).first()
    bureau, officer = core["bureaus"]["nanning"], core["users"]["authority"]
    if call is None or RecommendationBatch.objects.filter(call=call, authority=bureau,
                                                          state=BatchState.SUBMITTED).exists():
        return
    with transaction.atomic():
        to_recommend = []
        for i, (name, industry_code, plan) in enumerate(DEMO_UNITS):
            org, _created = Organization.objects.get_or_create(name=name, defaults={
                "kind": OrgKind.APPLICANT, "unit_type": UnitType.ENTERPRISE, "city": bureau.city,
                "authority": bureau, "credit_code": demo_credit_code(500 + i), "registered_on": date(2012, 3, 1 + i),
                "contact_name": "陆工", "contact_phone": f"0771-58{60 + i}5678"})
            _user(f"nanning_unit{i + 1}", Role.APPLICANT, org, "陆", f"联系人{i + 1}")
            app = call.applications.filter(applicant=org).first()
            if app is None:
                industry = Industry.objects.filter(code=industry_code).first() or Industry.objects.first()
                app = intake.submit(call, org, 30 + i, industry=industry)
            if plan == "recommend" and app.recommendation.state == RecommendationState.PENDING:
                to_recommend.append(app)
        # 广西科学院 (demo_applicant): returned for revision, so its dashboard has work to do.
        returned = (Recommendation.objects.filter(application__call=call, application__applicant=core["applicants"][5],
                                                  state=RecommendationState.PENDING).first())
        if returned is not None:
            svc.recommendation_return(recommendation=returned, actor=officer,
                                      opinion="请补充近三年对外中试服务合同清单，并完善收费标准。")
        if to_recommend:
            recommend_and_forward(to_recommend)


# ---- the seeder of 评估论证 (registered by hooks.assessment) ----------------------------------------
SEED_TITLE = "评估论证（演示：第三方机构组织专家评审）"
SEED_APPS = [  # (applicant organisation, application name, industry code)
    ("百色铝业新材料有限公司", "广西铝基新材料科技成果转化中试研究基地", "new-materials"),
    ("广西防城港钢铁新材料有限公司", "广西钢铁新材料科技成果转化中试研究基地", "new-materials"),
    ("河池有色金属新材料研究院有限公司", "广西有色金属新材料科技成果转化中试研究基地", "new-materials"),
    ("贺州学院", "广西碳酸钙新材料科技成果转化中试研究基地", "new-materials"),
]


def seed_assessment(core: dict) -> None:
    """An agency commission on the open call: one panel invited (incl. demo_expert), one scoring (demo_expert
    accepted, sheet still to fill), one at site visit, one passed. Every application gets there by the
    services of each stage: submitted, recommended and forwarded, formal check passed, commissioned."""
    from applications import demo as intake
    from pilotbase.models import Industry, Organization

    from .models import Commission

    call = current_call()
    if call is None or Commission.objects.filter(title__endswith=SEED_TITLE).exists():  # run once
        return
    users = core["users"]
    department, agency, demo_expert = users["department"], users["agency"], users["expert"]
    with transaction.atomic():
        apps = [intake.submit(call, Organization.objects.get(name=org), 40 + i, name=name,
                              industry=Industry.objects.get(code=ind))
                for i, (org, name, ind) in enumerate(SEED_APPS)]
        recommend_and_forward(apps)
        formal_check_pass(apps, department)
        invited, scoring, visiting, passing = commission(
            call=call, applications=apps, core=core, title=f"{call.year}年度中试基地{SEED_TITLE}",
            due_on=timezone.localdate() + timedelta(days=10))
        draw(invited, agency, seat=demo_expert.expert_profile)
        draw(scoring, agency, seat=demo_expert.expert_profile)
        panel_work(scoring, agency, share=0.80, leave_open=demo_expert)
        draw(visiting, agency)
        visiting = panel_work(visiting, agency, share=0.83)
        site_visit(visiting, agency, complete=False)
        assess_to_pass(passing, agency, share=0.86)


# ---- the seeder of 公示与认定 (registered by hooks.certification) ----------------------------------------
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
    from pilotbase.models import Base, Industry

    from .models import Commission, ExpertAssignment
    from .services import certification as svc
    from .services import recommendation as rec_svc

    users = core["users"]
    department, agency = users["department"], users["agency"]
    now = timezone.now()
    call = intake.create_call(intake.TITLE_2025, 2025, now - timedelta(days=1), now + timedelta(days=1), department)
    apps = [intake.submit(call, _org(lead), 20 + i, name=name, industry=Industry.objects.get(code=ind),
                          partners=[_org(p) for p in partners])
            for i, (name, lead, partners, ind) in enumerate(CERTIFIED_2025)]
    declined = intake.submit(call, _org(DECLINED_2025), 23)
    rec_svc.recommendation_decline(recommendation=declined.recommendation, actor=authority_user(declined.authority_id),
                                   reason="中试场地与生产线尚在建设中，对外服务业绩不足，本年度不予推荐。")
    recommend_and_forward(apps)
    Call.objects.filter(pk=call.pk).update(**DATES_2025)
    intake_svc.call_close(call=Call.objects.get(pk=call.pk), actor=department)

    formal_check_pass(apps, department)
    assessments = commission(call=call, applications=apps, core=core, title="2025年度中试基地评估论证",
                                  due_on=timezone.localdate())
    for i, assessment in enumerate(assessments):
        assess_to_pass(assessment, agency, share=0.90 - 0.03 * i, visit_date=date(2025, 10, 14 + 2 * i))
    commission_2025 = assessments[0].commission
    Commission.objects.filter(pk=commission_2025.pk).update(due_on=ASSESSMENT_DUE_2025)
    ExpertAssignment.objects.filter(assessment__commission=commission_2025).update(due_on=ASSESSMENT_DUE_2025)

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

    from .selectors import certification as sel

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
    recommend_and_forward(apps)
    formal_check_pass(apps, core["users"]["department"])
    assessments = commission(call=call, applications=apps, core=core, title=f"{call.year}年度中试基地评估论证（演示）",
                                  due_on=timezone.localdate() + timedelta(days=10))
    for assessment, (*_rest, share) in zip(assessments, plan, strict=True):
        assess_to_pass(assessment, agency, share=share)
    return apps


def seed_certification(core: dict) -> None:
    from applications.demo import TITLE_2025

    from .models import NoticeState, PublicNotice
    from .services import certification as svc

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
