"""The application lists' keyword search finds exactly what `icontains` on the three columns finds, and on
PostgreSQL a two-character term is served by the gram index (applications/search.py)."""

import re

import pytest
from django.db import connection
from django.db.models import Q
from django.urls import reverse

from applications.models import Application
from applications.search import application_search
from tests import factories as f
from tests.applications.test_list import _submitted

pytestmark = pytest.mark.django_db

TERMS = [
    "科", "技", "基", "Ω", "a", "A", "7",  # one character
    "科技", "技术", "中试", "材料", "地中", "xy", "XY", "ab",  # two
    "中试研", "新材料", "研究基地", "ABC", "abc",  # three and more
    "gx-2026", "GX", "Gx-2026-", "z9",  # Latin and the acceptance number's shape
    "柳州", "有限公司", "测试科技", "北京", "never", "中 试", "%", "_", "科_",
]


def _rows():
    """Names, acceptance numbers and applicants' names that a term can hit in one column, several, or across
    the separation between them (which must not match)."""
    plain = f.ApplicantOrgFactory(name="柳州市测试有限公司")
    latin = f.ApplicantOrgFactory(name="Nanning ABC Materials Co")
    rows = [
        ("广西新材料科技成果转化中试研究基地", "GX-2026-0001", plain),
        ("柳州中试基地", "GX-2026-0002", latin),
        ("xyZ 中试研究平台", None, plain),
        ("技", "gx-2025-0007", latin),
        ("", "ZZ-9", plain),
        ("百分之%与下划线_", "A_B%C", latin),
        ("中 试 基 地", "GX-2026-0099", f.ApplicantOrgFactory(name="北京中试科技")),
        ("Ωmega 科研", "X", plain),
    ]
    for name, number, applicant in rows:
        f.ApplicationFactory(name=name, acceptance_no=number, applicant=applicant)


def _icontains(q: str) -> list[int]:
    hits = Q(name__icontains=q) | Q(acceptance_no__icontains=q) | Q(applicant__name__icontains=q)
    return sorted(Application.objects.filter(hits).values_list("pk", flat=True))


@pytest.mark.parametrize("term", TERMS)
def test_search_finds_the_rows_icontains_finds(term):
    _rows()
    found = sorted(application_search(Application.objects.all(), term).values_list("pk", flat=True))
    assert found == _icontains(term.strip())


def test_search_finds_by_each_column_and_nothing_else():
    _rows()
    by_name = {a.name for a in application_search(Application.objects.all(), "中试")}
    assert by_name == {"广西新材料科技成果转化中试研究基地", "柳州中试基地", "xyZ 中试研究平台", "中 试 基 地"}
    by_number = {a.acceptance_no for a in application_search(Application.objects.all(), "gx-2026-000")}
    assert by_number == {"GX-2026-0001", "GX-2026-0002"}
    by_unit = application_search(Application.objects.all(), "materials")
    assert sorted(a.name for a in by_unit) == ["技", "柳州中试基地", "百分之%与下划线_"]
    assert list(application_search(Application.objects.all(), "地GX")) == []  # never across two columns


def test_department_list_search_keeps_the_query_count(client, department_user, call, django_assert_num_queries):
    one = _submitted(call, 3, name="柳州中试基地")[0]
    client.force_login(department_user)
    with django_assert_num_queries(6):
        response = client.get(reverse("applications:list"), {"q": "柳州"})
    assert response.context["total"] == 3
    with django_assert_num_queries(6):
        response = client.get(reverse("applications:list"), {"q": one.acceptance_no})
    assert [a.pk for a in response.context["page"]] == [one.pk]


def _plan(sql: str, params) -> str:
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute(f"EXPLAIN {sql}", params)
        return "\n".join(row[0] for row in cursor.fetchall())


@pytest.mark.postgres
@pytest.mark.parametrize("term", ["科技", "GX", "科"])
def test_search_uses_the_gram_index_on_postgres(term):
    """With sequential scans priced out (the test table is tiny), the own columns' half is the gram index."""
    _rows()
    sql, params = application_search(Application.objects.all(), term).query.sql_with_params()
    plan = _plan(sql, params)
    own = re.split(r"SubPlan \d+\n", plan)[1]  # the application's own columns (the first subplan)
    assert "Bitmap Index Scan on application_search_grams" in own, plan
    assert "Seq Scan" not in own and "~~" not in own, plan  # no LIKE over the rows for 1 or 2 characters


@pytest.mark.postgres
def test_grams_of_postgres_are_unigrams_and_bigrams_of_the_upper_cased_text():
    with connection.cursor() as cursor:
        cursor.execute("SELECT applications_search_grams('科技a', NULL), applications_query_grams('科技a'),"
                       " applications_query_grams('a')")
        grams, query, single = cursor.fetchone()
    assert sorted(grams) == sorted(["科", "技", "A", "科技", "技A"])
    assert sorted(query) == ["技A", "科技"]
    assert single == ["A"]


@pytest.mark.postgres
@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's plan")
def test_a_term_in_every_row_reads_the_gram_index_with_the_statistics_saying_so():
    """With statistics that say every row holds the term's gram, the plan still reads the gram index, not every
    row's array (the term's grams are an InitPlan, so the planner does not price them by those statistics)."""
    app = f.ApplicationFactory(name="广西科技中试基地")
    with connection.cursor() as cursor:
        columns = ", ".join(f'"{c.name}"' for c in connection.introspection.get_table_description(
            cursor, "applications_application") if c.name not in ("id", "search_grams"))
        cursor.execute(f"INSERT INTO applications_application ({columns}) SELECT {columns} "
                       "FROM applications_application CROSS JOIN generate_series(1, 2000) WHERE id = %s", [app.pk])
        cursor.execute("ANALYZE applications_application")  # the statistics: 科技 in every row
        cursor.execute("SELECT gin_clean_pending_list('application_search_grams'::regclass)")  # as autovacuum does
    found = application_search(Application.objects.all(), "科技")
    sql, params = found.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN {sql}", params)
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert "Bitmap Index Scan on application_search_grams" in re.split(r"SubPlan \d+\n", plan)[1], plan
    assert found.count() == 2001
