"""The keyword search of the base lists (基地名录, the public directory, the open API): a term in the base's name,
its lead or a partner unit's name or its certificate number, exactly the rows of ``icontains`` on those columns.

Written as four hashed subqueries, ``id IN (names hit) OR lead_unit_id IN (units hit) OR id IN (partners of units
hit) OR id IN (certificates hit)``, each built once from an index or a small table, so the cost follows the hits
and the bases are not joined to their units and certificates to run four ``LIKE`` per row. The base's own name:
on PostgreSQL the generated column ``search_grams`` (migration 0014) holds the character unigrams and bigrams of the
upper-cased name under a GIN index, the design of applications/search.py (a term's bigrams, or its only character,
are grams of every name containing it: never a row lost; for one or two characters the grams are the answer, for
more the ``LIKE`` follows on the candidates). On SQLite: the ``LIKE`` alone.
"""

from __future__ import annotations

from django.db import connections
from django.db.models import BooleanField, F, Func, Q, QuerySet, Value
from django.db.models.fields import TextField

from .models import Base, Certificate, Organization


class BaseGramsContain(Func):
    """``<table>.search_grams @> pilotbase_query_grams(q)`` (PostgreSQL only; the column is the migration's)."""

    output_field = BooleanField()

    def as_sql(self, compiler, connection, **extra_context):
        column, term = self.get_source_expressions()
        table = compiler.quote_name_unless_alias(column.alias)
        term_sql, term_params = compiler.compile(term)
        return f"{table}.search_grams @> pilotbase_query_grams({term_sql})", term_params


def base_search(qs: QuerySet[Base], q: str) -> QuerySet[Base]:
    """`qs` where the term `q` is in the base's name, its lead or a partner unit's name or its certificate number."""
    q = (q or "").strip()
    if not q:
        return qs
    if connections[qs.db].vendor == "postgresql":
        grams = BaseGramsContain(F("id"), Value(q, output_field=TextField()))
        # one or two characters: holding the term's only gram is holding the term
        own = Base.objects.filter(grams) if len(q) <= 2 else Base.objects.filter(grams, name__icontains=q)
    else:
        own = Base.objects.filter(name__icontains=q)
    units = Organization.objects.order_by().filter(name__icontains=q).values("pk")
    partners = Base.partner_units.through.objects.filter(organization_id__in=units).values("base_id")
    certificates = Certificate.objects.order_by().filter(number__icontains=q).values("base_id")
    return qs.filter(Q(pk__in=own.order_by().values("pk")) | Q(lead_unit_id__in=units) | Q(pk__in=partners)
                     | Q(pk__in=certificates))
