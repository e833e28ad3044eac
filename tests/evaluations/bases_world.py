"""Three certified bases for the base list, the base's page and the dashboard, built once per test module through
the real services (like tests/test_access_matrix.py: one transaction for the module, rolled back after it; each
test in a savepoint of it).

- P: certified through the portal (tests.pipeline): lead unit A (persona `applicant`) with partner C (persona
  `partner`), under 南宁市科学技术局 X (`authority`); its certificate PDF rendered, its plaque recorded.
- N: imported (certified on paper in 2021), 南宁市, 新能源, lead unit D (`d_user`) created under X; 2022 优秀,
  2023 良好.
- L: imported, 南宁市-registered B (`other_applicant`) under 柳州市科学技术局 Y (`other_authority`), the base in
  柳州市, 生物医药; 2022 合格.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

import pytest
from django.conf import settings
from django.db import transaction
from django.test import TestCase, override_settings

from applications.models import Partner
from evaluations.services import base_import as importer
from pilotbase.models import Base, User
from pilotbase.reference_data import ensure_loaded
from reviews.services import certification as cert
from tests import factories as f
from tests import pipeline

from .conftest import code, row, workbook

N_NAME = "广西新能源导入科技成果转化中试研究基地"
L_NAME = "广西生物医药导入科技成果转化中试研究基地"


@dataclass
class Bases:
    p: Base
    n: Base
    l: Base  # noqa: E741
    users: dict[str, User] = field(default_factory=dict)


def import_rows(staff: User, *rows: dict, filename: str = "既有基地.xlsx") -> None:
    importer.base_import_run(content=workbook(*rows), filename=filename, actor=staff)


def _users() -> dict[str, User]:
    ensure_loaded()
    x = f.AuthorityFactory(name="南宁市科学技术局")
    y = f.AuthorityFactory(name="柳州市科学技术局", city=f.city("liuzhou"))
    org_a = f.ApplicantOrgFactory(name="广西示范新材料有限公司", authority=x)
    return {
        "applicant": f.ApplicantUserFactory(username="base_applicant", organization=org_a),
        "partner": f.ApplicantUserFactory(
            username="base_partner",
            organization=f.ApplicantOrgFactory(name="广西共建伙伴材料有限公司", authority=x),
        ),
        "other_applicant": f.ApplicantUserFactory(
            username="base_other",
            organization=f.ApplicantOrgFactory(name="柳州另一家企业有限公司", authority=y),
        ),
        "no_base": f.ApplicantUserFactory(username="base_none", organization__authority=x),
        "authority": f.AuthorityUserFactory(username="base_authority", organization=x),
        "other_authority": f.AuthorityUserFactory(username="base_other_authority", organization=y),
        "department": f.DepartmentUserFactory(username="base_department"),
        "admin": f.AdminUserFactory(username="base_admin"),
        "agency": f.AgencyUserFactory(username="base_agency"),
        "expert": f.ExpertProfileFactory(user__username="base_expert").user,
    }


def build() -> Bases:
    u = _users()
    applicant, department = u["applicant"], u["department"]
    app = f.ApplicationFactory(applicant=applicant.organization, is_consortium=True)
    Partner.objects.create(application=app, organization=u["partner"].organization, role="共建中试线")
    with TestCase.captureOnCommitCallbacks(execute=True):  # the certificate PDF
        app = pipeline.advance(
            app,
            to="certified",
            people=pipeline.People.for_application(
                app, applicant=applicant, authority=u["authority"], department=department, agency=u["agency"]
            ),
        )
    p = Base.objects.get(pk=app.base_id)
    cert.plaque_record(base=p, issued_on=p.certified_on, received_by="李工", actor=department)
    org_b = u["other_applicant"].organization
    import_rows(
        department,
        row(
            1,
            name=N_NAME,
            lead_name="广西导入新能源有限公司",
            lead_code=code(1),
            industry="新能源",
            certified_on=date(2021, 12, 20),
            number="桂科中试〔2021〕第01号",
            grade_2022="优秀",
            grade_2023="良好",
            support="否",
            support_amount=None,
            support_year=None,
        ),
        row(
            2,
            name=L_NAME,
            lead_name=org_b.name,
            lead_code=org_b.credit_code,
            city="柳州市",
            industry="生物医药",
            certified_on=date(2021, 12, 20),
            number="桂科中试〔2021〕第02号",
            grade_2022="合格",
            grade_2023=None,
            support="否",
            support_amount=None,
            support_year=None,
        ),
    )
    n, l_ = Base.objects.get(name=N_NAME), Base.objects.get(name=L_NAME)
    u["d_user"] = f.ApplicantUserFactory(username="base_d_user", organization=n.lead_unit)
    return Bases(p=p, n=n, l=l_, users=u)


@pytest.fixture(scope="module", name="world")
def world_fixture(django_db_setup, django_db_blocker, tmp_path_factory):
    """Built once per module, rolled back after it; its files in a folder of their own."""
    from pilotbase.celery import app as celery_app

    media = tmp_path_factory.mktemp("bases-private")
    storages = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(media), "base_url": None},
        },
    }
    eager = celery_app.conf.task_always_eager
    with (
        override_settings(MEDIA_ROOT=media, STORAGES=storages, CELERY_TASK_ALWAYS_EAGER=True),
        django_db_blocker.unblock(),
        transaction.atomic(),
    ):
        celery_app.conf.task_always_eager = True
        try:
            yield build()
        finally:
            celery_app.conf.task_always_eager = eager
            transaction.set_rollback(True)
