"""The ranking page and its Excel export: only concluded assessments are ranked; open ones follow with
their provisional score; dates in the export are real date cells."""

from decimal import Decimal
from io import BytesIO

import pytest
from django.urls import reverse
from django.utils import timezone

from reviews.models import Assessment
from reviews.selectors import assessment as sel
from reviews.services import assessment as svc
from tests import factories as f
from tests import pipeline

from .conftest import score_and_submit

pytestmark = pytest.mark.django_db


@pytest.fixture
def field(call, agency_user, department_user, pool):
    """Four assessments of one call, built through the services: failed at 90 (refused after scoring), passed at
    80, on site visit with five sheets (70, 84, 85, 83, 95), one commissioned whose panel is not drawn yet."""
    names = ("未通过项目", "通过项目", "现场核查项目", "组建专家组项目")
    apps = [f.ApplicationFactory(call=call, name=name) for name in names]

    def advance(app, to, score=Decimal("0.8")):
        people = pipeline.People.for_application(app, department=department_user, agency=agency_user)
        return Assessment.objects.get(application=pipeline.advance(app, to=to, people=people, score=score))

    failed = advance(apps[0], "site_visit", Decimal("0.9"))
    svc.assessment_conclude(assessment=failed, actor=agency_user, passed=False, consensus_opinion="现场核查不符。")
    passed = advance(apps[1], "passed")
    visiting = advance(apps[2], "commissioned")
    svc.panel_draw(assessment=visiting, actor=agency_user, seed="ranking", size=5)
    svc.assessment_start_scoring(assessment=visiting, actor=agency_user)
    seats = visiting.assignments.select_related("expert__user").order_by("id")
    for seat, share in zip(seats, ("0.70", "0.84", "0.85", "0.83", "0.95"), strict=True):
        score_and_submit(svc.assignment_accept(assignment=seat, actor=seat.expert.user, no_conflict=True,
                                               declaration="无利益关系"), Decimal(share))
    visiting.refresh_from_db()
    svc.assessment_start_site_visit(assessment=visiting, actor=agency_user)  # highest and lowest dropped: 84
    forming = advance(apps[3], "commissioned")
    return {"call": call, "failed": failed, "passed": passed, "visiting": visiting, "forming": forming}


def test_ranked_assessments_ranks_only_concluded_passed_first(field):
    rows = sel.ranked_assessments(call=field["call"])
    assert [a.pk for a in rows] == [field[k].pk for k in ("passed", "failed", "visiting", "forming")]
    assert [a.rank for a in rows] == [1, 2, None, None]
    assert [a.provisional_score for a in rows] == [None, None, Decimal("84.00"), None]


def test_ranking_page_shows_provisional_score_without_rank(client, field, department_user):
    client.force_login(department_user)
    html = client.get(reverse("reviews:assess_ranked"), {"call": field["call"].pk}).content.decode()
    rows = html.split('class="ranked-row"')[1:]
    assert len(rows) == 4
    assert [r.split('<td class="rank">')[1].split("</td>")[0] for r in rows[:2]] == ["1", "2"]
    visiting = rows[2]
    assert "data-unranked" in visiting
    assert "84.00" in visiting and "暂定" in visiting
    for header in ("排名", "综合得分", "一票否决"):
        assert f'<th scope="col" class="text-nowrap">{header}</th>' in html


def test_ranking_pages_continue_the_order_and_the_ranks(client, field, department_user, monkeypatch):
    """A page builds its rows alone, but ranks and order are those of the whole call."""
    from reviews.views import assessment as views

    monkeypatch.setattr(views, "RANKING_PAGE_SIZE", 3)
    client.force_login(department_user)
    url = reverse("reviews:assess_ranked")
    first = client.get(url, {"call": field["call"].pk}).content.decode()
    second = client.get(url, {"call": field["call"].pk, "page": 2}).content.decode()
    assert first.count('class="ranked-row"') == 3 and second.count('class="ranked-row"') == 1
    assert f"?call={field['call'].pk}&amp;page=2" in first or f"?call={field['call'].pk}&page=2" in first
    assert [r.split('<td class="rank">')[1].split("</td>")[0] for r in first.split('class="ranked-row"')[1:3]] == [
        "1", "2"]
    assert reverse("reviews:assess_detail", args=[field["forming"].pk]) in second
    assert sel.ranking_order(call=field["call"])[3].pk == field["forming"].pk


def test_ranking_export_matches_the_page_with_real_date_cells(client, field, department_user):
    from openpyxl import load_workbook

    client.force_login(department_user)
    response = client.get(reverse("reviews:assess_ranked_export"), {"call": field["call"].pk})
    ws = load_workbook(BytesIO(response.content)).active
    header = [c.value for c in ws[1]]
    rank, total, provisional, day = (header.index(h) for h in ("排名", "综合得分", "暂定得分（评估中）", "结论日期"))
    data = [[c for c in row] for row in ws.iter_rows(min_row=2)]
    assert [r[rank].value for r in data] == [1, 2, None, None]
    assert [r[total].value for r in data] == [80.0, 90.0, None, None]
    assert [r[provisional].value for r in data] == [None, None, 84.0, None]
    concluded = data[0][day]
    assert concluded.is_date and concluded.number_format == "yyyy-mm-dd"
    concluded_at = Assessment.objects.get(pk=field["passed"].pk).concluded_at
    assert concluded.value.date() == timezone.localtime(concluded_at).date()
    assert data[2][day].value is None
