"""Demo pipeline shared by the review stages' seeders: each step is the service a user triggers.

An application reaches a later stage only by passing every earlier one, so each record (受理编号,
snapshot, recommendation, batch and letter, formal check, commission, panel draw, expert seats and
scores, site visit, conclusion, notice, certificate) is what the real flow leaves behind.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from decimal import Decimal

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from applications.demo import tiny_pdf
from applications.models import Application, Call
from pilotbase.expert_pool import expert_facts
from pilotbase.models import ExpertProfile, Role, User
from pilotbase.panels import draw_panel

from .models import Assessment, BatchState, FormalCheck, Recommendation
from .selectors.assessment import application_facts
from .services import assessment as assess
from .services import recommendation as rec_svc

SITE_TEAM = "林评估、韦建华、陈芳"


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
