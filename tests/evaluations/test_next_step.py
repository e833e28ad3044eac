"""The report page and the round page say who holds the record now and what happens next (the browser journey of
a round found both silent after a submission and during scoring), and the base's report page links its result
once published."""

from __future__ import annotations

from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from evaluations.services import report as report_svc
from evaluations.services import round as round_svc
from evaluations.services import scoring as svc
from evaluations.services import seats as seats_svc
from pilotbase.models import ExpertKind
from tests import factories as f

from .round_world import world
from .scoring_world import publish, score, scoring_round

pytestmark = pytest.mark.django_db


def _next(client, user, url, marker):
    client.force_login(user)
    html = client.get(url).content.decode()
    start = html.index(f'id="{marker}"')
    return html[start : html.index("</p>", start)]


def test_report_page_names_who_holds_the_report_at_each_step(client):
    w = world(certified=[date(2023, 5, 1)])
    rnd = w.open_round(authority_confirms=True, scoring_mode="staff")
    report = rnd.reports.get()
    url = reverse("evaluations:report_detail", args=[report.pk])
    base_user, authority = w.base_user(report.base), w.authority_user(report.base)

    assert "由基地提交" in _next(client, authority, url, "report-next")
    report = w.filed(report)
    assert "等待推荐单位（南宁市科学技术局）确认" in _next(client, base_user, url, "report-next")
    report = report_svc.report_confirm(report=report, actor=authority)
    assert "等待第三方机构（广西考核评估咨询有限公司）受理" in _next(client, base_user, url, "report-next")
    report_svc.report_accept(report=report, actor=w.agency)
    assert "考核进入评价打分后" in _next(client, w.staff, url, "report-next")


def test_round_page_counts_scoring_and_the_base_finds_its_result(client):
    w = world(certified=[date(2023, 5, 1)] * 2)
    rnd = scoring_round(w)
    url = reverse("evaluations:round_detail", args=[rnd.pk])
    assert "已评分 0 / 2 个" in _next(client, w.staff, url, "round-next")
    evaluations = list(rnd.evaluations.order_by("base_id"))
    score(w, evaluations[0], "92")
    assert "已评分 1 / 2 个" in _next(client, w.agency, url, "round-next")
    score(w, evaluations[1], "40")
    svc.round_grades_confirm(rnd=rnd, actor=w.staff)
    round_svc.round_advance(rnd=rnd, actor=w.staff, name="open_notice")
    publish(w, rnd)

    base = evaluations[1].base
    report_url = reverse("evaluations:report_detail", args=[evaluations[1].report_id])
    shown = _next(client, w.base_user(base), report_url, "report-next")
    assert "考核结果已公布" in shown and "查看考核结果（不合格）" in shown
    assert reverse("evaluations:evaluation_detail", args=[evaluations[1].pk]) in shown
    # The authority may not read the evaluation: no link to a page that would answer 404.
    assert "查看考核结果" not in _next(client, w.authority_user(base), report_url, "report-next")


def _dashboard(client, user):
    client.force_login(user)
    with CaptureQueriesContext(connection) as ctx:
        html = client.get(reverse("dashboard")).content.decode()
    return len(ctx.captured_queries), html


def test_the_agency_and_the_experts_dashboards_list_what_waits_for_them(client):
    """Before, the agency's dashboard had no word of the evaluations to score and an expert's said 没有待回复的评审
    邀请 while a 考核 invitation waited. The panels' queries do not grow with the evaluations."""
    w = world(certified=[date(2023, 5, 1)] * 3)
    experts = [f.ExpertProfileFactory(kind=kind) for kind in ExpertKind.values[:3]]
    rnd = scoring_round(w, scoring_mode="experts", panel_size=3)
    evaluations = list(rnd.evaluations.order_by("base_id"))
    seats_svc.evaluation_panel_draw(evaluation=evaluations[0], actor=w.agency)
    few, html = _dashboard(client, w.agency)
    assert "待评分的年度绩效评价" in html and f"{evaluations[2].base.name} · {rnd.year}" in html
    _n, html = _dashboard(client, experts[0].user)
    assert "待完成的考核评分" in html and f"{evaluations[0].base.name} · {rnd.year} · 已邀请" in html
    one, _html = _dashboard(client, experts[1].user)
    for ev in evaluations[1:]:
        seats_svc.evaluation_panel_draw(evaluation=ev, actor=w.agency)
    many, html = _dashboard(client, experts[1].user)
    assert html.count(" · 已邀请") == 3 and many == one
    assert _dashboard(client, w.agency)[0] == few
