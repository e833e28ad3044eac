"""Keyset ("seek") pagination behind ordinary page numbers: a deep page without a deep OFFSET over wide rows.

The 下一页 / 上一页 links carry, besides ``page=N``, the sort key of the row they continue from
(``after=`` the last row of this page, ``before=`` its first), and that page is read as
``WHERE (k1, k2) < (v1, v2) ORDER BY k1 DESC, k2 DESC LIMIT n``: the index on the sort key is entered at the
row and read for n rows, whatever the depth. A bare ``?page=N`` (typed, bookmarked, or a link whose cursor does
not parse) compares with the key of the page's first row found by a subquery over the key columns alone
(``(k1, k2) <= (SELECT k1, k2 … OFFSET m LIMIT 1)``: an index-only scan where an index covers the sort and the
filters), so the joined rows are built for this page only. A sort with a key that is not on the row or is NULL
uses the paginator's OFFSET. Every path costs the same single query for the rows.
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
from django.db.models import BooleanField, F, Func, QuerySet, Subquery, Value
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


def _fields(qs: QuerySet, keys: tuple[str, ...]) -> list | None:
    """The model fields of `keys` (``"-submitted_at"``…), all in one direction and on the row itself; else None."""
    if not keys or not all(isinstance(k, str) for k in keys) or len({k.startswith("-") for k in keys}) != 1:
        return None
    try:
        return [qs.model._meta.get_field(k.lstrip("-")) for k in keys]
    except FieldDoesNotExist:
        return None


def _encode(obj: Any, fields: list) -> str:
    values = [f.value_from_object(obj) for f in fields]
    if any(v is None for v in values):
        return ""
    raw = json.dumps([v.isoformat() if hasattr(v, "isoformat") else str(v) for v in values])
    return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")


def _decode(cursor: str, fields: list, db: str) -> list | None:
    try:
        raw = json.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
        if not isinstance(raw, list) or len(raw) != len(fields) or not all(isinstance(v, str) for v in raw):
            return None
        values = [f.to_python(v) for f, v in zip(fields, raw, strict=True)]
    except (ValueError, TypeError, ValidationError, binascii.Error, UnicodeDecodeError):
        return None
    return values if all(_fits(f, v, db) for f, v in zip(fields, values, strict=True)) else None


def _fits(field: Any, value: Any, db: str) -> bool:
    """A value the database takes for this column: an id beyond bigint or a naive time would be an error
    or a warning, not a page."""
    if value is None or (isinstance(value, datetime) and timezone.is_naive(value)):
        return False
    if isinstance(value, int) and not isinstance(value, bool):
        low, high = connections[db].ops.integer_field_range(field.get_internal_type())
        return (low is None or value >= low) and (high is None or value <= high)
    return True


def cursor_after(qs: QuerySet, obj: Any) -> str:
    """The ``after=`` value of a link to the page that follows `obj` in `qs` ("" where the sort cannot seek)."""
    fields = _fields(qs, tuple(qs.query.order_by))
    return _encode(obj, fields) if fields else ""


def keyset_page(qs: QuerySet, params: Any, *, count: int, per_page: int) -> Page:
    """The page that `params` (``request.GET``) asks for of `qs` (in its ``order_by``), whose total is `count`
    (already known to the caller: no COUNT here). The page has ``next_cursor`` and ``previous_cursor`` for the
    links ("" where none serves)."""
    paginator = Paginator(qs, per_page)
    paginator.count = count
    try:  # like Paginator.get_page: not a number → the first page, past the end → the last
        number = paginator.validate_number(params.get("page") or 1)
    except PageNotAnInteger:
        number = 1
    except EmptyPage:
        number = paginator.num_pages
    keys = tuple(qs.query.order_by)
    fields = _fields(qs, keys)
    page = _seek(qs, params, fields, keys, number, paginator) if fields else None
    if page is None:
        page = paginator.page(number)
    rows = list(page.object_list)
    page.object_list = rows
    page.next_cursor = _encode(rows[-1], fields) if fields and rows and page.has_next() else ""
    page.previous_cursor = _encode(rows[0], fields) if fields and rows and number > 2 else ""
    return page


def _seek(qs, params, fields, keys, number, paginator) -> Page | None:
    """Page `number` (> 1) read from the row its link names, or else from the key of its first row, found by a
    subquery over the sort key's columns alone (an index-only scan of the index on them: the wide joined rows
    are read for this page only). None where neither serves: the caller reads the page by OFFSET."""
    if number == 1:
        return None
    descending = keys[0].startswith("-")
    columns = [F(f.attname) for f in fields]
    direction = "after" if params.get("after") else "before" if params.get("before") else ""
    values = _decode(params.get(direction, ""), fields, qs.db) if direction else None
    if values is not None:
        bound = [Value(v, output_field=f) for f, v in zip(fields, values, strict=True)]
        op = OPS[(direction, descending)]
    else:
        direction, op = "after", "<=" if descending else ">="
        start = (number - 1) * paginator.per_page
        first = qs.order_by(*keys).values_list(*(f.attname for f in fields))[start:start + 1]
        bound = [Subquery(first)]
    seek = qs.filter(RowCompare(columns, bound, op))
    if direction == "before":
        rows = list(seek.reverse()[:paginator.per_page])[::-1]
    else:
        rows = list(seek[:paginator.per_page])
    if not rows:  # the rows moved away since the link was made: the page by number
        return None
    return Page(rows, number, paginator)
