"""The queue exports read their rows streamed, as plain columns: every cell is what the row of model instances
(the builders before) gave, in both languages, and the formal-check export takes the same queries for 1 and 3 rows."""

import io
import zipfile

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation
from openpyxl import load_workbook

from applications.models import Application
from pilotbase.models import Industry
from pilotbase.xlsx import xlsx_bytes
from reviews.models import RecommendationBatch
from reviews.selectors import recommendation as sel
from reviews.services import recommendation as svc
from tests import factories as f

from .conftest import letter_pdf, rec_of

pytestmark = pytest.mark.django_db


def _sheet_xml(rows) -> bytes:
    book = xlsx_bytes(title="x", headers=["h"] * 10, rows=rows)
    return zipfile.ZipFile(io.BytesIO(book)).read("xl/worksheets/sheet1.xml")


def _rec_instance_rows(qs):
    return ([r.application.acceptance_no or "", r.application.name, r.application.applicant.name,
             r.application.industry or "", r.application.call.title, r.application.submitted_at,
             r.get_state_display(), r.priority, r.opinion, r.application.call.recommendation_deadline] for r in qs)


def _fc_instance_rows(qs):
    return ([c.application.acceptance_no or "", c.application.name, c.application.applicant.name,
             c.application.authority.name, c.application.recommendation.priority, c.application.industry or "",
             c.application.call.title, c.get_state_display(), c.opinion, c.checked_at]
            for c in qs.select_related("application__recommendation"))


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_queue_export_cells_equal_the_instance_rows(submitted, authority_user, department_user, language):
    first, _, third = submitted(), submitted(), submitted(name="@SUM(A1)\x0b")
    industry = Industry.objects.get(pk=first.application.industry_id)
    industry.name_en = "New materials"
    industry.save()
    Application.objects.filter(pk=third.application_id).update(industry=None)
    svc.recommendation_recommend(recommendation=rec_of(first.application), actor=authority_user,
                                 opinion="=1+1 同意推荐")
    qs = sel.recommendation_queue(user=authority_user)
    with translation.override(language):
        streamed = list(sel.recommendation_export_rows(qs))
        assert len(streamed) == 3
        assert _sheet_xml(streamed) == _sheet_xml(list(_rec_instance_rows(qs)))
        assert any(r[3] == ("New materials" if language == "en" else "新材料") for r in streamed)


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_formal_check_export_cells_equal_the_instance_rows(forwarded, department_user, language):
    Industry.objects.filter(pk=forwarded.application.industry_id).update(name_en="New materials")
    qs = sel.formal_check_queue(user=department_user)
    with translation.override(language):
        streamed = list(sel.formal_check_export_rows(qs))
        assert len(streamed) == 1
        assert _sheet_xml(streamed) == _sheet_xml(list(_fc_instance_rows(qs)))
        assert streamed[0][5] == ("New materials" if language == "en" else str(f.industry()))


def test_formal_check_export_queries_do_not_grow_with_rows(forwarded, authority_user, department_user, client,
                                                           submitted):
    url = reverse("reviews:fc_queue_export")
    client.force_login(department_user)
    client.get(url)
    with CaptureQueriesContext(connection) as one:
        assert client.get(url).status_code == 200
    for _ in range(2):
        rec = submitted()
        svc.recommendation_recommend(recommendation=rec, actor=authority_user, opinion="同意")
    batch = RecommendationBatch.objects.get(pk=rec_of(rec.application).batch_id)
    svc.batch_attach_letter(batch=batch, actor=authority_user, upload=letter_pdf())
    svc.batch_submit(batch=batch, actor=authority_user)
    client.force_login(department_user)
    with CaptureQueriesContext(connection) as three:
        response = client.get(url)
    assert len(list(load_workbook(io.BytesIO(response.content)).active.iter_rows())) == 1 + 3
    assert len(three) == len(one)
