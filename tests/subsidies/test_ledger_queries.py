"""Query counts of the ledger pages: the same with four more rows as with one (after a warm-up request): the
ledger list (staff, an authority, a base's unit; every grouping of the totals), its Excel export, and the base's
page with its money panel."""

from __future__ import annotations

from datetime import date
from io import BytesIO

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from subsidies.models import LedgerKind, SupportKind
from subsidies.selectors.ledger import GROUPS

from .ledger_world import build, make_base, post

pytestmark = pytest.mark.django_db


@pytest.fixture
def w():
    return build()


def _count(client, url: str, data=None):
    client.get(url, data)
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url, data)
    assert response.status_code == 200
    return len(ctx), response


def _adder(w):
    """k more rows, each of a new base in another city, industry and platform type (new totals lines too), and a
    reversed disbursement on A's base."""
    n = iter(range(100))
    cities, industries = ["guilin", "wuzhou", "beihai", "qinzhou"], ["machinery", "marine", "textiles", "new-energy"]

    def add(k):
        for _ in range(k):
            i = next(n)
            base = make_base(f"新增{i}号", w.bases["a"].lead_unit, city=cities[i % 4], industry=industries[i % 4],
                             platform="major-pilot-platform")
            post(base, LedgerKind.GRANT, "12345.67", support=SupportKind.OPERATING, year=2024 + i % 4,
                 on=date(2026, 8, 1))
    return add


@pytest.mark.parametrize(("who", "group"), [("authority", "year"), ("a", "year"),
                                           *(("staff", g) for g in GROUPS)])
def test_ledger_list(client, w, who, group):
    client.force_login(getattr(w, who, None) or w.users[who])
    add = _adder(w)
    url = reverse("subsidies:ledger_list")
    add(1)
    one, r1 = _count(client, url, {"group": group})
    add(3)
    four, r4 = _count(client, url, {"group": group})
    marker = 'id="entry-'
    assert r4.content.decode().count(marker) == r1.content.decode().count(marker) + 3, "the page shows the rows"
    assert four == one, f"{one} queries with 1 new row, {four} with 4"


def test_ledger_list_with_filters(client, w):
    client.force_login(w.staff)
    add = _adder(w)
    url = reverse("subsidies:ledger_list")
    data = {"support": "operating", "kind": "grant", "q": "新增", "group": "city"}
    add(1)
    one, r1 = _count(client, url, data)
    add(3)
    four, r4 = _count(client, url, data)
    assert r4.context["summary"]["n"] == r1.context["summary"]["n"] + 3
    assert four == one


@pytest.mark.parametrize("who", ["staff", "authority"])
def test_ledger_export(client, w, who):
    client.force_login(getattr(w, who))
    add = _adder(w)
    url = reverse("subsidies:ledger_export")
    add(1)
    one, r1 = _count(client, url)
    add(3)
    four, r4 = _count(client, url)
    rows = [len(list(load_workbook(BytesIO(r.content)).active.iter_rows())) for r in (r1, r4)]
    assert rows[1] == rows[0] + 3
    assert four == one


def test_base_page_money_panel(client, w):
    base = w.bases["a"]
    client.force_login(w.users["a"])
    url = reverse("evaluations:base_detail", args=[base.pk])
    n = iter(range(100))

    def add(k):
        for _ in range(k):
            i = next(n)
            wrong = post(base, LedgerKind.DISBURSEMENT, "1000.00", on=date(2026, 9, 1 + i))
            post(base, LedgerKind.REVERSAL, "1000.00", on=date(2026, 9, 2 + i), reverses=wrong, reason="录错")

    add(1)
    one, r1 = _count(client, url)
    add(3)
    four, r4 = _count(client, url)
    marker = 'id="money-'
    assert r4.content.decode().count(marker) == r1.content.decode().count(marker) + 6
    assert four == one, f"{one} queries with 1 new pair of rows, {four} with 4"
