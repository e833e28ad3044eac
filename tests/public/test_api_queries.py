"""Query counts of the open-data API's lists (and the lists inside a notice and a year's results): the count with
more rows equals the count with fewer (after one warm-up request, so per-process caches such as content types are
full)."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from evaluations.services import rectification as rect_svc
from pilotbase.models import Base
from tests import factories as f
from tests.evaluations.round_world import world

from .api_world import published_round

pytestmark = pytest.mark.django_db


def _count(client, url: str) -> tuple[int, dict]:
    client.get(url)  # warm-up
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(ctx), response.json()


def test_base_list(client):
    """Bases with partner units, a published grade, one rectifying: 1 base, then 4."""
    w = world(certified=[])
    url = reverse("api:base_list")

    def add(k: int) -> None:
        for base in w.add_bases(k):
            base.partner_units.add(f.ApplicantOrgFactory(), f.ApplicantOrgFactory())

    add(1)
    published_round(w, ["85"], year=2024)
    one, data_one = _count(client, url)
    add(3)
    rect_svc.rectification_order(base=Base.objects.order_by("id").last(), actor=w.staff, year=2024, reason="检查发现。",
                                 requirements="完善制度。")
    four, data_four = _count(client, url)
    assert (data_one["count"], data_four["count"]) == (1, 4)
    assert {len(b["partner_units"]) for b in data_four["results"]} == {2}
    assert four == one, f"{url}: {one} queries with 1 base, {four} with 4"


def test_notice_and_result_lists_and_details(client):
    """One published round of 1 base, then another of 4: the notice and result lists (1 row, then 2) and the
    notice's lines and the year's results (1, then 4) cost the same."""
    w = world(certified=[])
    w.add_bases(1)
    first = published_round(w, ["85"], year=2024)
    lists = {name: _count(client, reverse(name)) for name in ("api:notice_list", "api:result_list")}
    details = [_count(client, reverse("api:notice_detail", args=[first.notice_id])),
               _count(client, reverse("api:result_detail", args=[first.year]))]
    w.add_bases(3)
    second = published_round(w, ["85", "70", "55", "30"], year=2025)
    for name, (n_one, data_one) in lists.items():
        n_two, data_two = _count(client, reverse(name))
        assert (data_one["count"], data_two["count"]) == (1, 2), name
        assert n_two == n_one, f"{name}: {n_one} queries with 1 row, {n_two} with 2"
    (n_notice, notice), (n_result, result) = details
    n_notice4, notice4 = _count(client, reverse("api:notice_detail", args=[second.notice_id]))
    n_result4, result4 = _count(client, reverse("api:result_detail", args=[second.year]))
    assert (len(notice["entries"]), len(notice4["entries"])) == (1, 4)
    assert (len(result["results"]), len(result4["results"])) == (1, 4)
    assert n_notice4 == n_notice, f"notice detail: {n_notice} queries with 1 line, {n_notice4} with 4"
    assert n_result4 == n_result, f"result detail: {n_result} queries with 1 base, {n_result4} with 4"


def _offer(w, base, k: int) -> None:
    """k public catalogue entries of the base, by its keeper, the contacts alternately public and private."""
    from tests.sharing.conftest import add_offering

    start = base.service_offerings.count()
    for i in range(start, start + k):
        add_offering(base, w.base_user(base), title=f"检测服务{base.pk}-{i}", contact_public=bool(i % 2))


@pytest.mark.parametrize("query", ["", "?status=active", "?page_size=10"])
def test_base_list_with_service_catalogues(client, query):
    """The catalogue inside each base (sharing.ServiceOffering, public entries): 1 base with 1 entry, then 4 bases
    with 2 each; the filtered and the paged lists too."""
    w = world(certified=[])
    url = reverse("api:base_list") + query
    for base in w.add_bases(1):
        _offer(w, base, 1)
    one, data_one = _count(client, url)
    _offer(w, w.bases[0], 1)
    for base in w.add_bases(3):
        _offer(w, base, 2)
    four, data_four = _count(client, url)
    assert (data_one["count"], data_four["count"]) == (1, 4)
    assert [len(b["services"]) for b in data_four["results"]] == [2, 2, 2, 2]
    assert four == one, f"{url}: {one} queries with 1 base and 1 entry, {four} with 4 bases and 8 entries"


def test_base_detail_with_its_catalogue(client):
    """One base's record: the same queries with 1 catalogue entry as with 4."""
    w = world(certified=[])
    base = w.add_bases(1)[0]
    base.partner_units.add(f.ApplicantOrgFactory())
    url = reverse("api:base_detail", args=[base.pk])
    _offer(w, base, 1)
    one, data_one = _count(client, url)
    _offer(w, base, 3)
    four, data_four = _count(client, url)
    assert (len(data_one["services"]), len(data_four["services"])) == (1, 4)
    assert four == one, f"{url}: {one} queries with 1 entry, {four} with 4"
