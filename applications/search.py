"""The keyword search of the application lists (基地名称, 受理编号, 申报单位), served by indexes on PostgreSQL.

The rows found are exactly those of ``name__icontains=q | acceptance_no__icontains=q |
applicant__name__icontains=q``, written as ``id IN (own hits) OR applicant_id IN (units hit)``: two hashed
subqueries, each built once from an index or a small table, then tested per row while the list's sort index
is read, so a frequent term stops after one page of rows and a rare one never runs ``LIKE`` over the table:
- the application's own columns: on PostgreSQL the generated column ``search_grams`` holds the character
  unigrams and bigrams of each of the upper-cased name and acceptance number, under a GIN index (migration
  0007). Every bigram of a term (its only character, for a one-character term) is a gram of every text that
  contains the term, so ``search_grams @> grams(q)`` never drops a row the ``LIKE`` keeps; for three and more
  characters the ``LIKE`` after it drops the extra ones, for one or two the grams are the answer. Trigrams
  (pg_trgm) cannot serve the two-character terms Chinese search is made of. On SQLite: the ``LIKE`` alone.
- the applicant's name: matched in the organisations table (one row per unit: small).

A queue's rows (a check, a recommendation: ``prefix="application__"``, ``applicant="queue_applicant"``) are
tested on their own columns, ``application_id`` against the own hits and the stored copy of the applicant
(reviews migration 0008) against the units, never on a column of the joined application: the join in the WHERE
clause made the planner hash-join the whole queue and sort every hit, where now it reads the queue's sort index
and stops after a page (the formal-check queue, a term in every row).
"""

from __future__ import annotations

from django.db import connections
from django.db.models import BooleanField, F, Func, Q, QuerySet, Value
from django.db.models.fields import TextField

from pilotbase.models import Organization

from .models import Application


class GramsContain(Func):
    """``<table>.search_grams @> (SELECT applications_query_grams(q))`` (PostgreSQL only; the column is the
    migration's). The term's grams are an InitPlan, computed once, not a constant the planner folds: with the
    constant it read the grams' frequencies and, for a term in every row, chose a sequential scan testing ``@>``
    on each row's array (57–93 ms at 20,000 rows; the operator is priced as one comparison) over the GIN bitmap
    scan of the same rows (16–28 ms). Without it the planner takes the default selectivity: the index, always."""

    output_field = BooleanField()

    def as_sql(self, compiler, connection, **extra_context):
        column, term = self.get_source_expressions()
        table = compiler.quote_name_unless_alias(column.alias)
        term_sql, term_params = compiler.compile(term)
        return f"{table}.search_grams @> (SELECT applications_query_grams({term_sql}))", term_params


def application_search(qs: QuerySet, q: str, *, prefix: str = "", applicant: str = "") -> QuerySet:
    """`qs` (of applications, or of rows reaching one through `prefix`, e.g. ``"application__"``) where the
    term `q` is in the application's name, its acceptance number or its applicant's name. `applicant`: the row's
    own copy of its application's applicant (a queue's ``queue_applicant``), tested instead of the joined one."""
    q = (q or "").strip()
    if not q:
        return qs
    like = Q(name__icontains=q) | Q(acceptance_no__icontains=q)
    if connections[qs.db].vendor == "postgresql":
        grams = GramsContain(F("id"), Value(q, output_field=TextField()))
        # one or two characters: holding the term's only gram is holding the term (grams are per column)
        own = Application.objects.filter(grams) if len(q) <= 2 else Application.objects.filter(grams, like)
    else:
        own = Application.objects.filter(like)
    units = Organization.objects.order_by().filter(name__icontains=q).values("pk")
    own = own.order_by().values("pk")
    if prefix:  # a queue's rows: tested on their own columns (the application's id, the applicant's copy)
        return qs.filter(Q(**{f"{prefix}pk__in": own}) | Q(**{f"{applicant or prefix + 'applicant_id'}__in": units}))
    return qs.filter(Q(pk__in=own) | Q(applicant_id__in=units))
