"""The demo seeder of the round: this year's round with reports in every state of the filing, once."""

from datetime import date

import pytest

from evaluations.demo_rounds import seed_rounds
from evaluations.models import AnnualReport, EvaluationRound

from .round_world import world

pytestmark = pytest.mark.django_db


def test_seed_rounds_puts_reports_in_every_state_once():
    w = world(certified=[date(2023, 5, 1)] * 6)
    core = {"users": {"department": w.staff, "agency": w.agency}}
    seed_rounds(core, today=date(2026, 12, 3))
    rnd = EvaluationRound.objects.get(year=2026)
    assert (rnd.state, rnd.agency) == ("reports_open", w.agency.organization)
    states = sorted(rnd.reports.values_list("state", flat=True))
    assert states == ["accepted", "confirmed", "draft", "draft", "returned", "submitted"]
    partial = rnd.reports.filter(state="draft", pilot_projects__isnull=False).get()
    assert partial.service_revenue is not None and partial.problems == ""
    seed_rounds(core, today=date(2026, 12, 3))
    assert (EvaluationRound.objects.count(), AnnualReport.objects.count()) == (1, 6)
