"""A queue's keyword (?q=): the checks and recommendations whose application's name, acceptance number or applicant's
name holds the term, as `icontains` finds them, tested on the queue row's own columns (its `application_id`, its
copy of the applicant), never on a column of the joined application: so the queue's sort index still serves the
page (applications/search.py)."""

import re

import pytest
from django.db import connection
from django.db.models import Q
from django.urls import reverse

from applications.models import Application, ApplicationState
from reviews.models import FormalCheck, Recommendation
from reviews.selectors.recommendation import formal_check_queue, recommendation_queue
from tests import factories as f

pytestmark = pytest.mark.django_db

TERMS = ["柳州", "钦州", "GX-2026-0003", "gx-2026", "科技", "中试", "量子", "柳"]


@pytest.fixture
def queues(applicant, authority_org):
    """Six submitted applications of the authority, two named 柳州…, one of a unit named 钦州…, each with a
    recommendation and a formal check."""
    unit = f.ApplicantOrgFactory(name="钦州测试材料有限公司", authority=authority_org)
    for i in range(6):
        app = f.ApplicationFactory(applicant=unit if i == 4 else applicant.organization, authority=authority_org,
                                   name="柳州中试基地" if i in (1, 2) else "南宁新材料科技中试基地")
        Application.objects.filter(pk=app.pk).update(state=ApplicationState.SUBMITTED, acceptance_no=f"GX-2026-{i:04d}")
        Recommendation.objects.create(application=app, authority=authority_org)
        FormalCheck.objects.create(application=app)


def _hits(term: str) -> set[int]:
    term = term.strip()
    found = Q(name__icontains=term) | Q(acceptance_no__icontains=term) | Q(applicant__name__icontains=term)
    return set(Application.objects.filter(found).values_list("pk", flat=True))


@pytest.mark.parametrize("term", TERMS)
def test_each_queue_finds_the_applications_icontains_finds(queues, term, authority_user, department_user):
    checks = formal_check_queue(user=department_user, q=term)
    recs = recommendation_queue(user=authority_user, q=term)
    assert {c.application_id for c in checks} == _hits(term)
    assert {r.application_id for r in recs} == _hits(term)


def test_the_keyword_tests_the_rows_own_columns(queues, authority_user, department_user):
    """No condition on the joined application's columns: the WHERE reads the row's application_id and its copy of
    the applicant only."""
    for qs, table in ((formal_check_queue(user=department_user, q="柳州"), "reviews_formalcheck"),
                      (recommendation_queue(user=authority_user, q="柳州"), "reviews_recommendation")):
        where = str(qs.query).split(" WHERE ", 1)[1]
        assert f'"{table}"."application_id" IN (SELECT' in where, where
        assert f'"{table}"."queue_applicant" IN (SELECT' in where, where
        assert '"applications_application".' not in where.split(" ORDER BY ")[0], where


def test_queue_pages_with_a_keyword_keep_their_query_counts(client, queues, authority_user, department_user,
                                                            django_assert_num_queries):
    client.force_login(department_user)
    with django_assert_num_queries(6):  # the page's COUNT of the hits: the tabs count every check
        response = client.get(reverse("reviews:fc_queue"), {"q": "柳州"})
    assert {c.application_id for c in response.context["page"]} == _hits("柳州")
    client.force_login(authority_user)
    with django_assert_num_queries(7):
        response = client.get(reverse("reviews:rec_queue"), {"q": "钦州"})
    assert {r.application_id for r in response.context["page"]} == _hits("钦州")


@pytest.mark.postgres
@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's plan")
@pytest.mark.parametrize("which", ["formal check", "recommendation"])
def test_a_keyword_queue_reads_its_sort_index_with_the_keyword_on_its_own_rows(queues, which, authority_user,
                                                                               department_user):
    """With sorting priced out (the tables are tiny) the plan walks the queue's index, and the keyword is that
    scan's own filter (both subqueries hashed), not a condition of a join above it."""
    qs, index = ((formal_check_queue(user=department_user, q="科技"), "formalcheck_queue") if which == "formal check"
                 else (recommendation_queue(user=authority_user, q="科技"), "recommendation_queue"))
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("SET LOCAL enable_sort = off")
        plan = qs[:20].explain()
    scan = re.search(rf"Index Scan using {index} on \w+ .*\n(?:\s+Index Cond: .*\n)?\s+Filter: (.*)", plan)
    assert scan, plan
    assert re.fullmatch(r"\(\(hashed SubPlan \d+\) OR \(hashed SubPlan \d+\)\)", scan.group(1)), plan
    assert "Sort" not in plan and "Join Filter" not in plan, plan
