"""The authority's queue and the formal-check queue page by keyset (pilotbase/keyset.py): their sort keys are an
annotation (pending first), joined columns (the call's deadline, the authority's name) and a coalesced one (the
submission time, the batch priority). Walking 下一页 and back gives the numbered pages; a page reached by its link or
by its number reads no OFFSET over the joined rows; the queries are the same."""

import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from applications.models import Application, ApplicationState
from reviews.models import FormalCheck, FormalCheckState, Recommendation, RecommendationState
from reviews.selectors.recommendation import formal_check_queue, recommendation_queue
from tests import factories as f

pytestmark = pytest.mark.django_db

REC_URL, FC_URL = reverse("reviews:rec_queue"), reverse("reviews:fc_queue")


def _apps(applicant, authority_org, n: int = 7) -> list[Application]:
    """n submitted applications of two calls (two deadlines), three sharing one submission time (the id breaks the
    tie). Made as drafts and moved by an UPDATE: only the queues' reading is under test, not submission."""
    now = timezone.now()
    calls = [f.CallFactory(), f.CallFactory()]
    apps = []
    for i in range(n):
        app = f.ApplicationFactory(call=calls[i % 2], applicant=applicant.organization, authority=authority_org)
        Application.objects.filter(pk=app.pk).update(
            state=ApplicationState.SUBMITTED, acceptance_no=f"GX-2026-{i:04d}",
            submitted_at=now if i in (0, 2, 3) else now - timedelta(hours=i))
        apps.append(app)
    type(calls[1]).objects.filter(pk=calls[1].pk).update(recommendation_deadline=now + timedelta(days=3))
    return apps


@pytest.fixture
def queue(applicant, authority_org, monkeypatch):
    monkeypatch.setattr("reviews.views.recommendation.PAGE_SIZE", 2)
    recs = [Recommendation.objects.create(application=a, authority=authority_org)
            for a in _apps(applicant, authority_org)]
    Recommendation.objects.filter(pk__in=[recs[1].pk, recs[4].pk]).update(state=RecommendationState.RECOMMENDED)
    return recs


@pytest.fixture
def checks(applicant, authority_org, monkeypatch):
    """Seven formal checks, two of them passed, of applications from two authorities; four with a batch priority
    (two equal), three without one (they sort last)."""
    monkeypatch.setattr("reviews.views.recommendation.PAGE_SIZE", 2)
    other = f.AuthorityFactory(name="钦州市科学技术局")
    apps = _apps(applicant, authority_org)
    Application.objects.filter(pk__in=[apps[2].pk, apps[5].pk]).update(authority=other)
    for i, app in enumerate(apps):
        Recommendation.objects.create(application=app, authority=authority_org,
                                      priority={0: 2, 1: 1, 3: 2, 6: 3}.get(i))
    out = [FormalCheck.objects.create(application=a) for a in apps]
    FormalCheck.objects.filter(pk__in=[out[0].pk, out[3].pk]).update(state=FormalCheckState.PASSED)
    return out


def _ids(response, attr: str) -> list[int]:
    assert response.status_code == 200
    return [int(x) for x in re.findall(rf'data-{attr}="(\d+)"', response.content.decode())]


def _link(response, label: str) -> str | None:
    match = re.search(r'<a class="page-link" href="([^"]*)">' + label, response.content.decode())
    return match.group(1).replace("&amp;", "&") if match else None


def _walk(client, url, params, attr, expected):
    walked, response = [], client.get(url, params)
    while True:
        walked.append(_ids(response, attr))
        nxt = _link(response, "下一页")
        if not nxt:
            break
        assert "after=" in nxt
        response = client.get(url + nxt)
    assert walked == expected
    back = []
    while prev := _link(response, "上一页"):
        response = client.get(url + prev)
        back.append(_ids(response, attr))
    assert back == expected[-2::-1]


@pytest.mark.parametrize("params", [{}, {"state": "pending"}, {"q": "GX-2026"}])
def test_the_authority_queue_walks_the_numbered_pages(client, authority_user, queue, params):
    client.force_login(authority_user)
    ordered = [r.pk for r in recommendation_queue(user=authority_user, **params)]
    expected = [_ids(client.get(REC_URL, {**params, "page": n}), "rec") for n in range(1, len(ordered) // 2 + 2)]
    assert expected == [ordered[i:i + 2] for i in range(0, len(ordered), 2)]
    assert ordered[:5] == sorted(ordered[:5], key=lambda pk: pk not in {r.pk for r in queue if r.state == "pending"})
    _walk(client, REC_URL, params, "rec", expected)


@pytest.mark.parametrize("params", [{}, {"state": "pending"}, {"q": "GX-2026"}])
def test_the_formal_check_queue_walks_the_numbered_pages(client, department_user, checks, params):
    client.force_login(department_user)
    ordered = [c.pk for c in formal_check_queue(user=department_user, **params)]
    expected = [_ids(client.get(FC_URL, {**params, "page": n}), "check") for n in range(1, len(ordered) // 2 + 2)]
    assert expected == [ordered[i:i + 2] for i in range(0, len(ordered), 2)]
    if not params:  # pending first; within a state by the authority's name, then priority (none last), then id
        rows = list(formal_check_queue(user=department_user))
        keys = [(c.state != "pending", c.application.authority.name, c.application.recommendation.priority or 99, c.pk)
                for c in rows]
        assert keys == sorted(keys)
    _walk(client, FC_URL, params, "check", expected)


@pytest.mark.parametrize(("url", "user", "fixture", "queries"), [
    (REC_URL, "authority_user", "queue", 6), (FC_URL, "department_user", "checks", 5)])
def test_a_deep_queue_page_reads_no_offset_over_the_rows(client, request, url, user, fixture, queries,
                                                         django_assert_num_queries):
    request.getfixturevalue(fixture)
    client.force_login(request.getfixturevalue(user))
    page2 = client.get(url, {"page": 2})
    for path in (url + _link(page2, "下一页"), f"{url}?page=3"):
        with django_assert_num_queries(queries) as seen:
            response = client.get(path)
        rows = [q["sql"] for q in seen.captured_queries if q["sql"].rstrip().endswith("LIMIT 2")]
        assert len(rows) == 1 and " OFFSET " not in rows[0].rsplit("LIMIT 2", 1)[0].rsplit(")", 1)[-1]
        assert _ids(response, "rec" if fixture == "queue" else "check")


def test_a_broken_cursor_or_page_number_answers_by_number(client, authority_user, queue):
    client.force_login(authority_user)
    expected = _ids(client.get(REC_URL, {"page": 2}), "rec")
    for cursor in ("garbage", "W10", "", "WyIxIiwiMiJd"):
        assert _ids(client.get(REC_URL, {"page": 2, "after": cursor}), "rec") == expected
        assert _ids(client.get(REC_URL, {"page": 2, "before": cursor}), "rec") == expected
    assert _ids(client.get(REC_URL, {"page": 99}), "rec") == _ids(client.get(REC_URL, {"page": 4}), "rec")
    assert _ids(client.get(REC_URL, {"page": "x"}), "rec") == _ids(client.get(REC_URL), "rec")
