"""Dashboard panels, nav links, reminder sweeper and demo seeder of the assessment stage (评估论证)."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from pilotbase.models import Role
from pilotbase.registry import NavLink, Panel, register_nav, register_panel, register_seeder, register_sweeper

STAFF = frozenset({Role.DEPARTMENT, Role.ADMIN})

register_nav(NavLink(_("评估委托"), "reviews:assess_commissions", STAFF, order=32))
register_nav(NavLink(_("评估排名"), "reviews:assess_ranked", STAFF, order=33))
register_nav(NavLink(_("评估任务"), "reviews:assess_commissions", frozenset({Role.AGENCY}), order=20))
register_nav(NavLink(_("专家库"), "reviews:assess_experts", STAFF | {Role.AGENCY}, order=34))
register_nav(NavLink(_("我的评审"), "reviews:assess_my", frozenset({Role.EXPERT}), order=20))


def _days_text(due_on) -> str:
    days = (due_on - timezone.localdate()).days
    if days > 0:
        return str(_("剩 %(n)d 天")) % {"n": days}
    if days == 0:
        return str(_("今天截止"))
    return str(_("已逾期 %(n)d 天")) % {"n": -days}


def agency_panel_panel(user: Any) -> Panel | None:
    from .models import AssessmentState
    from .selectors_assessment import assessments_for

    qs = assessments_for(user).filter(state=AssessmentState.PANEL)
    items = [{"label": f"{a.application} · {a.application.applicant}", "url": reverse("reviews:assess_detail", args=[a.pk])}
             for a in qs[:5]]
    return Panel(title=str(_("待组建专家组")), count=qs.count(), url=reverse("reviews:assess_commissions"),
                 items=items, empty_text=str(_("没有待抽取专家的评估项目。")), order=10)


def agency_conclude_panel(user: Any) -> Panel | None:
    from .models import AssessmentState
    from .selectors_assessment import assessments_for

    qs = assessments_for(user).filter(state=AssessmentState.SITE_VISIT)
    items = [{"label": f"{a.application} · {a.application.applicant}", "url": reverse("reviews:assess_detail", args=[a.pk])}
             for a in qs[:5]]
    return Panel(title=str(_("待现场核查及作出结论")), count=qs.count(), url=reverse("reviews:assess_commissions"),
                 items=items, empty_text=str(_("没有待作出结论的评估项目。")), order=11)


def _expert_panel(user: Any, state: str, title: str, empty: str, order: int) -> Panel:
    from .selectors_assessment import assignments_for

    qs = assignments_for(user).filter(state=state)
    items = [{"label": f"{s.assessment.application}（{_days_text(s.due_on)}）",
              "url": reverse("reviews:assess_assignment", args=[s.pk])} for s in qs[:5]]
    return Panel(title=title, count=qs.count(), url=reverse("reviews:assess_my"), items=items, empty_text=empty,
                 order=order)


def expert_invited_panel(user: Any) -> Panel:
    return _expert_panel(user, "invited", str(_("评审邀请")), str(_("没有待回复的评审邀请。")), 10)


def expert_scoring_panel(user: Any) -> Panel:
    return _expert_panel(user, "accepted", str(_("待提交评分")), str(_("没有待提交的评分。")), 11)


def department_ranked_panel(user: Any) -> Panel | None:
    from django.db.models import Count, Q

    from applications.models import Call

    calls = (Call.objects.filter(commissions__isnull=False).distinct()
             .annotate(n=Count("commissions__assessments", distinct=True),
                       done=Count("commissions__assessments", distinct=True,
                                  filter=Q(commissions__assessments__state__in=["passed", "failed"])))
             .order_by("-year", "-id"))
    items = [{"label": str(_("%(call)s：已完成 %(done)d / %(n)d")) % {"call": c.title, "done": c.done, "n": c.n},
              "url": f"{reverse('reviews:assess_ranked')}?call={c.pk}"} for c in calls[:5]]
    return Panel(title=str(_("评估论证进度与排名")), count=sum(c.done for c in calls[:5]),
                 url=reverse("reviews:assess_ranked"), items=items,
                 empty_text=str(_("尚未委托第三方机构评估。")), order=12)


register_panel({Role.AGENCY}, agency_panel_panel)
register_panel({Role.AGENCY}, agency_conclude_panel)
register_panel({Role.EXPERT}, expert_invited_panel)
register_panel({Role.EXPERT}, expert_scoring_panel)
register_panel({Role.DEPARTMENT}, department_ranked_panel)


def assessment_reminders_sweep() -> int:
    from .services_assessment import assignment_reminders_send

    return assignment_reminders_send()


register_sweeper(assessment_reminders_sweep)


# ---- demo data --------------------------------------------------------------------------------
SEED_TITLE = "评估论证（演示：第三方机构组织专家评审）"
SEED_APPS = [  # (applicant organisation, application name, industry code)
    ("百色铝业新材料有限公司", "广西铝基新材料科技成果转化中试研究基地", "new-materials"),
    ("广西防城港钢铁新材料有限公司", "广西钢铁新材料科技成果转化中试研究基地", "new-materials"),
    ("河池有色金属新材料研究院有限公司", "广西有色金属新材料科技成果转化中试研究基地", "new-materials"),
    ("贺州学院", "广西碳酸钙新材料科技成果转化中试研究基地", "new-materials"),
]
DEFAULT_SHEET = [("基本条件", 10), ("服务绩效", 30), ("服务能力", 30), ("管理机制", 20), ("社会声誉", 10)]


def _seed_call(actor):
    from datetime import timedelta
    from decimal import Decimal

    from applications.models import Call, CallState, ScoreIndicator
    from pilotbase.models import Industry, PlatformType

    call = Call.objects.filter(year__gte=timezone.localdate().year).order_by("-year", "-id").first()
    if call is None:
        now = timezone.now()
        call = Call.objects.create(
            year=now.year, title=f"{now.year}年度自治区科技成果转化中试研究基地建设申报（演示）",
            guide="请按建设指南要求填写申报书并上传可行性研究报告。", opens_at=now - timedelta(days=60),
            closes_at=now - timedelta(days=30), recommendation_deadline=now - timedelta(days=20),
            batch_number=6, state=CallState.CLOSED, created_by=actor)
        call.platform_types.set(PlatformType.objects.all())
        call.industries.set(Industry.objects.all())
    if not call.indicators.exists():
        for i, (name, score) in enumerate(DEFAULT_SHEET, start=1):
            ScoreIndicator.objects.create(call=call, name=name, max_score=Decimal(score), order=i)
        ScoreIndicator.objects.create(call=call, name="存在科研失信记录", is_veto=True, max_score=0, order=9)
    return call


def _seed_application(call, org, name, industry_code, core):
    """A complete application taken through submit → recommend → forward → formal check (logged)."""
    from applications.models import Application
    from pilotbase.models import Industry, PlatformType, Sequence
    from pilotbase.workflow import transition_run

    from .models import FormalCheck, Recommendation

    users = core["users"]
    app = Application.objects.create(
        call=call, applicant=org, authority=org.authority, name=name,
        industry=Industry.objects.get(code=industry_code), platform_type=PlatformType.objects.first(),
        basis_kind="key_lab", basis_name=f"{org.name}重点实验室", basis_level="regional", contact_name="王工",
        contact_phone="0771-5550000", summary="面向新材料产业提供中试放大、工艺验证和熟化服务。", site_area=3200,
        pilot_line_count=2, outside_projects=26, services="中试放大、工艺验证、检测分析。", construction_years=3,
        funding_total=20000000, funding_self=15000000, funding_requested=5000000, commitment=True,
        acceptance_no=f"ZS{call.year}-D{Sequence.next_value(f'demo-assessment-{call.year}'):03d}",
    )
    applicant_user = org.users.filter(role=Role.APPLICANT).first() or users["applicant"]
    authority_user = org.authority.users.filter(role=Role.AUTHORITY).first() or users["authority"]
    step = {"check_permission": False, "subject": app}
    transition_run(instance=app, name="submit", actor=applicant_user, comment="演示数据：提交申报", **step)
    rec, _created = Recommendation.objects.get_or_create(application=app, defaults={"authority": org.authority})
    transition_run(instance=rec, name="recommend", actor=authority_user, comment="材料齐全，同意推荐。", **step)
    transition_run(instance=app, name="recommend", actor=authority_user, comment="材料齐全，同意推荐。", **step)
    transition_run(instance=rec, name="forward", actor=authority_user, comment="演示数据：报送科技厅", **step)
    transition_run(instance=app, name="forward", actor=authority_user, comment="演示数据：报送科技厅", **step)
    check, _created = FormalCheck.objects.get_or_create(application=app)
    transition_run(instance=check, name="pass_check", actor=users["department"], comment="形式审查通过。", **step)
    return app


def _seed_score(seat, call, total_share: float, expert_user):
    from decimal import Decimal

    from . import services_assessment as svc

    scores = {i.pk: (i.max_score * Decimal(str(total_share))).quantize(Decimal("0.1"))
              for i in call.indicators.all() if not i.is_veto}
    vetoes = {i.pk: False for i in call.indicators.all() if i.is_veto}
    svc.scores_save(assignment=seat, actor=expert_user, scores=scores, vetoes=vetoes,
                    opinion="中试条件较好，服务方案可行，建议支持。")
    return svc.assignment_submit(assignment=seat, actor=expert_user)


def seed(core: dict) -> None:
    """An agency commission: one panel invited (incl. demo_expert), one scoring, one at site visit, one passed."""
    from datetime import timedelta

    from django.db import transaction

    from pilotbase.models import Organization

    from . import services_assessment as svc
    from .models import Commission

    if Commission.objects.filter(title__endswith=SEED_TITLE).exists():  # run once
        return
    users = core["users"]
    department, agency, demo_expert = users["department"], users["agency"], users["expert"]
    with transaction.atomic():
        call = _seed_call(department)
        apps = [_seed_application(call, Organization.objects.get(name=org), name, ind, core)
                for org, name, ind in SEED_APPS]
        commission = svc.commission_create(call=call, agency=core["agency"], applications=apps,
                                           due_on=timezone.localdate() + timedelta(days=10),
                                           title=f"{call.year}年度中试基地{SEED_TITLE}", actor=department)
        assessments = list(commission.assessments.order_by("id"))
        for assessment in assessments:
            # Deterministic demo: the first recorded seed whose draw seats demo_expert.
            for n in range(1, 200):
                seed_text = f"demo-{assessment.pk}-{n}"
                from .draw import draw_panel
                from .selectors_assessment import application_facts, expert_facts

                result = draw_panel(expert_facts(), application_facts(assessment=assessment), seed_text, 5)
                if demo_expert.expert_profile.pk in result.drawn:
                    break
            svc.panel_draw(assessment=assessment, actor=agency, seed=seed_text)
        # 2nd: scoring, demo_expert accepted with work to do; 3rd: all scored, at site visit; 4th: passed.
        for index, assessment in enumerate(assessments[1:], start=1):
            svc.assessment_start_scoring(assessment=assessment, actor=agency)
            for k, seat in enumerate(assessment.assignments.select_related("expert__user").order_by("id")):
                expert_user = seat.expert.user
                seat = svc.assignment_accept(assignment=seat, actor=expert_user, no_conflict=True,
                                             declaration="本人与申报单位及共建单位无利益关系。")
                if index == 1 and expert_user == demo_expert:
                    continue
                _seed_score(seat, call, 0.78 + 0.03 * k + 0.02 * index, expert_user)
            if index == 1:
                continue
            assessment.refresh_from_db()
            svc.assessment_start_site_visit(assessment=assessment, actor=agency)
            items = {code: {"ok": True, "note": "与申报材料一致"} for code, _label in svc.SITE_VISIT_ITEMS}
            visit = svc.site_visit_save(assessment=assessment, actor=agency, visit_date=timezone.localdate(),
                                        team="林评估、韦建华、陈芳", items=items, findings="场地、设备与台账相符，中试线运行正常。",
                                        conclusion="consistent")
            if index == 3:
                svc.site_visit_complete(visit=visit, actor=agency)
                assessment.refresh_from_db()
                svc.assessment_conclude(assessment=assessment, actor=agency, passed=True,
                                        consensus_opinion="专家组一致认为该基地中试条件完备、服务能力强，建议通过。")


register_seeder(30, "评估论证", seed)
