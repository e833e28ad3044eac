"""`manage.py seed_demo` builds its data only through the services: every record is what the real flow leaves.

One run of the whole command, then invariants across the stages, the work waiting for each demo role,
and a second run that must change nothing.
"""

from datetime import date
from decimal import Decimal

import pytest
from django.apps import apps
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from applications.models import Application, ApplicationState, Snapshot
from evaluations.models import (
    AnnualReport,
    EvaluationResult,
    EvaluationRound,
    Grade,
    RectificationState,
    ReportState,
    ResultSource,
    RevocationState,
    RoundState,
)
from pilotbase import registry
from pilotbase.models import Base, BaseStatus, CertificateState, User
from reviews.models import (
    AssessmentState,
    AssignmentState,
    BatchState,
    FormalCheckState,
    NoticeEntryState,
    NoticeState,
    RecommendationState,
    SiteVisitState,
)

pytestmark = pytest.mark.django_db

S = ApplicationState
PAST_AUTHORITY = [S.DECLINED, S.RECOMMENDED, S.UNDER_REVIEW, S.ON_NOTICE, S.CERTIFIED, S.REJECTED]
FORWARDED = [S.UNDER_REVIEW, S.ON_NOTICE, S.CERTIFIED]
DEMO_ROLES = ["demo_applicant", "demo_authority", "demo_department", "demo_agency", "demo_expert"]


def _counts() -> dict[str, int]:
    return {m._meta.label: m._default_manager.count() for m in apps.get_models()}


@pytest.mark.slow  # ~40 s: every seeder, twice
def test_seed_demo_builds_consistent_data_with_work_for_every_role_and_is_idempotent(
        django_capture_on_commit_callbacks, client):
    # One seeding for all checks (it takes a while). Tasks run inline; on-commit work (application and
    # certificate PDFs, mail) runs as after a real commit.
    with django_capture_on_commit_callbacks(execute=True):
        call_command("seed_demo", verbosity=0)
    _check_applications()
    _check_certified()
    _check_work_waiting()
    _check_evaluations(client)
    _check_base_pages(client)
    before = _counts()
    with django_capture_on_commit_callbacks(execute=True):
        call_command("seed_demo", verbosity=0)
    assert _counts() == before


def _check_applications() -> None:
    """Every application is where its services left it."""
    apps_ = list(Application.objects.select_related("call"))
    assert {a.state for a in apps_} >= {S.DRAFT, S.SUBMITTED, S.RETURNED, S.WITHDRAWN, S.DECLINED, S.UNDER_REVIEW,
                                        S.ON_NOTICE, S.CERTIFIED}
    for app in apps_:
        if app.state == S.DRAFT:
            assert not app.acceptance_no
            continue
        assert app.acceptance_no.startswith(f"ZS{app.call.year}-"), app
        assert app.submitted_at is not None, app
        assert Snapshot.objects.filter(application=app).exists(), app
        if app.state in PAST_AUTHORITY:
            assert hasattr(app, "recommendation"), app
        if app.state in FORWARDED:
            rec = app.recommendation
            assert rec.state == RecommendationState.FORWARDED, app
            assert rec.batch.state == BatchState.SUBMITTED and rec.batch.letter, app
            assert hasattr(app, "formal_check"), app
        if hasattr(app, "assessment") or app.state in (S.ON_NOTICE, S.CERTIFIED):
            assert app.formal_check.state == FormalCheckState.PASSED, app
            assert app.formal_check.results, app


def _check_certified() -> None:
    """Certified bases went through panel, site visit, notice, certification and plaque."""
    certified = Application.objects.filter(state=S.CERTIFIED).select_related("base", "assessment")
    assert {a.name for a in certified} >= {"广西新能源商用车科技成果转化中试研究基地", "广西碳酸钙产业科技成果转化中试研究基地"}
    for app in certified:
        base = app.base
        assert base is not None and base.name == app.name
        assert base.plaque_issued_on and base.plaque_received_by
        certificate = base.certificate
        assert certificate.state == CertificateState.VALID and certificate.pdf, app
        assessment = app.assessment
        assert assessment.state == AssessmentState.PASSED and assessment.total_score, app
        seats = assessment.assignments.all()
        assert seats.count() >= 3 and not seats.exclude(state=AssignmentState.SUBMITTED).exists(), app
        assert all(s.scores.exists() for s in seats), app
        assert assessment.draws.exists() and assessment.site_visit.state == SiteVisitState.DONE, app
        entry = app.notice_entries.get()
        assert entry.state == NoticeEntryState.CERTIFIED and entry.notice.state == NoticeState.CLOSED
    lead = Application.objects.get(name="广西新能源商用车科技成果转化中试研究基地")
    assert lead.applicant.name == "上汽通用五菱汽车股份有限公司"
    assert {p.name for p in lead.base.partner_units.all()} == {"广西柳工机械股份有限公司", "广西玉柴机器股份有限公司"}
    assert Application.objects.get(name="广西碳酸钙产业科技成果转化中试研究基地").applicant.name == "贺州学院"
    past_call = lead.call
    assert past_call.year == 2025 and past_call.state == "closed" and past_call.closes_at.year == 2025


def _check_work_waiting() -> None:
    inbox = reverse("notifications")
    for username in DEMO_ROLES:
        user = User.objects.get(username=username)
        work = [p for p in registry.panels_for(user) if p.url != inbox and p.count > 0]
        assert work, f"{username} has nothing waiting on the dashboard"
    expert = User.objects.get(username="demo_expert")
    assert set(expert.expert_profile.assignments.values_list("state", flat=True)) >= {
        AssignmentState.INVITED, AssignmentState.ACCEPTED}
    assert set(Application.objects.filter(assessment__isnull=False).values_list("assessment__state", flat=True)) >= {
        AssessmentState.PANEL, AssessmentState.SCORING, AssessmentState.SITE_VISIT, AssessmentState.PASSED}



def _check_evaluations(client) -> None:
    """Three years of history: imported bases with their paper grades, a published round with an 优秀, an accepted
    rectification, a base failing twice and revoked, and this year's round with reports in every state."""
    imported = Base.objects.filter(evaluation_results__source=ResultSource.IMPORTED).distinct()
    assert set(imported.values_list("certified_on__year", flat=True)) == {2021, 2022, 2023}
    assert set(EvaluationResult.objects.filter(source=ResultSource.IMPORTED).values_list("year", flat=True)) >= {
        2022, 2023, 2024}
    published = EvaluationRound.objects.get(state=RoundState.PUBLISHED)
    assert published.notice.state == NoticeState.CLOSED and published.notice.ends_on.year == published.year + 1
    assert not published.evaluations.exclude(state="confirmed").exists()
    results = EvaluationResult.objects.filter(year=published.year, source=ResultSource.EVALUATED)
    assert results.filter(grade=Grade.EXCELLENT).exists() and results.filter(grade=Grade.FAIL).exists()
    assert not EvaluationResult.objects.filter(year=published.year, source=ResultSource.IMPORTED).exists()
    assert Base.objects.filter(rectifications__state=RectificationState.ACCEPTED, state=BaseStatus.ACTIVE).exists()
    revoked = Base.objects.get(state=BaseStatus.REVOKED, revocations__state=RevocationState.REVOKED)
    assert revoked.certificate.state == CertificateState.REVOKED
    assert revoked.evaluation_results.get(year=published.year).grade == Grade.FAIL
    html = client.get(reverse("public:verify", args=[revoked.certificate.token])).content.decode()
    assert "已撤销" in html
    current = EvaluationRound.objects.get(state=RoundState.REPORTS_OPEN)
    assert current.year > published.year and current.agency_id is not None
    assert set(current.reports.values_list("state", flat=True)) == set(ReportState.values) - {ReportState.LATE}
    # a report is marked late only once the round's final day has passed, when no report of it is open any more:
    # the late one is in the published round (the revoked base's, 不合格 by the late rule)
    assert AnnualReport.objects.get(state=ReportState.LATE).base == revoked
    assert not revoked.round_entries.filter(round=current).exists()


BASE_PANELS = ("base-reports", "base-consequences", "base-recoveries", "base-grant", "base-ledger-rows",
               "base-rewards", "base-offerings")


def _base_page(client, user, base) -> tuple[int, set[str]]:
    url = reverse("evaluations:base_detail", args=[base.pk])
    client.force_login(user)
    client.get(url)  # content types and the like, once
    with CaptureQueriesContext(connection) as ctx:
        html = client.get(url).content.decode()
    return len(ctx.captured_queries), {panel for panel in BASE_PANELS if f'id="{panel}"' in html}


def _check_base_pages(client) -> None:
    """Every base's page, for staff and for its lead unit, in at most 15 queries however many of the stages'
    panels have rows: the demo's fullest base (revoked: reports, rectification, revocation, recovery, money,
    rewards, catalogue) given a construction grant as well shows every panel, still within 15."""
    from subsidies.models import ConstructionGrant

    staff = User.objects.filter(role="department").order_by("id").first()
    filled = {}
    for base in Base.objects.order_by("id"):
        lead = User.objects.filter(organization_id=base.lead_unit_id).order_by("id").first()
        (n, filled[base]), (n_lead, _panels) = _base_page(client, staff, base), _base_page(client, lead, base)
        assert n <= 15 and n_lead <= 15, (base.name, n, n_lead)
    fullest = max(filled, key=lambda b: len(filled[b]))
    assert set(BASE_PANELS) - filled[fullest] == {"base-grant"}, filled[fullest]
    ConstructionGrant.objects.create(base=fullest, year=2026, amount=Decimal("1000000.00"), proposed_by=staff,
                                     state="disbursed", disbursed_on=date(2026, 1, 5), window_ends_on=date(2028, 1, 4))
    n, panels = _base_page(client, staff, fullest)
    assert panels == set(BASE_PANELS) and n <= 15, (n, panels)
    lead = User.objects.filter(organization_id=fullest.lead_unit_id).order_by("id").first()
    assert _base_page(client, lead, fullest)[0] <= 15
