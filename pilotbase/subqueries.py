"""Subqueries the ORM does not spell well. `InSubquery`: `column = ANY(ARRAY(subquery))`, the membership test that keeps an OR of two indexed conditions indexed.

`Q(applicant_id=org) | Q(pk__in=partner_of)` compiles to `applicant_id = 27 OR id IN (SELECT …)`, which PostgreSQL
runs as a hashed subplan tested on every row: a sequential scan of the whole table, however few rows either side
finds (an applicant's 我的申报 read all 20,000 applications, 30 ms, at the bench's scale). With the subquery as an
array (an InitPlan computed once) both sides are index conditions and the planner ORs two bitmap index scans
(0.2 ms). Meant for subqueries that return a handful of ids (a unit's partnerships, one record's decisions): the
planner does not know the array's length and assumes a small one. Other databases get the plain `IN`. `CountOf`: a queryset's count as a scalar subquery (below)."""

from __future__ import annotations

from django.db.models import BooleanField, F, Func, IntegerField, QuerySet, Subquery


class InSubquery(Func):
    conditional = True
    output_field = BooleanField()

    def __init__(self, column: str, subquery: QuerySet) -> None:
        super().__init__(F(column), Subquery(subquery))

    def as_sql(self, compiler, connection, **extra_context):
        (lhs, lhs_params), (rhs, rhs_params) = (compiler.compile(e) for e in self.get_source_expressions())
        return f"{lhs} IN {rhs}", (*lhs_params, *rhs_params)

    def as_postgresql(self, compiler, connection, **extra_context):
        (lhs, lhs_params), (rhs, rhs_params) = (compiler.compile(e) for e in self.get_source_expressions())
        return f"{lhs} = ANY(ARRAY{rhs})", (*lhs_params, *rhs_params)


class CountOf(Subquery):
    """`(SELECT COUNT(*) FROM (subquery))`: the rows of a filtered queryset counted as a scalar of another query.
    Uncorrelated, it is computed once (an InitPlan) over the filter's own columns, so a panel's "first five and the
    total" costs one query without joining every matching row the way `COUNT(*) OVER ()` does."""

    template = "(SELECT COUNT(*) FROM (%(subquery)s) AS counted)"
    output_field = IntegerField()

    def __init__(self, queryset: QuerySet) -> None:
        super().__init__(queryset.order_by().values("pk"))
