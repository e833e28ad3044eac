"""The keyword search of the application lists (基地名称, 受理编号, 申报单位), served by an index on PostgreSQL.

The rows found are exactly those of ``name__icontains=q | acceptance_no__icontains=q |
applicant__name__icontains=q``. On PostgreSQL a GIN index over the character unigrams and bigrams of the
upper-cased name and acceptance number (`applications_search_grams`, migration 0007) narrows the rows
first: every bigram of a term (its only character, for a one-character term) is a gram of each text that
contains it, so the index never drops a row the ``LIKE`` would keep, and the ``LIKE`` after it drops the
extra ones. Trigrams (pg_trgm) cannot serve the two-character terms Chinese search is made of. The
applicant's name is matched in the organisations table (one row per unit: small) and its ids are handed to
the applications' ``applicant_id`` index as an array, so both halves of the ``OR`` are index scans. On
SQLite there is no such index: the same filter without the gram condition.
"""

from __future__ import annotations

from django.db import connections
from django.db.models import BooleanField, F, Func, Q, QuerySet, Subquery, Value
from django.db.models.fields import TextField

from pilotbase.models import Organization

GRAMS_FUNCTION = "applications_search_grams"
QUERY_GRAMS_FUNCTION = "applications_query_grams"


class GramsContain(Func):
    """``applications_search_grams(name, acceptance_no) @> applications_query_grams(q)`` (PostgreSQL only):
    the expression of the index `application_search_grams`, so the planner can use it."""

    output_field = BooleanField()

    def as_sql(self, compiler, connection, **extra_context):
        name, acceptance_no, term = (compiler.compile(e) for e in self.get_source_expressions())
        sql = f"{GRAMS_FUNCTION}({name[0]}, {acceptance_no[0]}) @> {QUERY_GRAMS_FUNCTION}({term[0]})"
        return sql, (*name[1], *acceptance_no[1], *term[1])


class EqualsAnyOf(Func):
    """``column = ANY(ARRAY(subquery))`` (PostgreSQL): the subquery runs once, before the scan, and its ids
    are an index condition; a plain ``IN (subquery)`` inside an ``OR`` is a filter tested on every row."""

    output_field = BooleanField()

    def as_sql(self, compiler, connection, **extra_context):
        column, subquery = (compiler.compile(e) for e in self.get_source_expressions())
        return f"{column[0]} = ANY(ARRAY{subquery[0]})", (*column[1], *subquery[1])


def application_search(qs: QuerySet, q: str, *, prefix: str = "") -> QuerySet:
    """`qs` (of applications, or of rows reaching one through `prefix`, e.g. ``"application__"``) where the
    term `q` is in the application's name, its acceptance number or its applicant's name."""
    q = (q or "").strip()
    if not q:
        return qs
    units = Organization.objects.filter(name__icontains=q).order_by().values("pk")
    own = Q(**{f"{prefix}name__icontains": q}) | Q(**{f"{prefix}acceptance_no__icontains": q})
    if connections[qs.db].vendor == "postgresql":
        grams = GramsContain(F(f"{prefix}name"), F(f"{prefix}acceptance_no"), Value(q, output_field=TextField()))
        by_unit = EqualsAnyOf(F(f"{prefix}applicant_id"), Subquery(units))
        return qs.filter((Q(grams) & own) | Q(by_unit))
    return qs.filter(own | Q(**{f"{prefix}applicant_id__in": units}))

