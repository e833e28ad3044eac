"""A round's counts strips (reports and evaluations per state): what each viewer's list holds, as Python counts it;
on PostgreSQL read from the indexes `annualreport_round_state` and `evaluation_round_state` alone."""

from __future__ import annotations

from collections import Counter
from datetime import date

import pytest
from django.db import connection

from evaluations import selectors_rounds as rounds
from evaluations import selectors_scoring as scoring
from evaluations.models import ReportState
from evaluations.models.report import OPEN_REPORT_STATES
from tests.queries import index_plan

from .round_world import world
from .scoring_world import score, scoring_round


def _round():
    """Four bases (three in Nanning, one in Liuzhou), reports accepted but one late, one evaluation scored."""
    w = world(certified=[date(2023, 5, 1)] * 4, cities=["南宁市", "南宁市", "南宁市", "柳州市"])
    rnd = scoring_round(w, late=[3])
    score(w, rnd.evaluations.get(base=w.bases[0]))
    return w, rnd


def _viewers(w):
    return {"staff": w.staff, "agency": w.agency, "authority": w.authority_user(w.bases[0]),
            "other authority": w.authority_user(w.bases[3]), "base": w.base_user(w.bases[1])}


@pytest.mark.django_db
def test_round_counts_equal_the_rows_counted_in_python_for_every_viewer():
    w, rnd = _round()
    for name, user in _viewers(w).items():
        reports = Counter(r.state for r in rounds.reports_visible(user).filter(round=rnd))
        counts = rounds.report_state_counts(rounds.report_list(user, rnd, filters={}))
        assert {s: counts.get(s, 0) for s in ReportState.values} == {s: reports[s] for s in ReportState.values}, name
        assert (counts["total"], counts[rounds.NOT_FILED]) == (
            sum(reports.values()), sum(reports[s] for s in OPEN_REPORT_STATES)), name
        evaluations = Counter(e.state for e in scoring.evaluations_visible(user).filter(round=rnd))
        assert scoring.evaluation_state_counts(scoring.round_evaluations(user, rnd)) == dict(evaluations), name
    assert rounds.report_state_counts(rnd.reports.all())["total"] == 4
    assert len(set(scoring.evaluation_state_counts(rnd.evaluations.all()))) == 2  # scored and not yet scored


_plan = index_plan  # EXPLAIN of the one query a call runs (4 rows: sequential and bitmap scans priced out)


@pytest.mark.postgres
@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's plan (SQLite has no index-only scan to show)")
@pytest.mark.django_db(transaction=True)  # VACUUM refuses to run inside the test's transaction
def test_round_counts_read_an_index_only_on_postgres():
    w, rnd = _round()
    with connection.cursor() as cursor:  # the visibility map (in production autovacuum's)
        cursor.execute("VACUUM (ANALYZE) evaluations_annualreport, evaluations_evaluation")
    plan = _plan(lambda: rounds.report_state_counts(rounds.report_list(w.staff, rnd, filters={})))
    assert "Index Only Scan using annualreport_round_state on evaluations_annualreport" in plan, plan
    plan = _plan(lambda: rounds.report_state_counts(rnd.reports.all()))  # the round's page
    assert "Index Only Scan using annualreport_round_state on evaluations_annualreport" in plan, plan
    plan = _plan(lambda: scoring.evaluation_state_counts(scoring.round_evaluations(w.staff, rnd)))
    assert "Index Only Scan using evaluation_round_state on evaluations_evaluation" in plan, plan
