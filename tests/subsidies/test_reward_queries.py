"""Query counts of the 运行奖补 lists: the same with four rows as with one (after a warm-up request): the reward
years list, a year's page (staff and the authority), and the base's page with its reward panel."""

from __future__ import annotations

from datetime import date

import pytest
from django.urls import reverse

from evaluations.models import EvaluationResult
from subsidies.services import rewards as svc
from tests.queries import assert_constant as _grows

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
