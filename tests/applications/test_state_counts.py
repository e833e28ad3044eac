"""The list's counts strip (applications.selectors.application_state_counts): for every filter, per state, the
number of rows the list holds, as Python counts them; on PostgreSQL it is answered from an index alone (an
index-only scan of `application_state_counts` or of a `(…, state)` index), never from the table's rows."""

from collections import Counter

import pytest
from django.db import connection
from django.urls import reverse

from applications.models import Application, ApplicationState
from applications.selectors import HIDDEN_FROM_REVIEWERS, application_list, application_state_counts
from tests import factories as f
from tests.queries import index_plan

STATES = list(ApplicationState.values)


def _world():
    """Rows in every state (drafts and withdrawn ones too, which reviewers never count), over two calls, two
    authorities, two cities, two industries; a few named 柳州中试基地 and a unit named with 柳州."""
    calls = [f.CallFactory(), f.CallFactory()]
    authorities = [f.AuthorityFactory(), f.AuthorityFactory()]
    units = [f.ApplicantOrgFactory(city=f.city(city), authority=authority, **({"name": "柳州测试有限公司"} if i == 3 else {}))
             for i, (city, authority) in enumerate([("nanning", authorities[0]), ("liuzhou", authorities[0]),
                                                    ("nanning", authorities[1]), ("liuzhou", authorities[1])])]
    industries = [f.industry("new-materials"), f.industry("new-energy")]
    for i in range(30):
        unit = units[i % 4]
        f.ApplicationFactory(state=STATES[i % len(STATES)], call=calls[i % 2], applicant=unit, authority=unit.authority,
                             industry=industries[(i // 3) % 2], name="柳州中试基地" if i % 7 == 0 else "南宁中试基地")
    return {"call": calls, "authority": authorities, "city": [f.city("nanning"), f.city("liuzhou")],
            "industry": industries}


def _python_counts(user_authority, filters) -> dict[str, int]:
    rows = Application.objects.select_related("applicant")
    keep = []
    for a in rows:
        if a.state in HIDDEN_FROM_REVIEWERS or (user_authority and a.authority_id != user_authority.pk):
            continue
        if filters.get("call") and a.call_id != filters["call"].pk:
            continue
        if filters.get("authority") and a.authority_id != filters["authority"].pk:
            continue
        if filters.get("industry") and a.industry_id != filters["industry"].pk:
            continue
        if filters.get("city") and a.applicant.city_id != filters["city"].pk:
            continue
        if filters.get("state") and a.state != filters["state"]:
            continue
        q = filters.get("q", "").upper()
        if q and not any(q in (text or "").upper() for text in (a.name, a.acceptance_no, a.applicant.name)):
            continue
        keep.append(a.state)
    return dict(Counter(keep))


def _filter_sets(world):
    sets = [{}, {"state": ApplicationState.UNDER_REVIEW}, {"state": ApplicationState.CERTIFIED}, {"q": "柳州"},
            {"q": "中试"}, {"q": "量子"}]
    for key, values in world.items():
        sets += [{key: value} for value in values]
    sets += [{"call": world["call"][0], "city": world["city"][1]},
             {"industry": world["industry"][0], "state": ApplicationState.SUBMITTED, "q": "柳州"}]
    return sets


@pytest.mark.django_db
def test_state_counts_equal_the_rows_counted_in_python_for_every_filter(department_user):
    world = _world()
    authority_user = f.AuthorityUserFactory(organization=world["authority"][0])
    for user, authority in ((department_user, None), (authority_user, world["authority"][0])):
        for filters in _filter_sets(world):
            counts = application_state_counts(application_list(user, filters=filters))
            expected = _python_counts(authority, filters)
            assert {value: n for value, _label, n in counts} == expected, (user.username, filters)
            assert [value for value, _label, _n in counts] == [s for s in STATES if s in expected]  # choices' order


@pytest.mark.django_db
def test_department_list_total_is_the_sum_of_the_counts(client, department_user, django_assert_num_queries):
    world = _world()
    client.force_login(department_user)
    with django_assert_num_queries(7):  # the call filter's <select> of calls is the 7th
        response = client.get(reverse("applications:list"), {"call": world["call"][1].pk})
    assert response.context["total"] == sum(_python_counts(None, {"call": world["call"][1]}).values())


# ---- PostgreSQL: the plan --------------------------------------------------------------------------------------
def _count_plan(user, filters) -> str:
    """EXPLAIN of the counts query the strip runs, once the table is vacuumed (its visibility map: in production
    autovacuum's)."""
    return index_plan(lambda: application_state_counts(application_list(user, filters=filters)))


@pytest.mark.postgres
@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's plan (SQLite has no index-only scan to show)")
@pytest.mark.django_db(transaction=True)  # VACUUM refuses to run inside the test's transaction
def test_state_counts_read_an_index_only_on_postgres(department_user):
    world = _world()
    with connection.cursor() as cursor:
        cursor.execute("VACUUM (ANALYZE) applications_application")
    plan = _count_plan(department_user, {})
    assert "Index Only Scan" in plan, plan  # the smallest index holding the state: the new one or a (…, state) one
    # (the city's filter joins the units: on a few rows the planner may start from the city's units and read the
    # applications by applicant; at scale it is this index too, docs/performance.md)
    for filters in ({"state": ApplicationState.UNDER_REVIEW}, {"industry": world["industry"][0]}, {"q": "柳州"}):
        plan = _count_plan(department_user, filters)
        assert "Index Only Scan using application_state_counts on applications_application " in plan, (filters, plan)
    plan = _count_plan(department_user, {"call": world["call"][0]})
    assert "Index Only Scan using" in plan and "Seq Scan on applications_application " not in plan, plan
