"""The base lists page by keyset (pilotbase/keyset.py): 基地名录 (evaluations, staff) in each of its sorts (one
direction, a joined key: the city's order) and the public directory (public:base_list), whose sort mixes
directions (newest certification first, then batch and id ascending: the expanded comparison). Walking 下一页 and
back gives the numbered pages; a page by its link or its number reads no OFFSET over the rows; the same queries."""

import base64
import json
import re
from datetime import date

import pytest
from django.urls import reverse

from evaluations.selectors_bases import base_list
from pilotbase.models import Base
from reviews.selectors.certification import bases_public
from tests import factories as f

pytestmark = pytest.mark.django_db

STAFF_URL, PUBLIC_URL = reverse("evaluations:base_list"), reverse("public:base_list")


@pytest.fixture
def bases(monkeypatch):
    """Seven bases on pages of 2 in three cities; ties on the batch, the certification date and the city."""
    monkeypatch.setattr("evaluations.views.bases.PAGE_SIZE", 2)
    monkeypatch.setattr("public.views.directory.PAGE_SIZE", 2)
    cities = [f.city("nanning"), f.city("liuzhou"), f.city("guilin")]
    days = [date(2024, 5, 1), date(2023, 3, 1), date(2024, 5, 1), date(2024, 5, 1), date(2022, 1, 1),
            date(2023, 3, 1), date(2024, 5, 1)]
    return [Base.objects.create(
        name=f"广西第{i}号科技成果转化中试研究基地", lead_unit=f.ApplicantOrgFactory(), city=cities[i % 3],
        industry=f.industry(), platform_type=f.platform_type(), batch=1 + i % 2, certified_on=day)
        for i, day in enumerate(days)]


def _ids(response) -> list[int]:
    assert response.status_code == 200
    return [b.pk for b in response.context["page"].object_list]


def _link(response, label: str) -> str | None:
    match = re.search(r'<a class="page-link" href="([^"]*)">' + label, response.content.decode())
    return match.group(1).replace("&amp;", "&") if match else None


def _walk(client, url, params, expected):
    walked, response = [], client.get(url, params)
    while True:
        walked.append(_ids(response))
        nxt = _link(response, "下一页")
        if not nxt:
            break
        assert "after=" in nxt
        response = client.get(url + nxt)
    assert walked == expected
    back = []
    while prev := _link(response, "上一页"):
        response = client.get(url + prev)
        back.append(_ids(response))
    assert back == expected[-2::-1]


@pytest.mark.parametrize("params", [{}, {"sort": "-certified"}, {"sort": "name"}, {"sort": "city"},
                                    {"q": "科技成果"}])
def test_the_staff_base_list_walks_the_numbered_pages(client, department_user, bases, params):
    client.force_login(department_user)
    ordered = [b.pk for b in base_list(department_user, filters=params)]
    assert sorted(ordered) == sorted(b.pk for b in bases)
    expected = [_ids(client.get(STAFF_URL, {**params, "page": n})) for n in range(1, 5)]
    assert expected == [ordered[i:i + 2] for i in range(0, 7, 2)]
    _walk(client, STAFF_URL, params, expected)


def test_the_public_directory_walks_the_numbered_pages_in_mixed_directions(client, bases):
    ordered = [b.pk for b in bases_public()]
    keys = [(-b.certified_on.toordinal(), b.batch, b.pk) for b in bases_public()]
    assert keys == sorted(keys) and len(set(k[0] for k in keys)) < len(keys)  # ties on the first key
    expected = [_ids(client.get(PUBLIC_URL, {"page": n})) for n in range(1, 5)]
    assert expected == [ordered[i:i + 2] for i in range(0, 7, 2)]
    _walk(client, PUBLIC_URL, {}, expected)


@pytest.mark.parametrize(("url", "login"), [(STAFF_URL, True), (PUBLIC_URL, False)])
def test_a_deep_base_page_reads_no_offset_over_the_rows(client, department_user, bases, url, login,
                                                        django_assert_max_num_queries):
    if login:
        client.force_login(department_user)
    page2 = client.get(url, {"page": 2})
    with django_assert_max_num_queries(20) as first:
        client.get(url, {"page": 1})
    for path in (url + _link(page2, "下一页"), f"{url}?page=3"):
        with django_assert_max_num_queries(20) as seen:
            response = client.get(path)
        assert len(seen.captured_queries) == len(first.captured_queries)
        rows = [q["sql"] for q in seen.captured_queries if q["sql"].rstrip().endswith("LIMIT 2")]
        assert len(rows) == 1 and " OFFSET " not in rows[0].rsplit("LIMIT 2", 1)[0].rsplit(")", 1)[-1]
        assert len(_ids(response)) == 2


def _cursor(*values) -> str:
    return base64.urlsafe_b64encode(json.dumps(values).encode()).decode().rstrip("=")


@pytest.mark.parametrize(("url", "params"), [(PUBLIC_URL, {}), (STAFF_URL, {"sort": "city"})])
def test_a_broken_cursor_answers_by_number(client, department_user, bases, url, params):
    client.force_login(department_user)
    expected = _ids(client.get(url, {**params, "page": 2}))
    for cursor in ("garbage", "W10", "", "WyIxIiwiMiJd", _cursor("2024-13-40", "1", "1"),
                   _cursor("1", "99999999999999999999", "1", "1"),  # the city's id beyond bigint
                   _cursor("1", "x", "1", "1")):
        assert _ids(client.get(url, {**params, "page": 2, "after": cursor})) == expected
        assert _ids(client.get(url, {**params, "page": 2, "before": cursor})) == expected
    last = _ids(client.get(url, {**params, "page": 2}))  # the city sort's own cursor still seeks
    nxt = _link(client.get(url, {**params, "page": 1}), "下一页")
    assert "after=" in nxt and _ids(client.get(url + nxt)) == last
