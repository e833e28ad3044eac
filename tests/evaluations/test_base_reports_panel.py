"""The base's page lists every year's annual report and, for whoever may read it, its score and grade: the base's
units once the round is published, staff at any time; two queries whatever the number of years."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from evaluations.models.round import round_judged_on
from evaluations.services import round as round_svc
from evaluations.services import scoring as svc

from .round_world import world
from .scoring_world import score, scoring_round

pytestmark = pytest.mark.django_db
CERTIFIED = date(2023, 5, 1)


def _page(client, user, base):
    client.force_login(user)
    response = client.get(reverse("evaluations:base_detail", args=[base.pk]))
    assert response.status_code == 200
    return response.content.decode()


def _published(w):
    rnd = scoring_round(w)
    score(w, rnd.evaluations.get(), Decimal("92.5"))
    svc.round_grades_confirm(rnd=rnd, actor=w.staff)
    rnd = round_svc.round_advance(rnd=rnd, actor=w.staff, name="open_notice")
    with round_judged_on(rnd.notice.ends_on):
        return round_svc.round_advance(rnd=rnd, actor=w.staff, name="publish")


def test_the_base_sees_its_report_and_the_grade_only_once_published(client):
    w = world(certified=[CERTIFIED])
    base = w.bases[0]
    rnd = scoring_round(w)
    score(w, rnd.evaluations.get(), Decimal("92.5"))
    svc.round_grades_confirm(rnd=rnd, actor=w.staff)

    html = _page(client, w.base_user(base), base)
    assert 'id="base-reports"' in html and str(rnd.year) in html
    assert reverse("evaluations:report_detail", args=[rnd.reports.get().pk]) in html
    assert "尚未公布" in html and "92.50" not in html  # confirmed, not yet published: the base does not see it

    staff_html = _page(client, w.staff, base)
    assert "92.50" in staff_html  # staff read the score at any time

    rnd = round_svc.round_advance(rnd=rnd, actor=w.staff, name="open_notice")
    with round_judged_on(rnd.notice.ends_on):
        round_svc.round_advance(rnd=rnd, actor=w.staff, name="publish")
    html = _page(client, w.base_user(base), base)
    ev = rnd.evaluations.get()
    assert "92.50" in html and reverse("evaluations:evaluation_detail", args=[ev.pk]) in html
    assert f'data-grade="{ev.grade}"' in html


def test_a_base_without_reports_has_no_panel(client):
    w = world(certified=[CERTIFIED])
    assert 'id="base-reports"' not in _page(client, w.staff, w.bases[0])


def test_another_citys_authority_does_not_see_the_page(client):
    w = world(certified=[CERTIFIED])
    scoring_round(w)
    other = w.authority_user(w.bases[0]).__class__.objects.filter(role="authority").exclude(
        organization=w.bases[0].lead_unit.authority).first()
    if other is None:
        from tests import factories as f

        other = f.AuthorityUserFactory(organization=w.other_bureau)
    client.force_login(other)
    assert client.get(reverse("evaluations:base_detail", args=[w.bases[0].pk])).status_code == 404


def _queries(client, user, base) -> int:
    client.force_login(user)
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(reverse("evaluations:base_detail", args=[base.pk])).status_code == 200
    return len(ctx)


def test_the_panel_takes_the_same_queries_with_three_years_as_with_one(client):
    w = world(certified=[CERTIFIED])
    base = w.bases[0]
    _published(w)
    one = _queries(client, w.base_user(base), base)
    for year in (2023, 2024):
        w.open_round(year=year, scoring_mode="staff", authority_confirms=False)
    html = _page(client, w.base_user(base), base)
    assert html.count('data-year="') == 3
    assert _queries(client, w.base_user(base), base) == one
