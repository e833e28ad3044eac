"""Builders for the certification stage: applications taken to 'under review' with a passed assessment."""

from datetime import date
from decimal import Decimal

import pytest

from applications import services as intake
from applications.models import Partner
from reviews.services import certification as svc
from tests import factories as f
from tests import pipeline

MONDAY = date(2026, 11, 2)


@pytest.fixture
def call(db, department_user):
    made = f.CallFactory(year=2026, batch_number=3, notice_working_days=5, published=False)
    return intake.call_publish(call=made, actor=department_user)


@pytest.fixture
def make_passed(db, call, agency_user, department_user):
    """make_passed(org, name, score, partners=()) → an application under review whose assessment passed
    (through the real services: submitted, recommended, forwarded, checked, assessed by a panel of three)."""

    def _make(org, name, score="85", partners=()):
        app = f.ApplicationFactory(call=call, applicant=org, name=name, is_consortium=bool(partners))
        for i, partner in enumerate(partners, start=1):
            Partner.objects.create(application=app, organization=partner, role="共建", order=i)
        people = pipeline.People.for_application(app, department=department_user, agency=agency_user)
        return pipeline.advance(app, to="passed", people=people, score=Decimal(score) / 100)

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
