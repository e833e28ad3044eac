"""Keyset ("seek") pagination behind ordinary page numbers: a deep page without a deep OFFSET over wide rows.

The 下一页 / 上一页 links carry, besides ``page=N``, the sort key of the row they continue from
(``after=`` the last row of this page, ``before=`` its first), and that page is read as
``WHERE (k1, k2) < (v1, v2) ORDER BY k1 DESC, k2 DESC LIMIT n``: the index on the sort key is entered at the
row and read for n rows, whatever the depth. A bare ``?page=N`` (typed, bookmarked, or a link whose cursor does
not parse) compares with the key of the page's first row found by a subquery over the key columns alone
(``(k1, k2) <= (SELECT k1, k2 … OFFSET m LIMIT 1)``: an index-only scan where an index covers the sort and the
filters), so the joined rows are built for this page only. Every path costs the same single query for the rows.

Keys may be the row's columns (a generated one too: the queues' ``queue_pending``), annotations (a ``Case`` with a
default, a ``Coalesce``: trusted to be NOT NULL) and joined columns that are NOT NULL along their whole path
(``application__authority__name``: the page selects them under an alias to write the cursor). Keys in mixed
directions (``-certified_on, batch, id``) compare by the expanded form ``k1 < v1 OR (k1 = v1 AND k2 > v2) OR …``,
the by-number bound one subquery per key. A sort by a relation (its model's ordering), an expression or a column
that may be NULL uses the paginator's OFFSET.
"""

from __future__ import annotations

import base64
import binascii
import json
from datetime import datetime
from typing import Any

from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.core.paginator import EmptyPage, Page, PageNotAnInteger, Paginator
from django.db import connections
from django.db.models import BooleanField, F, Func, GeneratedField, Q, QuerySet, Subquery, Value
from django.utils import timezone

OPS = {("after", False): ">", ("after", True): "<", ("before", False): "<", ("before", True): ">"}


class RowCompare(Func):
    """``(a, b) < (x, y)``: a row-value comparison, an index condition of a composite index on PostgreSQL and
    understood by SQLite ≥ 3.15."""

    output_field = BooleanField()

    def __init__(self, columns: list, values: list, op: str):
        self.op, self.width = op, len(columns)
        super().__init__(*columns, *values)

    def as_sql(self, compiler, connection, **extra_context):
        parts = [compiler.compile(e) for e in self.get_source_expressions()]
        left, right = parts[:self.width], parts[self.width:]
        rhs = right[0][0] if len(right) == 1 else f"({', '.join(s for s, _p in right)})"  # a subquery: a row already
        sql = f"({', '.join(s for s, _p in left)}) {self.op} {rhs}"
        return sql, tuple(p for _s, params in parts for p in params)


class Key:
    """One sort key: `ref` is what a filter names (a field, an annotation, or the alias of a joined column the page
    adds), `attr` the attribute holding its value on a row, `field` its type (for decoding a cursor)."""

    def __init__(self, ref: str, attr: str, field: Any, descending: bool):
        self.ref, self.attr, self.field, self.descending = ref, attr, field, descending


def _keys(qs: QuerySet, order: tuple) -> tuple[QuerySet, list[Key]] | None:
    """The sort keys of `order` and `qs` with the aliases its joined keys need; None where the sort cannot seek:
    a key that is an expression, a relation (sorted by the related model's ordering) or a joined column that is
    NULL somewhere on its path (a NULL in a row-value comparison drops the row). An annotation is trusted to be
    NOT NULL (a `Case` with a default, a `Coalesce`): the caller who sorts by it says so."""
    if not order or not all(isinstance(k, str) and k.lstrip("-") for k in order):
        return None
    keys, aliases = [], {}
    for i, key in enumerate(order):
        name, descending = key.lstrip("-"), key.startswith("-")
        if name in qs.query.annotations:
            keys.append(Key(name, name, qs.query.annotations[name].output_field, descending))
            continue
        path = name.split("__")
        model, fields = qs.model, []
        try:
            for part in path:
                field = model._meta.get_field(part)
                fields.append(field)
                model = field.related_model if field.is_relation else None
                if model is None and part != path[-1]:
                    return None
        except FieldDoesNotExist:
            return None
        last = fields[-1]
        if last.is_relation and path[-1] != last.attname:  # "city": sorted by City's own ordering
            return None
        # "city_id": the type of the id it holds; a generated column: the type it computes
        column = last.target_field if last.is_relation else last.output_field if isinstance(last, GeneratedField) else last
        if len(path) == 1:
            keys.append(Key(last.attname, last.attname, column, descending))
            continue
        if any(f.null or not f.concrete or f.many_to_many or f.one_to_many for f in fields):
            return None
        alias = f"keyset_{i}"
        aliases[alias] = F(name)
        keys.append(Key(alias, alias, column, descending))
    return (qs.annotate(**aliases) if aliases else qs), keys


def _encode(obj: Any, keys: list[Key]) -> str:
    values = [getattr(obj, k.attr, None) for k in keys]
    if any(v is None for v in values):
        return ""
    raw = json.dumps([v.isoformat() if hasattr(v, "isoformat") else str(v) for v in values])
    return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")


def _decode(cursor: str, keys: list[Key], db: str) -> list | None:
    try:
        raw = json.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
        if not isinstance(raw, list) or len(raw) != len(keys) or not all(isinstance(v, str) for v in raw):
            return None
        values = [k.field.to_python(v) for k, v in zip(keys, raw, strict=True)]
    except (ValueError, TypeError, ValidationError, binascii.Error, UnicodeDecodeError):
        return None
    return values if all(_fits(k.field, v, db) for k, v in zip(keys, values, strict=True)) else None


def _fits(field: Any, value: Any, db: str) -> bool:
    """A value the database takes for this column: an id beyond bigint or a naive time would be an error
    or a warning, not a page."""
    if value is None or (isinstance(value, datetime) and timezone.is_naive(value)):
        return False
    if isinstance(value, int) and not isinstance(value, bool):
        try:
            low, high = connections[db].ops.integer_field_range(field.get_internal_type())
        except KeyError:  # a type the backend has no range for: not checkable, so the page by number
            return False
        return (low is None or value >= low) and (high is None or value <= high)
    return True


def cursor_after(qs: QuerySet, obj: Any) -> str:
    """The ``after=`` value of a link to the page that follows `obj` in `qs` ("" where the sort cannot seek;
    `obj` must be a row of the queryset `keyset_page` reads, which has the joined keys' aliases)."""
    found = _keys(qs, tuple(qs.query.order_by))
    return _encode(obj, found[1]) if found else ""


PAGE_PARAMS = ("page", "after", "before")  # the pagination's own query parameters


def without_page_params(params: Any) -> str:
    """The query string of a list's filters (for its page and export links): `params` less the pagination's own."""
    params = params.copy()
    for name in PAGE_PARAMS:
        params.pop(name, None)
    return params.urlencode()


def keyset_page(qs: QuerySet, params: Any, *, count: int, per_page: int) -> Page:
    """The page that `params` (``request.GET``) asks for of `qs` (in its ``order_by``), whose total is `count`
    (already known to the caller: no COUNT here). The page has ``next_cursor`` and ``previous_cursor`` for the
    links ("" where none serves)."""
    found = _keys(qs, tuple(qs.query.order_by))
    keys = None
    if found:
        qs, keys = found
    paginator = Paginator(qs, per_page)
    paginator.count = count
    try:  # like Paginator.get_page: not a number → the first page, past the end → the last
        number = paginator.validate_number(params.get("page") or 1)
    except PageNotAnInteger:
        number = 1
    except EmptyPage:
        number = paginator.num_pages
    page = _seek(qs, params, keys, number, paginator) if keys else None
    if page is None:
        page = paginator.page(number)
    rows = list(page.object_list)
    page.object_list = rows
    page.next_cursor = _encode(rows[-1], keys) if keys and rows and page.has_next() else ""
    page.previous_cursor = _encode(rows[0], keys) if keys and rows and number > 2 else ""
    return page


def _beyond(keys: list[Key], bounds: list, direction: str, inclusive: bool) -> Q:
    """Rows after (or before) the bound in the sort's order, for keys in mixed directions:
    ``k1 > v1 OR (k1 = v1 AND k2 < v2) OR …`` (with the last key's equality too where `inclusive`)."""
    where, equal = None, Q()
    for i, (key, bound) in enumerate(zip(keys, bounds, strict=True)):
        lookup = "gt" if (direction == "after") != key.descending else "lt"  # after an ascending key: greater
        if inclusive and i == len(keys) - 1:
            lookup += "e"
        term = equal & Q(**{f"{key.ref}__{lookup}": bound})
        where = term if where is None else where | term
        equal &= Q(**{key.ref: bound})
    return where


def _seek(qs, params, keys, number, paginator) -> Page | None:
    """Page `number` (> 1) read from the row its link names, or else from the key of its first row, found by a
    subquery over the sort key's columns alone (an index-only scan of the index on them: the wide joined rows
    are read for this page only). None where neither serves: the caller reads the page by OFFSET."""
    if number == 1:
        return None
    order = tuple(qs.query.order_by)
    one_way = len({k.descending for k in keys}) == 1
    direction = "after" if params.get("after") else "before" if params.get("before") else ""
    values = _decode(params.get(direction, ""), keys, qs.db) if direction else None
    inclusive = values is None
    if values is not None:
        bounds = [Value(v, output_field=k.field) for k, v in zip(keys, values, strict=True)]
    else:
        direction = "after"
        start = (number - 1) * paginator.per_page
        ordered = qs.order_by(*order)
        if one_way:  # one row-valued subquery; in mixed directions one per key (each an InitPlan, run once)
            bounds = [Subquery(ordered.values_list(*(k.ref for k in keys))[start:start + 1])]
        else:
            bounds = [Subquery(ordered.values_list(k.ref)[start:start + 1]) for k in keys]
    if one_way:
        op = OPS[(direction, keys[0].descending)]
        if inclusive:
            op += "="
        seek = qs.filter(RowCompare([F(k.ref) for k in keys], bounds, op))
    else:
        seek = qs.filter(_beyond(keys, bounds, direction, inclusive))
    if direction == "before":
        rows = list(seek.reverse()[:paginator.per_page])[::-1]
    else:
        rows = list(seek[:paginator.per_page])
    if not rows:  # the rows moved away since the link was made: the page by number
        return None
    return Page(rows, number, paginator)
