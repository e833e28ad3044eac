"""The base lists' keyword search (pilotbase/search.py): exactly the rows ``icontains`` finds on the base's name, its
lead and partner units' names and its certificate number, on SQLite and on PostgreSQL (where the name is served by
the gram index of migration 0014); the lists keep their query counts with a term."""

from datetime import date

import pytest
from django.db import connection
from django.db.models import Q
from django.urls import reverse

from evaluations.selectors_bases import base_list
from pilotbase.models import Base, Certificate
from pilotbase.search import base_search
from reviews.selectors.certification import bases_public
from tests import factories as f

pytestmark = pytest.mark.django_db

TERMS = [
    "科", "技", "基", "Ω", "a", "A", "7",  # one character
    "科技", "技术", "中试", "材料", "地中", "xy", "XY", "ab",  # two
    "中试研", "新材料", "研究基地", "ABC", "abc",  # three and more
    "GXZS", "gxzs-2026", "2026-00", "Z9",  # the certificate number's shape
    "柳州", "有限公司", "测试科技", "北京", "共建", "never", "中 试", "%", "_", "科_", "地柳",
]


def _rows() -> list[Base]:
    """Names, units and certificate numbers that a term can hit in one column, several, or across two (which must
    not match: 地柳 spans a base name and its lead unit's)."""
    plain = f.ApplicantOrgFactory(name="柳州市测试有限公司")
    latin = f.ApplicantOrgFactory(name="Nanning ABC Materials Co")
    partner = f.ApplicantOrgFactory(name="北京共建科技")
    rows = [
        ("广西新材料科技成果转化中试研究基地", "GXZS-2026-001", plain),
        ("柳州中试基地", "GXZS-2026-002", latin),
        ("xyZ 中试研究平台", None, plain),
        ("技", "gxzs-2025-007", latin),
        ("百分之%与下划线_", "A_B%C", latin),
        ("中 试 基 地", "Z9", plain),
        ("Ωmega 科研", None, plain),
    ]
    bases = []
    for i, (name, number, lead) in enumerate(rows):
        base = Base.objects.create(name=name, lead_unit=lead, city=f.city(), industry=f.industry(),
                                   platform_type=f.platform_type(), batch=1, certified_on=date(2024, 1, 1))
        if number:
            Certificate.objects.create(base=base, number=number, year=2024, sequence=i + 1, issued_on=date(2024, 1, 1))
        bases.append(base)
    bases[3].partner_units.add(partner)
    return bases


def _icontains(q: str) -> list[int]:
    hits = (Q(name__icontains=q) | Q(lead_unit__name__icontains=q) | Q(certificate__number__icontains=q)
            | Q(pk__in=Base.objects.filter(partner_units__name__icontains=q).values("pk")))
    return sorted(Base.objects.filter(hits).values_list("pk", flat=True))


@pytest.mark.parametrize("term", TERMS)
def test_search_finds_the_rows_icontains_finds(term):
    _rows()
    found = sorted(base_search(Base.objects.all(), term).values_list("pk", flat=True))
    assert found == _icontains(term.strip())


def test_search_finds_by_each_column_and_nothing_across_two():
    bases = _rows()
    assert {b.name for b in base_search(Base.objects.all(), "中试")} == {
        "广西新材料科技成果转化中试研究基地", "柳州中试基地", "xyZ 中试研究平台"}
    assert {b.certificate.number for b in base_search(Base.objects.all(), "gxzs-2026")} == {
        "GXZS-2026-001", "GXZS-2026-002"}
    assert sorted(b.name for b in base_search(Base.objects.all(), "materials")) == ["技", "柳州中试基地",
                                                                                   "百分之%与下划线_"]
    assert list(base_search(Base.objects.all(), "共建")) == [bases[3]]  # a partner unit
    assert list(base_search(Base.objects.all(), "地柳")) == []  # never across the name and the unit
    assert base_search(Base.objects.all(), "  ").count() == len(bases)


@pytest.mark.parametrize("term", ["科技", "柳州"])
def test_the_lists_find_the_same_bases_and_keep_their_queries(client, department_user, term,
                                                              django_assert_max_num_queries):
    _rows()
    expected = _icontains(term)
    assert sorted(b.pk for b in base_list(department_user, filters={"q": term})) == expected
    assert sorted(b.pk for b in bases_public({"q": term})) == expected
    client.force_login(department_user)
    for url in (reverse("evaluations:base_list"), reverse("public:base_list")):
        with django_assert_max_num_queries(30) as plain:
            client.get(url)
        with django_assert_max_num_queries(30) as searched:
            response = client.get(url, {"q": term})
        assert sorted(b.pk for b in response.context["page"].object_list) == expected
        assert len(searched.captured_queries) == len(plain.captured_queries)


def _plan(sql: str, params) -> str:
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute(f"EXPLAIN {sql}", params)
        return "\n".join(row[0] for row in cursor.fetchall())


@pytest.mark.postgres
@pytest.mark.parametrize("term", ["科技", "GX", "科"])
def test_search_uses_the_gram_index_on_postgres(term):
    """With sequential scans priced out (the test table is tiny), the base's name is the gram index, no LIKE."""
    _rows()
    sql, params = base_search(Base.objects.all(), term).query.sql_with_params()
    plan = _plan(sql, params)
    own = plan[plan.index("SubPlan 1\n"):plan.index("SubPlan 2\n")]  # the base's own name
    assert "Bitmap Index Scan on base_search_grams" in own, plan
    assert "Seq Scan" not in own and "~~" not in own, plan


@pytest.mark.postgres
def test_grams_of_postgres_are_unigrams_and_bigrams_of_the_upper_cased_name():
    with connection.cursor() as cursor:
        cursor.execute("SELECT pilotbase_search_grams('科技a'), pilotbase_query_grams('科技a'),"
                       " pilotbase_query_grams('a'), pilotbase_search_grams('')")
        grams, query, single, empty = cursor.fetchone()
    assert sorted(grams) == sorted(["科", "技", "A", "科技", "技A"])
    assert sorted(query) == ["技A", "科技"]
    assert single == ["A"] and empty == []
    base = _rows()[0]
    Base.objects.filter(pk=base.pk).update(name="量子计算")  # the database keeps the column on UPDATE
    with connection.cursor() as cursor:
        cursor.execute("SELECT search_grams FROM pilotbase_base WHERE id = %s", [base.pk])
        assert sorted(cursor.fetchone()[0]) == sorted(["量", "子", "计", "算", "量子", "子计", "计算"])
