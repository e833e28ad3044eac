"""Take an application to any stage through the real services, each step by the user who takes it in the portal.

    app = pipeline.advance(app, to="passed", people=pipeline.People.for_application(app))

No `.update(state=…)`, no skipped permission: a test world is what the portal would have built. Stages, in order:
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from applications import services as intake
from applications.demo import tiny_pdf
from applications.models import Application
from pilotbase.models import ExpertKind, Role, User
from reviews.models import Commission, FormalCheck, Recommendation, RecommendationBatch
from reviews.services import assessment as assess
from reviews.services import certification as cert
from reviews.services import recommendation as rec_svc

from . import factories as f

STAGES = ("draft", "submitted", "recommended", "forwarded", "formal_passed", "commissioned", "scoring", "site_visit",
          "passed", "on_notice", "notice_closed", "certified")
__doc__ += "  " + " → ".join(STAGES) + "\n"


def pdf(name: str, text: str = "pipeline") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, tiny_pdf(text), content_type="application/pdf")


@dataclass
class People:
    """Who takes each step; missing ones are made (one department user, one agency, a 3-kind expert pool)."""

    applicant: User
    authority: User
    department: User
    agency: User
    experts: list[User] = field(default_factory=list)

    @classmethod
    def for_application(cls, app: Application, **given) -> People:
        def first(role, org_id=None):
            qs = User.objects.filter(role=role, is_active=True)
            return (qs.filter(organization_id=org_id) if org_id else qs).order_by("id").first()

        applicant = given.get("applicant") or first(Role.APPLICANT, app.applicant_id) or f.ApplicantUserFactory(
            organization=app.applicant)
        authority = given.get("authority") or first(Role.AUTHORITY, app.authority_id) or f.AuthorityUserFactory(
            organization=app.authority)
        department = given.get("department") or first(Role.DEPARTMENT) or f.DepartmentUserFactory()
        agency = given.get("agency") or first(Role.AGENCY) or f.AgencyUserFactory()
        return cls(applicant=applicant, authority=authority, department=department, agency=agency,
                   experts=list(given.get("experts") or []))


def _reached(stage: str, to: str) -> bool:
    return STAGES.index(stage) >= STAGES.index(to)


def _refetch(app: Application) -> Application:
    return Application.objects.select_related("call", "applicant", "authority").get(pk=app.pk)


def _ensure_pool(people: People) -> None:
    """At least one expert of every kind, none employed by the agency (the draw excludes those)."""
    have = {k for k in ExpertKind.values if f.ExpertProfileFactory._meta.model.objects.filter(kind=k).exists()}
    for kind in ExpertKind.values:
        if kind not in have:
            people.experts.append(f.ExpertProfileFactory(kind=kind).user)


def advance(app: Application, *, to: str, people: People | None = None, score: Decimal = Decimal("0.8"),
            certified_on: date | None = None) -> Application:
    """Move `app` from where it is to stage `to` (see STAGES) through the services; returns a fresh copy."""
    assert to in STAGES, f"unknown stage {to!r}"
    people = people or People.for_application(app)
    stage = "draft"

    def step(name: str) -> bool:
        nonlocal stage
        if _reached(stage, name) or not _reached(to, name):
            return False
        stage = name
        return True

    if step("submitted"):
        for req in app.required_attachments():
            if not app.attachments.filter(requirement=req).exists():
                intake.attachment_add(application=app, requirement=req, uploaded_file=pdf(f"{req.code}.pdf", req.code),
                                      actor=people.applicant)
        intake.application_submit(application=app, actor=people.applicant)
    if step("recommended"):
        rec = Recommendation.objects.get(application=app)
        rec_svc.recommendation_recommend(recommendation=rec, actor=people.authority, opinion="条件具备，同意推荐。")
    if step("forwarded"):
        batch = RecommendationBatch.objects.get(recommendations__application=app)
        if not batch.letter:
            rec_svc.batch_attach_letter(batch=batch, actor=people.authority, upload=pdf("推荐函.pdf", "letter"))
        rec_svc.batch_submit(batch=batch, actor=people.authority)
    if step("formal_passed"):
        check = FormalCheck.objects.get(application=app)
        rec_svc.formal_check_pass(check=check, actor=people.department, opinion="材料齐全，形式审查通过。",
                                  results={str(i.pk): {"ok": True, "note": ""} for i in app.call.check_items.all()})
    if step("commissioned"):
        _ensure_pool(people)
        assess.commission_create(call=app.call, agency=people.agency.organization, applications=[app],
                                 due_on=timezone.localdate() + timedelta(days=10), title="评估论证委托",
                                 actor=people.department)
    assessment = Commission.objects.filter(assessments__application=app).first()
    assessment = assessment.assessments.get(application=app) if assessment else None
    if step("scoring"):
        assess.panel_draw(assessment=assessment, actor=people.agency, size=3, seed=f"pipeline-{app.pk}")
        assessment = assess.assessment_start_scoring(assessment=assessment, actor=people.agency)
    if step("site_visit"):
        indicators = list(app.call.indicators.all())
        for seat in assessment.assignments.select_related("expert__user"):
            expert = seat.expert.user
            seat = assess.assignment_accept(assignment=seat, actor=expert, no_conflict=True, declaration="无利益关系。")
            assess.scores_save(assignment=seat, actor=expert, opinion="同意。",
                               scores={i.pk: (i.max_score * score).quantize(Decimal("0.01"))
                                       for i in indicators if not i.is_veto},
                               vetoes={i.pk: False for i in indicators if i.is_veto})
            assess.assignment_submit(assignment=seat, actor=expert)
        assessment.refresh_from_db()
        assessment = assess.assessment_start_site_visit(assessment=assessment, actor=people.agency)
    if step("passed"):
        visit = assess.site_visit_save(assessment=assessment, actor=people.agency, visit_date=timezone.localdate(),
                                       team="王工、刘工", findings="与申报材料一致。", conclusion="consistent",
                                       items={code: {"ok": True, "note": ""} for code, _l in assess.SITE_VISIT_ITEMS})
        assess.site_visit_complete(visit=visit, actor=people.agency)
        assessment.refresh_from_db()
        assess.assessment_conclude(assessment=assessment, actor=people.agency, passed=True,
                                   consensus_opinion="建议通过。")
    if step("on_notice"):
        notice = cert.notice_create(call=app.call, applications=[app], title="拟认定名单公示", body="现予公示。",
                                    starts_on=timezone.localdate(), actor=people.department)
        cert.notice_publish(notice=notice, actor=people.department)
    if step("notice_closed"):
        notice = app.notice_entries.get().notice
        cert.notice_close(notice=notice, actor=people.department, today=notice.ends_on)
    if step("certified"):
        notice = app.notice_entries.get().notice
        notice.refresh_from_db()
        cert.certification_run(notice=notice, actor=people.department, certified_on=certified_on or notice.ends_on)
    return _refetch(app)


def under_review(app: Application, *, department: User | None = None, **given) -> Application:
    """submit → recommend → forward → formal check passed (the state the assessment stage starts from)."""
    people = People.for_application(app, **({"department": department} if department else {}), **given)
    return advance(app, to="formal_passed", people=people)
