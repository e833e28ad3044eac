"""The demo's 整改 and 摘牌: a rectification accepted, a base failing twice (a not-accepted rectification, then
不合格 in the portal's 2025 round, its report never filed) and revoked by two staff members, its verification page saying so; a second run changes nothing."""

import pytest
from django.urls import reverse

from evaluations import demo, demo_rounds
from evaluations.models import (
    Grade,
    Rectification,
    RectificationState,
    ReportState,
    ResultSource,
    Revocation,
    RevocationState,
)
from pilotbase.models import Base, BaseStatus

pytestmark = pytest.mark.django_db


@pytest.mark.slow  # the import and the whole 2025 round
def test_demo_consequences(client):
    from pilotbase.demo import seed_core

    core = seed_core()
    demo.seed(core)
    demo_rounds.seed_past_round(core)
    demo.seed_consequences(core)
    demo.seed_consequences(core)  # once
    rectified = Base.objects.get(name=demo.base_name(demo.RECTIFIED))
    revoked = Base.objects.get(name=demo.base_name(demo.REVOKED))
    assert [r.state for r in Rectification.objects.filter(base=rectified)] == [RectificationState.ACCEPTED]
    assert rectified.state == BaseStatus.ACTIVE
    rev = Revocation.objects.get(base=revoked)
    assert (rev.state, rev.first_year, rev.second_year) == (RevocationState.REVOKED, 2024, 2025)
    second = revoked.evaluation_results.get(year=2025)
    assert (second.grade, second.source) == (Grade.FAIL, ResultSource.EVALUATED)
    assert revoked.annual_reports.get(round__year=2025).state == ReportState.LATE
    assert rev.proposed_by != rev.confirmed_by and rev.recovery_flagged
    assert revoked.state == BaseStatus.REVOKED and revoked.plaque_returned_on is not None
    html = client.get(reverse("public:verify", args=[revoked.certificate.token])).content.decode()
    assert "已撤销" in html and "2024年度、2025年度连续两年考核不合格" in html
    assert revoked.name not in client.get(reverse("public:base_list")).content.decode()
