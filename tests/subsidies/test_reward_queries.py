"""Query counts of the 运行奖补 lists: the same with four rows as with one (after a warm-up request): the reward
years list, a year's page (staff and the authority), and the base's page with its reward panel."""

from __future__ import annotations

from datetime import date

import pytest
from django.urls import reverse

from evaluations.models import EvaluationResult
from subsidies.services import rewards as svc
from tests.queries import assert_constant as _grows
from tests.queries import count_page as _count

from .rewards_world import TIERS, base, build, reward_year

pytestmark = pytest.mark.django_db


@pytest.fixture
def w():
    return build()


def test_reward_year_list(client, w):
    client.force_login(w.staff)
    years = iter(range(2026, 2036))

    def add(k):
        for _ in range(k):
            y = next(years)
            EvaluationResult.objects.create(base=w.bases["a"], year=y, grade="excellent")
            svc.reward_year_create(actor=w.staff, evaluation_year=y, round=None, year=y + 1, min_grade="good",
                                   budget="1000000", tiers=dict(TIERS))

    _grows(client, reverse("subsidies:reward_year_list"), add, "年度</a>")


@pytest.mark.parametrize("who", ["staff", "authority_user"])
def test_reward_year_page(client, w, who):
    year = reward_year(w)
    client.force_login(getattr(w, who))
    n = iter(range(100))

    def add(k):
        for _ in range(k):
            i = next(n)
            base(f"新增{i}号", org=w.bases["a"].lead_unit, certified_on=date(2022, 1, 1), grade="good")
        svc.reward_year_refresh(reward_year=year, actor=w.staff)

    _grows(client, reverse("subsidies:reward_year_detail", args=[year.pk]), add, '<tr id="line-')


def test_base_page_reward_panel(client, w):
    b = w.bases["a"]
    client.force_login(w.users["a"])
    years = iter(range(2026, 2036))

    def add(k):
        for _ in range(k):
            y = next(years)
            EvaluationResult.objects.create(base=b, year=y, grade="excellent")
            ry = svc.reward_year_create(actor=w.staff, evaluation_year=y, round=None, year=y + 1,
                                        min_grade="good", budget="10000000", tiers=dict(TIERS))
            svc.reward_year_approve(reward_year=svc.reward_year_propose(reward_year=ry, actor=w.staff),
                                    actor=w.colleague)

    # the rewards panel's own cell (the money panel shows the same amounts as ledger rows)
    _grows(client, reverse("evaluations:base_detail", args=[b.pk]), add, "待拨付</td>")


def test_reward_year_page_is_paginated(client, w, monkeypatch):
    """A national year has thousands of lines: the page shows PAGE_SIZE of them (the eligible first), the counts
    and totals of the whole year, and the same number of queries on every page."""
    from subsidies.views import rewards as views

    year = reward_year(w)
    for i in range(4):
        base(f"分页{i}号", org=w.bases["a"].lead_unit, certified_on=date(2022, 1, 1), grade="good")
    svc.reward_year_refresh(reward_year=year, actor=w.staff)
    total = year.lines.count()
    monkeypatch.setattr(views, "PAGE_SIZE", 2)
    client.force_login(w.staff)
    url = reverse("subsidies:reward_year_detail", args=[year.pk])
    first_n, first = _count(client, url)
    last_n, last = _count(client, f"{url}?page={(total + 1) // 2}")
    assert first.count('<tr id="line-') == 2 and "page=2" in first
    assert first_n == last_n, f"page 1: {first_n} queries, the last page: {last_n}"
    eligible = year.lines.filter(eligible=True).count()
    assert f"符合条件的基地（{eligible}个）" in last
