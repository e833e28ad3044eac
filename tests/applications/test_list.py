import io
import re
from datetime import UTC, datetime

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from applications import services
from applications.models import Application
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
    with django_assert_num_queries(6):
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


def _html(response) -> str:
    assert response.status_code == 200
    return response.content.decode()


def test_list_keeps_city_money_and_dates_on_one_line(client, department_user, submitted):
    client.force_login(department_user)
    html = _html(client.get(reverse("applications:list")))
    row = re.search(r"<tbody><tr>.*?</tr>", html, re.S).group(0)
    nowrap = [text for cls, text in re.findall(r'<td class="([^"]*)">([^<]*)<', row) if "text-nowrap" in cls]
    assert nowrap[:3] == [submitted.acceptance_no, "南宁市", "500.00万元"]
    assert re.fullmatch(r"\d{4}年\d{1,2}月\d{1,2}日 \d{2}:\d{2}", nowrap[3])


def test_export_writes_submission_time_as_a_real_local_datetime(client, department_user, submitted):
    Application.objects.filter(pk=submitted.pk).update(submitted_at=datetime(2026, 3, 1, 16, 5, tzinfo=UTC))
    client.force_login(department_user)
    response = client.get(reverse("applications:export"))
    ws = load_workbook(io.BytesIO(response.content)).active
    assert ws.cell(row=1, column=10).value == "提交时间"
    cell = ws.cell(row=2, column=10)
    assert cell.value == datetime(2026, 3, 2, 0, 5)  # 16:05 UTC is 00:05 next day in Asia/Shanghai
    assert cell.number_format == "yyyy-mm-dd hh:mm"
