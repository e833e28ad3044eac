"""List pages and dashboards without a query-count test elsewhere: the count with four rows equals the
count with one row (after one warm-up request, so per-process caches such as content types are full)."""

from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from applications import services
from reviews.models import PublicNotice
from tests import factories as f
from tests.applications.conftest import attach_all
from tests.queries import assert_constant as _grows
from tests.queries import count_page as _count

pytestmark = pytest.mark.django_db


def _submit(call, user):
    app = f.ApplicationFactory(call=call, applicant=user.organization)
    attach_all(app, user)
    return services.application_submit(application=app, actor=user)


def test_my_applications(client, applicant):
    client.force_login(applicant)
    call = f.CallFactory()

    def add(k):
        for i in range(k):
            f.ApplicationFactory(call=call, applicant=applicant.organization, name=f"广西测试{i}科技成果转化中试研究基地")

    _grows(client, reverse("applications:mine"), add, "科技成果转化中试研究基地</a>")


@pytest.mark.parametrize("who", ["applicant", "department"])
def test_call_list(client, personas, who):
    client.force_login(personas[who])
    _grows(client, reverse("applications:call_list"), lambda k: [f.CallFactory() for _ in range(k)], "年度自治区中试研究基地建设申报（")


def test_expert_pool(client, agency_user):
    client.force_login(agency_user)
    _grows(client, reverse("reviews:assess_experts"), lambda k: [f.ExpertProfileFactory() for _ in range(k)], "教授")


def test_staff_notice_list(client, department_user):
    client.force_login(department_user)
    call = f.CallFactory()

    def add(k):
        for _ in range(k):
            # Drafts (the state a notice is created in): the staff list shows every state, so no state is faked.
            PublicNotice.objects.create(call=call, title="拟认定名单公示", starts_on=date(2026, 11, 2),
                                        ends_on=date(2026, 11, 9), last_day=date(2026, 11, 6),
                                        created_by=department_user)

    _grows(client, reverse("reviews:notice_list"), add, "拟认定名单公示</a>")


@pytest.mark.parametrize("who", ["authority", "department"])
def test_dashboard_with_waiting_applications(client, personas, authority_org, who):
    """The authority's dashboard lists submitted applications, the department's the forwarded ones."""
    from reviews.demo import recommend_and_forward

    client.force_login(personas[who])
    call = f.CallFactory()

    def add(k):
        apps = [_submit(call, f.ApplicantUserFactory(organization__authority=authority_org)) for _ in range(k)]
        if who == "department":
            recommend_and_forward(apps)

    _grows(client, reverse("dashboard"), add, "科技成果转化中试研究基地 · ")


def test_applicant_dashboard(client, applicant):
    client.force_login(applicant)
    call = f.CallFactory()

    def add(k):
        for _ in range(k):
            f.ApplicationFactory(call=call, applicant=applicant.organization)

    _grows(client, reverse("dashboard"), add, "科技成果转化中试研究基地")


def test_department_dashboard_queries_with_work_waiting(client, department_user, authority_user, authority_org):
    """Each panel reads its first rows and its total in one query (the total a scalar subquery, `CountOf`), the
    user is read with its organization and the bell's count: 12 queries (18 before docs/performance.md's fixes; the
    11th is the annual reports awaiting acceptance, the 12th the programme panel's current round — a second while a
    round is under way, tests/evaluations/test_dashboard_round.py), whatever the rows."""
    from reviews.demo import recommend_and_forward

    call = f.CallFactory()
    recommend_and_forward([_submit(call, f.ApplicantUserFactory(organization__authority=authority_org))
                           for _ in range(6)])
    client.force_login(department_user)
    queries, html = _count(client, reverse("dashboard"))
    assert queries == 12
    assert "待形式审查" in html


def test_application_list_counts_once(client, department_user):
    """The total is the sum of the per-state counts: one GROUP BY, no second COUNT(*)."""
    call = f.CallFactory()
    for _ in range(3):
        _submit(call, f.ApplicantUserFactory())
    client.force_login(department_user)
    client.get(reverse("applications:list"))
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(reverse("applications:list"))
    counts = [q["sql"] for q in ctx.captured_queries if "COUNT(" in q["sql"] and "applications_application" in q["sql"]]
    assert len(counts) == 1, counts
    assert response.context["total"] == 3


@pytest.mark.parametrize("who", ["department", "authority", "applicant"])
def test_base_list(client, personas, authority_org, who):
    """基地名录: related rows joined, partners in one prefetch, the latest result as subqueries, the total from
    the per-state counts; imported bases with partners and two years of results each."""
    from tests.evaluations.bases_world import import_rows
    from tests.evaluations.conftest import code, row

    client.force_login(personas[who])
    lead = personas["applicant"].organization
    made = []

    def add(k):
        for _ in range(k):
            i = len(made) + 1
            made.append(i)
            import_rows(personas["department"], row(i, name=f"广西第{i}号清单科技成果转化中试研究基地",
                                                     lead_name=lead.name, lead_code=lead.credit_code,
                                                     partner1_name=f"广西清单伙伴{i}", partner1_code=code(50 + i),
                                                     number=f"桂科中试〔2021〕第{i:02d}号"), filename=f"list-{i}.xlsx")

    _grows(client, reverse("evaluations:base_list"), add, "科技成果转化中试研究基地</a>")


def _failing_bases(staff, made: list, k: int, *, grades=("不合格", "不合格")):
    """k more imported bases failing 2022 and 2023 (under 南宁市科学技术局, which the import needs)."""
    from tests.evaluations.bases_world import import_rows
    from tests.evaluations.conftest import row

    out = []
    for _ in range(k):
        i = len(made) + 1
        made.append(i)
        import_rows(staff, row(i, name=f"广西第{i}号整改科技成果转化中试研究基地", number=f"桂科中试〔2021〕第{i:02d}号",
                               grade_2022=grades[0], grade_2023=grades[1], support="否", support_amount="",
                               support_year=""), filename=f"consequences-{i}.xlsx")
        out.append(i)
    from pilotbase.models import Base

    return list(Base.objects.filter(name__in=[f"广西第{i}号整改科技成果转化中试研究基地" for i in out]))


@pytest.mark.parametrize("who", ["department", "authority"])
def test_rectification_list(client, personas, who):
    """整改: staff (with the 整改 grades awaiting a notice) and the authority of the bases' lead units."""
    from evaluations.models import EvaluationResult, ResultSource
    from evaluations.services.rectification import rectification_order

    staff = personas["department"]  # the import puts the new lead units under 南宁市科学技术局 (authority)
    made: list = []

    def add(k):
        for base in _failing_bases(staff, made, k, grades=("合格", "良好")):
            rectification_order(base=base, actor=staff, year=2024, reason="监督检查发现问题。", requirements="整改。")
            EvaluationResult.objects.create(base=base, year=2025, grade="rectify", source=ResultSource.EVALUATED)

    client.force_login(personas[who])
    _grows(client, reverse("evaluations:rectification_list"), add, "科技成果转化中试研究基地</a></td>")


def test_rectification_list_of_the_agency(client, personas):
    """整改 as the agency commissioned for the round whose 整改 grades opened them sees it (it may re-check)."""
    from datetime import date

    from evaluations.models import EvaluationResult, ResultSource
    from evaluations.services.rectification import rectification_open
    from evaluations.services.round import round_create

    staff, agency = personas["department"], personas["agency"]
    round_create(actor=staff, year=2025, title="2025年度绩效考核", reference_date=date(2025, 12, 31),
                 report_deadline=date(2026, 1, 31), agency=agency.organization)
    made: list = []

    def add(k):
        for base in _failing_bases(staff, made, k, grades=("合格", "良好")):
            result = EvaluationResult.objects.create(base=base, year=2025, grade="rectify",
                                                     source=ResultSource.EVALUATED)
            rectification_open(result=result, actor=staff, requirements="整改。")

    client.force_login(agency)
    _grows(client, reverse("evaluations:rectification_list"), add, "科技成果转化中试研究基地</a></td>")


def test_revocation_list(client, personas):
    """摘牌: the candidates the sweeper listed, with their years, base and city joined."""
    from evaluations.services.revocation import revocations_detect

    staff = personas["department"]
    made: list = []

    def add(k):
        _failing_bases(staff, made, k)
        revocations_detect()

    client.force_login(staff)
    _grows(client, reverse("evaluations:revocation_list"), add, "科技成果转化中试研究基地</a></td>")


# ---- 年度绩效考核 and 年度报告 ------------------------------------------------------------------------------
def _round_world():
    from tests.evaluations.round_world import world

    w = world(certified=[])
    w.add_bases(1)
    return w, w.open_round(reference_date=date(2025, 12, 31))


def _more_reports(w, rnd):
    from evaluations.services import round as round_svc

    def add(k):
        for base in w.add_bases(k):
            round_svc.round_base_include(rnd=rnd, base=base, actor=w.staff, reason="补充参评")

    return add


@pytest.mark.parametrize("who", ["staff", "agency", "authority"])
def test_round_report_list(client, who):
    w, rnd = _round_world()
    client.force_login({"staff": w.staff, "agency": w.agency, "authority": w.authority_user(w.bases[0])}[who])
    _grows(
        client,
        reverse("evaluations:report_list", args=[rnd.pk]),
        _more_reports(w, rnd),
        "科技成果转化中试研究基地</a>",
    )


def test_round_detail_with_its_bases(client):
    w, rnd = _round_world()
    client.force_login(w.staff)
    _grows(client, reverse("evaluations:round_detail", args=[rnd.pk]), _more_reports(w, rnd), "补充参评<div")


def test_round_list(client):
    from evaluations.services import round as round_svc
    from tests.evaluations.round_world import world

    w = world(certified=[])
    client.force_login(w.staff)
    years = iter(range(2030, 2060))

    def add(k):
        for _ in range(k):
            year = next(years)
            round_svc.round_create(
                actor=w.staff,
                year=year,
                title=f"考核{year}",
                reference_date=date(year, 12, 31),
                report_deadline=date(year + 1, 1, 31),
                agency=w.agency.organization,
            )

    _grows(client, reverse("evaluations:round_list"), add, "</a></td>\n  <td><span")


def test_my_reports_and_base_dashboard(client):
    from evaluations.services import round as round_svc
    from tests.evaluations.round_world import world

    w = world(certified=[])
    base = w.add_bases(1)[0]
    user = w.base_user(base)
    client.force_login(user)
    years = iter(range(2030, 2060))

    def add(k):
        for _ in range(k):
            year = next(years)
            rnd = round_svc.round_create(
                actor=w.staff,
                year=year,
                title=f"考核{year}",
                reference_date=date(year, 12, 31),
                report_deadline=date(year + 1, 1, 31),
                agency=w.agency.organization,
            )
            round_svc.round_open_reports(rnd=rnd, actor=w.staff)

    _grows(client, reverse("evaluations:report_mine"), add, ">填报</a>")
    one, _html = _count(client, reverse("dashboard"))
    add(2)
    assert _count(client, reverse("dashboard"))[0] == one


# ---- 评分与等次 -------------------------------------------------------------------------------------------------
def _scoring_rounds():
    """Two rounds in scoring, each base scored: 2025 with one base, 2026 with four."""
    from tests.evaluations.round_world import world
    from tests.evaluations.scoring_world import score, scoring_round

    w = world(certified=[])
    w.add_bases(1)
    one = scoring_round(w, year=2025)
    w.add_bases(3)
    four = scoring_round(w, year=2026)
    for rnd in (one, four):
        for ev in rnd.evaluations.all():
            score(w, ev, "85")
    return w, one, four


def _same_count(client, name: str, one, four, marker: str) -> None:
    n_one, html_one = _count(client, reverse(name, args=[one.pk]))
    n_four, html_four = _count(client, reverse(name, args=[four.pk]))
    assert html_four.count(marker) == html_one.count(marker) + 3, "the page must show every row"
    assert n_four == n_one, f"{name}: {n_one} queries with 1 row, {n_four} with 4"


@pytest.mark.parametrize("who", ["staff", "agency"])
def test_round_evaluation_list(client, who):
    w, one, four = _scoring_rounds()
    client.force_login(w.staff if who == "staff" else w.agency)
    _same_count(client, "evaluations:evaluation_list", one, four, "科技成果转化中试研究基地</a>")


def test_round_evaluation_list_is_paginated(client, monkeypatch):
    """A national round has thousands of evaluations: a page of PAGE_SIZE, the state counts of the whole round, the
    same queries on the last page as on the first."""
    from evaluations.views import scoring

    w, _one, four = _scoring_rounds()
    monkeypatch.setattr(scoring, "PAGE_SIZE", 3)
    client.force_login(w.staff)
    url = reverse("evaluations:evaluation_list", args=[four.pk])
    first_n, first = _count(client, url)
    last_n, last = _count(client, url + "?page=2")
    marker = "科技成果转化中试研究基地</a>"
    assert first.count(marker) == 3 and last.count(marker) == 1 and "page=2" in first
    assert "共 4 个基地" in last
    assert first_n == last_n, f"page 1: {first_n} queries, page 2: {last_n}"


def test_round_grade_confirmation(client):
    w, one, four = _scoring_rounds()
    client.force_login(w.staff)
    _same_count(client, "evaluations:round_grades", one, four, '<tr data-evaluation="')


def test_round_grades_once_confirmed_are_paginated(client, monkeypatch):
    """Confirmed, the table is read-only and shown a page at a time with the same queries on every page; while
    grades are to be confirmed every row stays in the one form, whatever the page size."""
    from evaluations.services import scoring as scoring_svc
    from evaluations.views import scoring

    w, _one, four = _scoring_rounds()
    monkeypatch.setattr(scoring, "PAGE_SIZE", 3)
    client.force_login(w.staff)
    url = reverse("evaluations:round_grades", args=[four.pk])
    marker = '<tr data-evaluation="'
    html = client.get(url).content.decode()
    assert html.count(marker) == 4 and 'id="grades-confirm"' in html and "page=2" not in html
    scoring_svc.round_grades_confirm(rnd=four, actor=w.staff)
    first_n, first = _count(client, url)
    last_n, last = _count(client, url + "?page=2")
    assert first.count(marker) == 3 and last.count(marker) == 1 and "page=2" in first
    assert 'id="grades-confirm"' not in first
    assert first_n == last_n, f"page 1: {first_n} queries, page 2: {last_n}"
    # session, user (with its organisation), round, the counts per state, the page's rows (with the placements
    # stored at confirmation), the bell: no read of the whole round, no COUNT(*) besides the counts
    assert first_n == 5


def test_round_grades_confirmed_read_the_same_queries_with_more_rows(client):
    from evaluations.services import scoring as scoring_svc

    w, one, four = _scoring_rounds()
    for rnd in (one, four):
        scoring_svc.round_grades_confirm(rnd=rnd, actor=w.staff)
    client.force_login(w.staff)
    _same_count(client, "evaluations:round_grades", one, four, '<tr data-evaluation="')


def test_round_grades_while_bases_are_scored_are_paginated(client, monkeypatch):
    """While some base is not scored nothing is placed yet: the page shows a page of rows, the number still to be
    scored of the whole round, the same queries on every page and with more rows."""
    from evaluations.views import scoring
    from tests.evaluations.round_world import world
    from tests.evaluations.scoring_world import score, scoring_round

    w = world(certified=[])
    w.add_bases(1)
    one = scoring_round(w, year=2025)
    w.add_bases(3)
    four = scoring_round(w, year=2026)
    for ev in four.evaluations.order_by("base_id")[:2]:
        score(w, ev, "85")
    client.force_login(w.staff)
    _same_count(client, "evaluations:round_grades", one, four, '<tr data-evaluation="')
    monkeypatch.setattr(scoring, "PAGE_SIZE", 3)
    url = reverse("evaluations:round_grades", args=[four.pk])
    first_n, first = _count(client, url)
    last_n, last = _count(client, url + "?page=2")
    marker = '<tr data-evaluation="'
    assert first.count(marker) == 3 and last.count(marker) == 1 and "page=2" in first
    assert "还有 2 个基地尚未评分" in first and "还有 2 个基地尚未评分" in last
    assert 'id="grades-confirm"' not in first and 'name="grade_' not in first
    assert first_n == last_n == 5, f"page 1: {first_n} queries, page 2: {last_n}"


# ---- 绩效考核结果 (public) -----------------------------------------------------------------------------------------
def test_public_evaluation_results(client):
    """One published round with 1 base, one with 4: the results page and its Excel table read the same."""
    from tests.evaluations.round_world import world
    from tests.public.test_evaluation_results import published

    w = world(certified=[])
    w.add_bases(1)
    one = published(w, ["85"], year=2025)
    w.add_bases(3)
    four = published(w, ["85", "70", "55", "30"], year=2026)
    n_one, html_one = _count(client, reverse("public:evaluation_results", args=[one.year]))
    n_four, html_four = _count(client, reverse("public:evaluation_results", args=[four.year]))
    marker = "科技成果转化中试研究基地</td>"
    assert html_four.count(marker) == html_one.count(marker) + 3, "the page must show every base"
    assert n_four == n_one, f"results page: {n_one} queries with 1 base, {n_four} with 4"
    excel = []
    for rnd in (one, four):
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(reverse("public:evaluation_results_xlsx", args=[rnd.year])).status_code == 200
        excel.append(len(ctx))
    assert excel[0] == excel[1], f"Excel table: {excel[0]} queries with 1 base, {excel[1]} with 4"


def test_public_evaluation_list(client):
    """The published years: the same with one and three rounds."""
    from tests.evaluations.round_world import world
    from tests.public.test_evaluation_results import published

    w = world(certified=[])
    w.add_bases(2)
    published(w, ["85", "55"], year=2023)
    url = reverse("public:evaluation_list")
    one, html_one = _count(client, url)
    published(w, ["85", "55"], year=2024)
    published(w, ["85", "55"], year=2025)
    three, html_three = _count(client, url)
    assert html_three.count("results.xlsx") == html_one.count("results.xlsx") + 2
    assert three == one, f"{url}: {one} queries with 1 round, {three} with 3"


def test_expert_seat_list(client):
    """我的考核评分: one seat per base of an experts-mode round; the count does not grow with the seats."""
    from evaluations.models import EvaluationSeat
    from evaluations.services import seats as seats_svc
    from tests.evaluations.round_world import world
    from tests.evaluations.scoring_world import scoring_round

    w = world(certified=[])
    expert = f.ExpertProfileFactory()
    years = iter(range(2025, 2035))

    def add(k):
        w.add_bases(k)
        rnd = scoring_round(w, year=next(years), scoring_mode="experts")
        for ev in rnd.evaluations.all():
            if not EvaluationSeat.objects.filter(evaluation__base=ev.base, expert=expert).exists():
                seats_svc.evaluation_panel_draw(evaluation=ev, actor=w.agency, size=1)

    client.force_login(expert.user)
    _grows(client, reverse("evaluations:seat_mine"), add, "科技成果转化中试研究基地</a>")
