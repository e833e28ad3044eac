"""The ranking page and its Excel export: only concluded assessments are ranked; open ones follow with
their provisional score; dates in the export are real date cells."""

from datetime import datetime, timedelta
from decimal import Decimal
from io import BytesIO
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse
from django.utils import timezone

from reviews.models import Assessment, ExpertAssignment, PanelDraw
from reviews.selectors import assessment as sel
from reviews.services import assessment as svc

pytestmark = pytest.mark.django_db
CONCLUDED_AT = datetime(2026, 10, 20, 23, 30, tzinfo=ZoneInfo("Asia/Shanghai"))


def _seat(assessment, expert, agency_user, total):
    draw = PanelDraw.objects.create(assessment=assessment, seed="s", drawn=[expert.pk], drawn_by=agency_user)
    seat = ExpertAssignment.objects.create(assessment=assessment, expert=expert, draw=draw,
                                           due_on=timezone.localdate() + timedelta(days=3))
    ExpertAssignment.objects.filter(pk=seat.pk).update(state="submitted", total=Decimal(total))


@pytest.fixture
def field(make_application, agency_user, department_user, pool):
    """Four assessments of one call: failed 90, passed 80, site visit with 5 sheets, a panel still forming."""
    apps = [make_application(name=name) for name in ("未通过项目", "通过项目", "现场核查项目", "组建专家组项目")]
    commission = svc.commission_create(call=apps[0].call, agency=agency_user.organization, applications=apps,
                                       title="委托", due_on=timezone.localdate() + timedelta(days=5),
                                       actor=department_user)
    failed, passed, visiting, forming = (commission.assessments.get(application=a) for a in apps)
    Assessment.objects.filter(pk=failed.pk).update(state="failed", total_score=Decimal("90"),
                                                   concluded_at=CONCLUDED_AT)
    Assessment.objects.filter(pk=passed.pk).update(state="passed", total_score=Decimal("80"),
                                                   concluded_at=CONCLUDED_AT)
    Assessment.objects.filter(pk=visiting.pk).update(state="site_visit")
    for expert, total in zip(pool[:5], ("70", "84", "85", "83", "95"), strict=True):
        _seat(visiting, expert, agency_user, total)  # highest and lowest dropped: (84 + 85 + 83) / 3
    return {"call": apps[0].call, "failed": failed, "passed": passed, "visiting": visiting, "forming": forming}


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
    assert concluded.value.date() == CONCLUDED_AT.date()
    assert data[2][day].value is None
