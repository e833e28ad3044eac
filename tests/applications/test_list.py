import io
from datetime import datetime

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from applications import services
from tests import factories as f
from tests.applications.conftest import attach_all

pytestmark = pytest.mark.django_db


def _submitted(call, n, city="nanning", name=None):
    out = []
    for _ in range(n):
        user = f.ApplicantUserFactory(organization__city=f.city(city))
        app = f.ApplicationFactory(call=call, applicant=user.organization, **({"name": name} if name else {}))
        attach_all(app, user)
        out.append(services.application_submit(application=app, actor=user))
    return out


@pytest.mark.parametrize("rows", [1, 3])
def test_department_list_query_count_constant(client, department_user, call, rows, django_assert_num_queries):
    _submitted(call, rows)
    client.force_login(department_user)
    url = reverse("applications:list")
    with django_assert_num_queries(10):
        response = client.get(url)
    assert response.status_code == 200
    assert response.context["total"] == rows


def test_department_list_filters_by_city_and_search(client, department_user, call):
    _submitted(call, 2, city="nanning")
    (liuzhou,) = _submitted(call, 1, city="liuzhou", name="柳州中试基地")
    client.force_login(department_user)
    response = client.get(reverse("applications:list"), {"city": f.city("liuzhou").pk})
    assert [a.pk for a in response.context["page"]] == [liuzhou.pk]
    response = client.get(reverse("applications:list"), {"q": liuzhou.acceptance_no})
    assert [a.pk for a in response.context["page"]] == [liuzhou.pk]


def test_authority_list_shows_only_its_applicants(client, authority_user, call, submitted):
    _submitted(call, 2)  # under other (factory) authorities
    client.force_login(authority_user)
    response = client.get(reverse("applications:list"))
    assert [a.pk for a in response.context["page"]] == [submitted.pk]


def test_excel_export_contains_exactly_filtered_rows(client, department_user, call):
    _submitted(call, 2, city="nanning")
    liuzhou = _submitted(call, 2, city="liuzhou")
    client.force_login(department_user)
    response = client.get(reverse("applications:export"), {"city": f.city("liuzhou").pk, "sort": "acceptance"})
    assert response.status_code == 200
    ws = load_workbook(io.BytesIO(response.content)).active
    rows = list(ws.iter_rows(values_only=True))
    assert rows[0][:3] == ("受理编号", "基地名称", "申报单位")
    assert [r[0] for r in rows[1:]] == sorted(a.acceptance_no for a in liuzhou)
    assert isinstance(rows[1][9], datetime)  # a real date cell, local time (see test_ui_fixes)
