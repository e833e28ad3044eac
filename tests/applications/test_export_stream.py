"""The department's Excel export reads its rows streamed, as plain column values: its queries do not grow with the
rows, and every cell is what the row of model instances (the builder before) gave, in both languages."""

import io
import zipfile
from datetime import UTC, datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation
from openpyxl import load_workbook

from applications.models import Application, ApplicationState
from applications.selectors import application_export_rows, application_list
from pilotbase.xlsx import xlsx_bytes
from tests import factories as f

pytestmark = pytest.mark.django_db


def _reviewable(n: int, **kwargs) -> list[Application]:
    """n applications the department sees (submitted), without the submission's side rows."""
    apps = [f.ApplicationFactory(**kwargs) for _ in range(n)]
    Application.objects.filter(pk__in=[a.pk for a in apps]).update(
        state=ApplicationState.SUBMITTED, submitted_at=datetime(2026, 3, 1, 16, 5, tzinfo=UTC))
    for i, app in enumerate(apps):
        Application.objects.filter(pk=app.pk).update(acceptance_no=f"GX2026-{app.pk:05d}-{i}")
    return apps


def _export_rows(client) -> list[tuple]:
    response = client.get(reverse("applications:export"))
    assert response.status_code == 200
    return list(load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True))


def test_export_queries_do_not_grow_with_rows(client, department_user):
    client.force_login(department_user)
    _reviewable(1)
    client.get(reverse("applications:export"))  # warm-up (content types, sessions)
    with CaptureQueriesContext(connection) as one:
        rows_one = _export_rows(client)
    _reviewable(4)
    with CaptureQueriesContext(connection) as five:
        rows_five = _export_rows(client)
    assert len(rows_one) == 1 + 1 and len(rows_five) == 1 + 5
    assert len(five) == len(one)
    assert sum("applications_application" in q["sql"] for q in five.captured_queries) == 1  # one read of the rows


def _instance_rows(qs):
    """The export's rows as they were built before: one Application with its related rows per line."""
    return ([a.acceptance_no or "", a.name, a.applicant.name, a.applicant.credit_code or "", a.applicant.city or "",
             a.authority.name, a.industry or "", a.call.title, a.get_state_display(), a.submitted_at,
             a.funding_requested] for a in qs)


def _sheet_xml(rows) -> bytes:
    book = xlsx_bytes(title="申报", headers=["h"] * 11, rows=rows)
    return zipfile.ZipFile(io.BytesIO(book)).read("xl/worksheets/sheet1.xml")


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_export_cells_equal_the_instance_rows(department_user, language):
    liuzhou = f.city("liuzhou")
    liuzhou.name_en = "Liuzhou City"
    liuzhou.save()
    _reviewable(2, applicant__city=liuzhou)
    (odd,) = _reviewable(1, name="=HYPERLINK(\"x\")\x07", industry=None, funding_requested=Decimal("1234567.80"))
    Application.objects.filter(pk=odd.pk).update(acceptance_no=None, state=ApplicationState.RETURNED)
    odd.applicant.city = None
    odd.applicant.credit_code = None
    odd.applicant.save()
    qs = application_list(department_user, sort="acceptance")
    with translation.override(language):
        streamed = list(application_export_rows(qs))
        assert len(streamed) == 3
        assert _sheet_xml(streamed) == _sheet_xml(list(_instance_rows(qs)))
        assert [r[8] for r in streamed].count(str(ApplicationState.RETURNED.label)) == 1
        assert [r[4] for r in streamed].count("Liuzhou City" if language == "en" else "柳州市") == 2
