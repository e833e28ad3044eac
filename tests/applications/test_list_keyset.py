"""The department list's pages (pilotbase/keyset.py): 下一页 / 上一页 seek by the sort key, a bare page number by
the key of its first row; the same rows as the numbered pages, no OFFSET over the rows, the same queries."""

import base64
import json
import re
from datetime import timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from applications.models import Application, ApplicationState
from applications.selectors import application_list
from tests import factories as f

pytestmark = pytest.mark.django_db

URL = reverse("applications:list")


@pytest.fixture
def seven(call, monkeypatch):
    """Seven submitted applications on pages of 2; three share one submission time (the id breaks the tie).
    Made as drafts and moved to 已提交 by an UPDATE: only the list's reading is under test, not submission."""
    monkeypatch.setattr("applications.views.listing.PAGE_SIZE", 2)
    apps = [f.ApplicationFactory(call=call) for _ in range(7)]
    now = timezone.now()
    times = [now, now - timedelta(hours=1), now, now, now, now - timedelta(hours=3), now - timedelta(hours=2)]
    for i, (app, at) in enumerate(zip(apps, times, strict=True)):
        Application.objects.filter(pk=app.pk).update(
            state=ApplicationState.SUBMITTED, submitted_at=at, acceptance_no=f"GX-2026-{i:04d}",
            funding_requested=Decimal(100 + i % 3))
    return apps


def _ids(response) -> list[int]:
    assert response.status_code == 200
    return [a.pk for a in response.context["page"]]


def _link(response, label: str) -> str | None:
    match = re.search(r'<a class="page-link" href="([^"]*)">' + label, response.content.decode())
    return match.group(1).replace("&amp;", "&") if match else None


def _by_number(client, params: dict, pages: int) -> list[list[int]]:
    return [_ids(client.get(URL, {**params, "page": n})) for n in range(1, pages + 1)]


@pytest.mark.parametrize("params", [{}, {"sort": "submitted"}, {"sort": "-requested"}, {"sort": "applicant"},
                                    {"q": "基地"}])
def test_next_and_previous_links_walk_the_same_pages_as_the_numbers(client, department_user, seven, params):
    client.force_login(department_user)
    expected = _by_number(client, params, 4)
    ordered = [a.pk for a in application_list(department_user, filters=params, sort=params.get("sort", ""))]
    assert expected == [ordered[i:i + 2] for i in range(0, 7, 2)] and sorted(ordered) == sorted(a.pk for a in seven)
    walked, response = [], client.get(URL, params)
    while True:
        walked.append(_ids(response))
        nxt = _link(response, "下一页")
        if not nxt:
            break
        response = client.get(URL + nxt)
    assert walked == expected
    back = []
    while True:
        prev = _link(response, "上一页")
        if not prev:
            break
        response = client.get(URL + prev)
        back.append(_ids(response))
    assert back == expected[-2::-1]


def test_a_page_reached_by_its_link_reads_no_offset_and_costs_the_same(client, department_user, seven,
                                                                     django_assert_num_queries):
    client.force_login(department_user)
    page3 = client.get(URL, {"page": 3})
    assert "after=" in _link(page3, "下一页") and "before=" in _link(page3, "上一页")
    with django_assert_num_queries(6) as seen:
        deep = client.get(URL + _link(page3, "下一页"))
    rows = [q["sql"] for q in seen.captured_queries if "LIMIT" in q["sql"] and "applications_application" in q["sql"]]
    assert len(rows) == 1 and "OFFSET" not in rows[0]  # read before the next request resets the log
    with django_assert_num_queries(6) as seen:
        by_number = client.get(URL, {"page": 4})
    rows = [q["sql"] for q in seen.captured_queries if "LIMIT" in q["sql"] and "applications_application" in q["sql"]]
    assert len(rows) == 1 and rows[0].endswith("LIMIT 2")  # the OFFSET is in the key-only subquery, not here
    assert _ids(deep) == _ids(by_number)


def _cursor(*values) -> str:
    return base64.urlsafe_b64encode(json.dumps(values).encode()).decode().rstrip("=")


@pytest.mark.parametrize(("sort", "cursor"), [
    ("", "garbage"), ("", "W10"), ("", _cursor("x")), ("", ""), ("", "%%%"), ("", _cursor("2026-13-40", "1")),
    ("", _cursor("2026-01-01T00:00:00+00:00", "99999999999999999999999")),  # beyond bigint
    ("", _cursor("2026-01-01T00:00:00+00:00", "-99999999999999999999")),
    ("", _cursor("2026-01-01T00:00:00", "5")),  # a naive time
    ("", _cursor("2026-01-01T00:00:00+00:00", 5)), ("", '["a"]'),
    ("-requested", _cursor("NaN", "5")), ("-requested", _cursor("Infinity", "5")), ("-requested", _cursor("x", "5")),
])
def test_a_broken_cursor_gives_the_page_by_number(client, department_user, seven, sort, cursor):
    client.force_login(department_user)
    expected = _ids(client.get(URL, {"page": 2, "sort": sort}))
    assert _ids(client.get(URL, {"page": 2, "sort": sort, "after": cursor})) == expected
    assert _ids(client.get(URL, {"page": 2, "sort": sort, "before": cursor})) == expected


def test_page_numbers_past_the_end_or_not_numbers_still_answer(client, department_user, seven):
    client.force_login(department_user)
    last = _ids(client.get(URL, {"page": 4}))
    assert _ids(client.get(URL, {"page": 99})) == last
    assert _ids(client.get(URL, {"page": "x"})) == _ids(client.get(URL))
    assert len(last) == 1
