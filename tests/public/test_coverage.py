"""The public coverage page (public/coverage/): bases per city (all 14, zeros shown) and per industry, and certified
per year, against the notice's targets; only the public directory's bases (never a revoked one); the tables beside
the charts and as one Excel workbook; nothing private (no grade, score, subsidy, base or unit name)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from io import BytesIO

import pytest
from django.db import connection
from django.test import override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from evaluations.coverage import DEFAULT_TARGETS
from evaluations.models import EvaluationResult, Grade, PriorSupport
from pilotbase.models import Base, BaseStatus
from pilotbase.reference_data import CITIES, ensure_loaded
from tests import factories as f

pytestmark = pytest.mark.django_db
PAGE = "public:coverage"


def _base(n: int, *, city: str = "nanning", industry: str = "new-materials", year: int = 2022,
          state: str = BaseStatus.ACTIVE) -> Base:
    ensure_loaded()
    return Base.objects.create(name=f"广西覆盖测试{n}号科技成果转化中试研究基地", lead_unit=f.ApplicantOrgFactory(
        name=f"广西覆盖测试{n}号有限公司"), city=f.city(city), industry=f.industry(industry),
        platform_type=f.platform_type(), batch=1, certified_on=date(year, 6, 1), state=state)


def _charts(client):
    response = client.get(reverse(PAGE))
    assert response.status_code == 200
    return response, response.context["charts"]


def _table(chart) -> dict:
    return {r[0]: r[1:] for r in chart.rows}


def test_every_city_is_listed_zeros_shown_and_a_revoked_base_is_not_counted(client):
    _base(1, year=2021)
    _base(2, city="liuzhou", industry="biomedicine", year=2021, state=BaseStatus.RECTIFYING)
    _base(3, city="liuzhou", industry="biomedicine", year=2021, state=BaseStatus.REVOKED)
    response, charts = _charts(client)
    cities = _table(charts["cities"])
    assert list(cities) == [name for _code, name, _en in CITIES]  # all 14, in the official order
    assert cities["南宁市"] == [1, 1, "是"] and cities["柳州市"] == [1, 1, "是"]  # the revoked one not counted
    assert cities["崇左市"] == [0, 1, "否"]
    industries = _table(charts["industries"])
    assert industries["新材料"][0] == 1 and industries["生物医药"][0] == 1 and industries["新能源"][0] == 0
    years = _table(charts["years"])
    assert years["2021"] == [2, 5, "否"]  # two still listed (the revoked one is not); the notice asks ≥ 5
    assert years["2025"][1:] == [50, "否"]
    html = response.content.decode()
    assert "<title>中试基地布局与建设进度 · " in html
    assert html.count('role="img"') == 3  # cities, industries, years
    assert '<th scope="row" class="fw-normal">崇左市</th><td class="text-end">0</td>' in html
    assert "已认定且未撤销的中试基地 2 个" in html and "运行中 1 个，整改中 1 个" in html
    targets = {t.label: t for t in response.context["targets"]}
    assert targets["到2021年认定中试基地"].actual == "2 家"
    assert targets["设区市全覆盖"].actual == "2 个设区市"


def test_the_targets_are_the_dashboards_and_follow_the_settings(client):
    _base(1, year=2021)
    _response, charts = _charts(client)
    assert _table(charts["years"])["2021"][1] == DEFAULT_TARGETS["year_targets"][2021]
    with override_settings(PROGRAMME_TARGETS={"year_targets": {2021: 3, 2030: 80}, "per_city": 2}):
        response, charts = _charts(client)
    years = _table(charts["years"])
    assert years["2021"] == [1, 3, "否"] and years["2030"][1:] == [80, "否"] and years["2025"][1:] == ["", ""]
    assert _table(charts["cities"])["南宁市"] == [1, 2, "否"]
    assert "≥ 80 家" in response.content.decode()


def test_nothing_private_appears(client):
    base = _base(1)
    EvaluationResult.objects.create(base=base, year=2022, grade=Grade.EXCELLENT)
    PriorSupport.objects.create(base=base, amount=Decimal("3456789.00"), year=2022)
    html = _charts(client)[0].content.decode()
    workbook = client.get(reverse("public:coverage_xlsx"))
    cells = " ".join(str(c) for ws in load_workbook(BytesIO(workbook.content)).worksheets
                     for row in ws.iter_rows(values_only=True) for c in row if c is not None)
    for text in (html, cells):
        for private in ("优秀", "等次", "3456789", "3,456,789", "元", "覆盖测试1号", "评分", "得分"):
            assert private not in text, private


def test_the_workbook_holds_the_pages_tables(client):
    _base(1, year=2021)
    _base(2, year=2021, state=BaseStatus.REVOKED)
    response = client.get(reverse("public:coverage_xlsx"))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats-officedocument.spreadsheetml")
    wb = load_workbook(BytesIO(response.content))
    assert len(wb.worksheets) == 4  # targets, cities, industries, years
    rows = {ws.title: list(ws.iter_rows(values_only=True)) for ws in wb.worksheets}
    assert rows["建设目标"][2] == ("目标", "要求", "现状", "状态")
    cities = next(v for k, v in rows.items() if k.startswith("各设区市"))
    assert ("南宁市", 1, 1, "是") in cities and ("崇左市", 0, 1, "否") in cities
    assert len([r for r in cities[3:] if r[0]]) == len(CITIES)


def test_linked_from_the_home_page_and_the_directory(client):
    url = reverse(PAGE)
    assert f'href="{url}"' in client.get(reverse("home")).content.decode()
    assert f'href="{url}"' in client.get(reverse("public:base_list")).content.decode()


def _queries(client) -> int:
    client.get(reverse(PAGE))  # warm-up
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(reverse(PAGE)).status_code == 200
    return len(ctx)


def test_query_count_does_not_grow_with_bases(client):
    _base(1)
    before = _queries(client)
    for i, (city, industry, year) in enumerate(
        [("guilin", "machinery", 2023), ("beihai", "marine", 2024), ("nanning", "electronics", 2021)], start=2
    ):
        _base(i, city=city, industry=industry, year=year)
    _base(9, state=BaseStatus.REVOKED)
    after = _queries(client)
    assert sum(r[1] for r in client.get(reverse(PAGE)).context["charts"]["cities"].rows) == 4
    assert after == before, f"{before} queries with 1 base, {after} with 5"
