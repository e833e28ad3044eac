"""The programme dashboard: bases per city (all 14, zeros included) and per industry, certified per year against
the notice's targets, grades per year from EvaluationResult; staff see everything, an authority its region;
every chart with its table and Excel; the query count does not grow with the bases."""

from __future__ import annotations

from datetime import date
from io import BytesIO

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from pilotbase.models import City, Industry
from pilotbase.reference_data import CITIES
from tests import factories as f

from .bases_world import import_rows, world_fixture  # noqa: F401  (the module's `world`)
from .conftest import code, row

pytestmark = pytest.mark.django_db

DASHBOARD = "evaluations:dashboard"


@pytest.fixture(autouse=True)
def _private_media():
    """The world's files stay where it stored them (replaces conftest's per-test folder)."""


def _charts(client, who, world):
    client.force_login(world.users[who])
    response = client.get(reverse(DASHBOARD))
    assert response.status_code == 200
    return response, response.context["charts"]


def _table(chart) -> dict:
    return {r[0]: r[1:] for r in chart.rows}


def test_staff_see_every_city_including_those_without_a_base(client, world):
    response, charts = _charts(client, "department", world)
    cities = _table(charts["cities"])
    assert list(cities) == [name for _code, name, _en in CITIES]  # all 14, in the official order
    assert cities["南宁市"] == [2, 1, "是"] and cities["柳州市"] == [1, 1, "是"]  # P and N; L
    assert cities["崇左市"] == [0, 1, "否"]
    html = response.content.decode()
    assert html.count('role="img"') == 4  # cities, industries, years, grades
    assert '<th scope="row" class="fw-normal">崇左市</th><td class="text-end">0</td>' in html


def test_industries_are_counted_and_every_field_listed(client, world):
    _response, charts = _charts(client, "department", world)
    industries = _table(charts["industries"])
    assert len(industries) == Industry.objects.filter(is_active=True).count() == 13
    assert (
        industries["新材料"][0],
        industries["新能源"][0],
        industries["生物医药"][0],
        industries["绿色石化"][0],
    ) == (1, 1, 1, 0)


def test_certified_per_year_is_cumulative_against_the_notice_targets(client, world):
    _response, charts = _charts(client, "department", world)
    years = _table(charts["years"])
    assert list(years)[0] == "2021"
    assert years["2021"] == [2, 5, "否"]  # N and L on paper in 2021; the notice asks ≥ 5
    assert years["2025"][1:] == [50, "否"]
    assert years[str(world.p.certified_on.year)][0] == 3
    assert "2025" in years  # the target year is on the axis even when no base was certified then


def test_grade_distribution_per_year_from_every_result(client, world):
    _response, charts = _charts(client, "department", world)
    grades = charts["grades"]
    assert grades.headers == ["考核年度", "优秀", "良好", "合格", "整改", "不合格", "参评基地数"]
    assert grades.rows == [["2022", 1, 0, 1, 0, 0, 2], ["2023", 0, 1, 0, 0, 0, 1]]


def test_targets_table_for_staff(client, world):
    response, _charts_ = _charts(client, "department", world)
    rows = {t.label: (t.required, t.actual, t.status) for t in response.context["targets"]}
    assert rows["到2021年认定中试基地"] == ("≥ 5 家", "2 家", "missed")
    assert rows["设区市全覆盖"] == ("14 个设区市", "2 个设区市", "pending")
    assert rows["重点产业领域全覆盖"] == ("13 个产业领域", "3 个产业领域", "pending")
    assert "建设目标完成情况" in response.content.decode()


def test_an_authority_sees_its_region_only(client, world):
    response, charts = _charts(client, "authority", world)
    cities = _table(charts["cities"])
    assert len(cities) == 14 and cities["南宁市"][0] == 2 and cities["柳州市"][0] == 0
    assert charts["grades"].rows == [["2022", 1, 0, 0, 0, 0, 1], ["2023", 0, 1, 0, 0, 0, 1]]  # N only
    assert response.context["targets"] == [] and "建设目标完成情况" not in response.content.decode()
    _response, charts = _charts(client, "other_authority", world)
    assert _table(charts["cities"])["柳州市"][0] == 1 and _table(charts["cities"])["南宁市"][0] == 0


def _sheet(response) -> list[list]:
    from openpyxl import load_workbook

    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;")
    return [list(r) for r in load_workbook(BytesIO(response.content)).active.iter_rows(values_only=True)]


@pytest.mark.parametrize("table", ["cities", "industries", "years", "grades"])
def test_each_table_downloads_as_excel_with_the_numbers_shown(client, world, table):
    _response, charts = _charts(client, "department", world)
    rows = _sheet(client.get(reverse("evaluations:dashboard_export", args=[table])))
    chart = charts[table]
    assert rows[0][0] == chart.title and rows[1][0] == "全区"
    assert rows[2] == [str(h) for h in chart.headers]
    assert [[c if c is not None else "" for c in r] for r in rows[3:]] == [
        [str(c) if isinstance(c, str) else c for c in r] for r in chart.rows
    ]


def test_targets_download_is_for_staff_only(client, world):
    client.force_login(world.users["department"])
    rows = _sheet(client.get(reverse("evaluations:dashboard_export", args=["targets"])))
    assert rows[2] == ["目标", "要求", "现状", "状态"] and rows[3][0] == "到2021年认定中试基地"
    client.force_login(world.users["authority"])
    assert client.get(reverse("evaluations:dashboard_export", args=["targets"])).status_code == 404
    assert client.get(reverse("evaluations:dashboard_export", args=["nothing"])).status_code == 404
    rows = _sheet(client.get(reverse("evaluations:dashboard_export", args=["cities"])))
    assert rows[1][0] == "南宁市科学技术局"  # the scope is named in the file


@pytest.mark.parametrize("who", ["applicant", "partner", "other_applicant", "d_user", "agency", "expert"])
def test_dashboard_is_404_for_everyone_else(client, world, who):
    client.force_login(world.users[who])
    assert client.get(reverse(DASHBOARD)).status_code == 404
    assert client.get(reverse("evaluations:dashboard_export", args=["cities"])).status_code == 404


def _queries(client) -> int:
    client.get(reverse(DASHBOARD))  # warm-up (content types, reference rows)
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(reverse(DASHBOARD)).status_code == 200
    return len(ctx)


@pytest.mark.parametrize("who", ["department", "authority"])
def test_query_count_does_not_grow_with_bases(client, world, who):
    """Every figure is one aggregated query: four more bases in new cities and industries with two years of
    grades each change no count."""
    client.force_login(world.users[who])
    before = _queries(client)
    more = [("桂林市", "机械制造"), ("南宁市", "电子信息"), ("北海市", "向海经济"), ("南宁市", "绿色家居")]
    for name in ("桂林市", "北海市"):  # new units go under their city's bureau
        f.AuthorityFactory(name=f"{name}科学技术局", city=City.objects.get(name=name))
    for i, (city, industry) in enumerate(more, start=10):
        import_rows(
            world.users["department"],
            row(
                i,
                name=f"广西第{i}号统计科技成果转化中试研究基地",
                lead_name=f"广西统计测试有限公司{i}",
                lead_code=code(i),
                city=city,
                industry=industry,
                number=f"桂科中试〔2022〕第{i}号",
                certified_on=date(2022, 6, 1),
                grade_2022="合格",
                grade_2023="优秀",
            ),
            filename=f"more-{i}.xlsx",
        )
    after = _queries(client)
    response = client.get(reverse(DASHBOARD))
    if who == "department":
        assert _table(response.context["charts"]["cities"])["桂林市"][0] == 1  # the new bases are counted
    assert after == before, f"{before} queries with 3 bases, {after} with 7"


def test_dashboard_and_base_pages_read_in_english(client, world, settings):
    client.force_login(world.users["department"])
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    html = client.get(reverse(DASHBOARD)).content.decode()
    assert "Bases per city (revoked excluded)" in html and "Progress against the programme" in html
    assert "Nanning" in html  # reference rows in the reader's language
    html = client.get(reverse("evaluations:base_detail", args=[world.n.pk])).content.decode()
    assert "Evaluation results by year" in html and "Certified before the portal (imported)" in html


def test_targets_are_settings_not_constants(client, world, settings):
    settings.PROGRAMME_TARGETS = {"year_targets": {2021: 2, 2030: 60}, "per_city": 2}
    response, charts = _charts(client, "department", world)
    rows = {t.label: t.status for t in response.context["targets"]}
    assert rows["到2021年认定中试基地"] == "reached" and rows["到2030年认定中试基地"] == "pending"
    assert _table(charts["cities"])["南宁市"] == [2, 2, "是"] and _table(charts["cities"])["柳州市"][1:] == [
        2,
        "否",
    ]
    assert "2030" in _table(charts["years"])
