"""Fixtures of the assessment stage: an application under review (formal check passed), a commission,
an expert pool with every kind, and a helper that takes an assessment to any state through services."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from applications.models import Partner
from pilotbase.models import ExpertKind
from reviews.services import assessment as svc
from tests import factories as f
from tests import pipeline


def under_review(app, *, department=None):
    """submit → recommend → forward → formal check passed, through the real services (tests.pipeline)."""
    return pipeline.under_review(app, department=department)


@pytest.fixture
def call(db):
    return f.CallFactory()


@pytest.fixture
def partner_org(db):
    return f.ApplicantOrgFactory(name="广西共建伙伴材料有限公司")


@pytest.fixture
def application(call, applicant, partner_org, department_user):
    app = f.ApplicationFactory(call=call, applicant=applicant.organization, is_consortium=True)
    Partner.objects.create(application=app, organization=partner_org, role="共建中试线")
    return under_review(app, department=department_user)


@pytest.fixture
def make_application(call, department_user):
    def _make(**kw):
        return under_review(f.ApplicationFactory(call=call, **kw), department=department_user)

    return _make


@pytest.fixture
def pool(db, expert_user):
    """expert_user (technical, 新材料) plus 2 more of each kind: 7 experts."""
    experts = [expert_user.expert_profile]
    for kind in (ExpertKind.TECHNICAL, ExpertKind.TECHNICAL, ExpertKind.MANAGEMENT, ExpertKind.MANAGEMENT,
                 ExpertKind.FINANCIAL, ExpertKind.FINANCIAL):
        experts.append(f.ExpertProfileFactory(kind=kind))
    return experts


@pytest.fixture
def commission(application, agency_user, department_user, pool):
    return svc.commission_create(call=application.call, agency=agency_user.organization, applications=[application],
                                 due_on=timezone.localdate() + timedelta(days=10), title="评估论证委托",
                                 actor=department_user)


@pytest.fixture
def assessment(commission):
    return commission.assessments.get()


def sheet(call, share=Decimal("0.8")):
    scores = {i.pk: (i.max_score * share).quantize(Decimal("0.01")) for i in call.indicators.all() if not i.is_veto}
    vetoes = {i.pk: False for i in call.indicators.all() if i.is_veto}
    return scores, vetoes


def score_and_submit(seat, share=Decimal("0.8"), veto=False):
    scores, vetoes = sheet(seat.assessment.application.call, share)
    if veto:
        vetoes = dict.fromkeys(vetoes, True)
    user = seat.expert.user
    svc.scores_save(assignment=seat, actor=user, scores=scores, vetoes=vetoes, opinion="同意。",
                    veto_reason="存在失信记录" if veto else "")
    return svc.assignment_submit(assignment=seat, actor=user)


@pytest.fixture
def drawn(assessment, agency_user):
    """A panel drawn for the assessment; returns the assessment with its seats invited."""
    svc.panel_draw(assessment=assessment, actor=agency_user, seed="fixed-seed", size=5)
    return assessment


@pytest.fixture
def scoring(drawn, agency_user):
    """A drawn panel whose assessment is in scoring: experts may accept and score."""
    svc.assessment_start_scoring(assessment=drawn, actor=agency_user)
    drawn.refresh_from_db()
    return drawn


@pytest.fixture
def scored(drawn, agency_user):
    """Every seat accepted and submitted; assessment moved to site visit."""
    svc.assessment_start_scoring(assessment=drawn, actor=agency_user)
    for seat in drawn.assignments.select_related("expert__user"):
        seat = svc.assignment_accept(assignment=seat, actor=seat.expert.user, no_conflict=True, declaration="无利益关系")
        score_and_submit(seat)
    drawn.refresh_from_db()
    svc.assessment_start_site_visit(assessment=drawn, actor=agency_user)
    drawn.refresh_from_db()
    return drawn
