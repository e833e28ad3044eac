"""Builders for the certification stage: applications taken to 'under review' with a passed assessment."""

from datetime import date
from decimal import Decimal

import pytest

from applications.models import Call, CallState, Partner
from pilotbase.workflow import transition_run
from reviews.models import Assessment, Commission
from reviews.services import certification as svc
from tests import factories as f
from tests import pipeline

MONDAY = date(2026, 11, 2)


@pytest.fixture
def call(db):
    # CallFactory(published=True) trips over the protected state field (see report); publish by UPDATE.
    made = f.CallFactory(year=2026, batch_number=3, notice_working_days=5, published=False)
    Call.objects.filter(pk=made.pk).update(state=CallState.PUBLISHED)
    return Call.objects.get(pk=made.pk)


@pytest.fixture
def commission(db, call, agency_user, department_user):
    return Commission.objects.create(call=call, agency=agency_user.organization, title="2026年度评估论证",
                                     due_on=date(2026, 10, 31), created_by=department_user)


@pytest.fixture
def make_passed(db, call, commission, department_user):
    """make_passed(org, name, score, partners=()) → an application under review whose assessment passed."""

    def _make(org, name, score="85", partners=()):
        app = f.ApplicationFactory(call=call, applicant=org, name=name, is_consortium=bool(partners))
        for i, partner in enumerate(partners, start=1):
            Partner.objects.create(application=app, organization=partner, role="共建", order=i)
        app = pipeline.advance(app, to="forwarded")  # submitted, recommended and sent through the real services
        assessment = Assessment.objects.create(application=app, commission=commission)
        for step in ("start_scoring", "start_site_visit"):
            assessment = transition_run(instance=assessment, name=step, actor=None, check_permission=False)
        transition_run(instance=assessment, name="conclude_pass", actor=None, check_permission=False,
                       before_save=lambda a: setattr(a, "total_score", Decimal(score)))
        return type(app).objects.get(pk=app.pk)  # FSM models cannot refresh_from_db (protected state)

    return _make


@pytest.fixture
def app_a(make_passed, applicant):
    return make_passed(applicant.organization, "广西新材料科技成果转化中试研究基地", "91.5")


@pytest.fixture
def app_b(make_passed, other_applicant):
    return make_passed(other_applicant.organization, "广西新能源商用车科技成果转化中试研究基地", "88")


@pytest.fixture
def draft_notice(call, app_a, app_b, department_user):
    return svc.notice_create(call=call, applications=[app_a, app_b], title="2026年度拟认定名单公示",
                             body="现予公示。", starts_on=MONDAY, actor=department_user)


@pytest.fixture
def published_notice(draft_notice, department_user):
    return svc.notice_publish(notice=draft_notice, actor=department_user)


@pytest.fixture
def closed_notice(published_notice, department_user):
    return svc.notice_close(notice=published_notice, actor=department_user, today=published_notice.ends_on)


@pytest.fixture
def certified(closed_notice, department_user, django_capture_on_commit_callbacks):
    """Certified notice with PDFs rendered (the on-commit task runs inline)."""
    with django_capture_on_commit_callbacks(execute=True):
        certificates = svc.certification_run(notice=closed_notice, actor=department_user,
                                             certified_on=date(2026, 11, 28))
    return certificates


def objection(entry, **kw):
    data = {"objector_name": "王某", "objector_phone": "13800001111", "content": "该单位中试线尚未建成，与申报不符。"}
    data.update(kw)
    return svc.objection_file(entry=entry, **data)
