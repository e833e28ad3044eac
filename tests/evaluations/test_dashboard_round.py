"""The programme dashboard's panel of the current round: how many of its bases are included, have filed, were
confirmed by their authority (when the round asks), accepted, scored and graded; staff count every base of the
round, an authority its region's; the chart's table downloads as Excel; one aggregated query (the count does
not grow with the bases)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from io import BytesIO

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from evaluations.services import report as report_svc
from evaluations.services import round as round_svc
from evaluations.services import scoring as scoring_svc

from .round_world import world
from .scoring_world import score, scoring_round

pytestmark = pytest.mark.django_db


def _progress(client, user) -> dict:
    client.force_login(user)
    response = client.get(reverse("evaluations:dashboard"))
    assert response.status_code == 200
    chart = response.context["charts"].get("round")
    return {} if chart is None else {r[0]: r[1] for r in chart.rows}


@pytest.fixture
def reports_open():
    """Four bases, three under 南宁 (the bureau), one under 柳州, in a round whose authority confirms reports:
    0 filed, confirmed and accepted; 1 filed and confirmed; 2 filed; 3 (柳州) filed; a draft nowhere."""
    w = world(certified=[date(2023, 5, 1)] * 4, cities=["南宁市", "南宁市", "南宁市", "柳州市"])
    rnd = w.open_round(authority_confirms=True)
    reports = list(rnd.reports.order_by("base_id"))
    for report in reports:
        w.filed(report)
    for report in reports[:2]:
        report_svc.report_confirm(report=report, actor=w.authority_user(report.base))
    report_svc.report_accept(report=reports[0], actor=w.agency)
    return w, rnd


def test_staff_see_every_base_of_the_round_at_each_step(client, reports_open):
    w, rnd = reports_open
    assert _progress(client, w.staff) == {
        "参评基地": 4,
        "已提交年度报告": 4,
        "推荐单位已确认": 2,
        "已受理": 1,
        "已评分": 0,
        "等次已确认": 0,
    }
    html = client.get(reverse("evaluations:dashboard")).content.decode()
    assert 'id="round-progress"' in html
    assert f'href="{reverse("evaluations:round_detail", args=[rnd.pk])}"' in html


def test_an_authority_counts_its_region_only(client, reports_open):
    w, rnd = reports_open
    nanning = w.authority_user(w.bases[0])
    assert _progress(client, nanning) == {
        "参评基地": 3,
        "已提交年度报告": 3,
        "推荐单位已确认": 2,
        "已受理": 1,
        "已评分": 0,
        "等次已确认": 0,
    }
    html = client.get(reverse("evaluations:dashboard")).content.decode()
    assert reverse("evaluations:report_list", args=[rnd.pk]) in html
    staff_page = reverse("evaluations:round_detail", args=[rnd.pk])
    assert f'href="{staff_page}"' not in html  # staff's page, not the authority's
    liuzhou = w.authority_user(w.bases[3])
    assert _progress(client, liuzhou)["参评基地"] == 1


def test_a_returned_report_is_not_filed_and_its_old_confirmation_does_not_count(client, reports_open):
    w, rnd = reports_open
    report = rnd.reports.order_by("base_id")[1]  # filed and confirmed
    report = report_svc.report_return(report=report, actor=w.staff, reason="收入数字与附件不符。")
    assert _progress(client, w.staff)["已提交年度报告"] == 3
    w.filed(report)  # resubmitted: filed again, not yet confirmed again
    progress = _progress(client, w.staff)
    assert (progress["已提交年度报告"], progress["推荐单位已确认"]) == (4, 1)


def test_scored_and_graded_come_from_the_evaluations(client):
    w = world(certified=[date(2023, 5, 1)] * 3)
    rnd = scoring_round(w)  # the authority does not confirm in this round: no such step
    evaluations = list(rnd.evaluations.order_by("base_id"))
    score(w, evaluations[0], Decimal("92"))
    assert _progress(client, w.staff) == {
        "参评基地": 3,
        "已提交年度报告": 3,
        "已受理": 3,
        "已评分": 1,
        "等次已确认": 0,
    }
    for ev in evaluations[1:]:
        score(w, ev, Decimal("70"))
    scoring_svc.round_grades_confirm(rnd=rnd, actor=w.staff)
    progress = _progress(client, w.staff)
    assert (progress["已评分"], progress["等次已确认"]) == (3, 3)


def test_no_round_under_way_no_panel(client):
    w = world(certified=[date(2023, 5, 1)])
    w.round()  # a draft round is staff's preparation, not progress
    assert _progress(client, w.staff) == {}
    assert client.get(reverse("evaluations:dashboard_export", args=["round"])).status_code == 404


def test_the_progress_table_downloads_as_excel(client, reports_open):
    w, rnd = reports_open
    client.force_login(w.authority_user(w.bases[0]))
    response = client.get(reverse("evaluations:dashboard_export", args=["round"]))
    assert response.status_code == 200
    sheet = load_workbook(BytesIO(response.content)).active
    rows = [[c for c in r] for r in sheet.iter_rows(values_only=True)]
    assert ["参评基地", 3] in rows and ["推荐单位已确认", 2] in rows and ["已受理", 1] in rows
    assert any(r[0] == "南宁市科学技术局" for r in rows)  # the scope is named in the file


def _queries(client, page: str = "evaluations:dashboard") -> int:
    client.get(reverse(page))  # warm-up
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(reverse(page)).status_code == 200
    return len(ctx)


@pytest.mark.parametrize(
    "page", ["evaluations:dashboard", "dashboard"]
)  # the programme dashboard, the home panel
@pytest.mark.parametrize("who", ["staff", "authority"])
def test_query_count_does_not_grow_with_the_round_s_bases(client, who, page):
    w = world(certified=[date(2023, 5, 1)])
    rnd = w.open_round(authority_confirms=True)
    report = rnd.reports.get()
    w.filed(report)
    user = w.staff if who == "staff" else w.authority_user(w.bases[0])
    client.force_login(user)
    before = _queries(client, page)
    for base in w.add_bases(3, certified_on=date(2023, 5, 1)):
        round_svc.round_base_include(rnd=rnd, base=base, actor=w.staff, reason="补充参评。")
        report = w.filed(rnd.reports.get(base=base))
        report = report_svc.report_confirm(report=report, actor=w.authority_user(base))
        report_svc.report_accept(report=report, actor=w.agency)
    client.force_login(user)
    after = _queries(client, page)
    assert _progress(client, user)["已受理"] == 3  # the new bases are counted
    assert after == before, f"{before} queries with one base in the round, {after} with four"


def test_the_staff_and_authority_dashboards_lead_to_the_programme_dashboard(client, reports_open):
    w, rnd = reports_open
    link = (
        f'<a href="{reverse("evaluations:dashboard")}">查看全部'  # the panel's footer (the nav has one too)
    )
    for user, filed in (
        (w.staff, "已提交年度报告：4 / 4"),
        (w.authority_user(w.bases[0]), "已提交年度报告：3 / 3"),
    ):
        client.force_login(user)
        html = client.get(reverse("dashboard")).content.decode()
        assert f"{rnd.year}年度考核进度" in html and filed in html and link in html
        assert "推荐单位已确认：2 / " in html
    client.force_login(w.base_user(w.bases[0]))
    assert f"{rnd.year}年度考核进度" not in client.get(reverse("dashboard")).content.decode()


def test_without_a_round_the_panel_still_links_the_programme_dashboard(client):
    w = world(certified=[date(2023, 5, 1)])
    client.force_login(w.staff)
    html = client.get(reverse("dashboard")).content.decode()
    assert "目前没有进行中的年度绩效考核" in html
    assert f'<a href="{reverse("evaluations:dashboard")}">查看全部' in html


def test_the_progress_reads_in_english(client, reports_open, settings):
    w, rnd = reports_open
    client.force_login(w.staff)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    html = client.get(reverse("evaluations:dashboard")).content.decode()
    assert "Progress of the evaluation round" in html and "Report filed" in html and "Step" in html
    html = client.get(reverse("dashboard")).content.decode()
    assert f"{rnd.year} evaluation: progress" in html and "Report filed：4 / 4" in html
