"""The open-data API (/api/v1/, docs/api.md) on one public world (tests/public/api_world.py), built once per module:
every endpoint answers JSON with public data only, paginated and filtered, errors in Chinese as {"detail", "code"},
an ETag with 304, a rate limit answering 429, its OpenAPI schema and a docs page with no CDN, and no write method.
"""

from __future__ import annotations

import json
import re
from urllib.parse import quote

import pytest
import schemathesis
import yaml
from django.conf import settings
from django.contrib.staticfiles import finders
from django.core.handlers.wsgi import WSGIHandler
from django.db import transaction
from django.test import Client, TestCase, override_settings
from django.urls import reverse
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    positive_data_acceptance,
    response_schema_conformance,
    status_code_conformance,
)

from applications.models import Application
from evaluations.models import Evaluation
from pilotbase.models import Base
from reviews.models import Objection

from .api_world import CONTACT, OBJECTOR, UNPUBLISHED_SCORE, build

pytestmark = pytest.mark.django_db
JSON = "application/json"
NOT_FOUND = {"detail": "未找到该记录，或它尚未公开。", "code": "not_found"}


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker, tmp_path_factory):
    """Built once, rolled back after the module; its files in a folder of their own."""
    from pilotbase.celery import app as celery_app

    media = tmp_path_factory.mktemp("api-private")
    storages = {**settings.STORAGES, "default": {"BACKEND": "django.core.files.storage.FileSystemStorage",
                                                 "OPTIONS": {"location": str(media), "base_url": None}}}
    eager = celery_app.conf.task_always_eager
    with override_settings(MEDIA_ROOT=media, STORAGES=storages, CELERY_TASK_ALWAYS_EAGER=True), \
            django_db_blocker.unblock(), transaction.atomic():
        celery_app.conf.task_always_eager = True
        try:
            with TestCase.captureOnCommitCallbacks(execute=True):
                built = build()
            yield built
        finally:
            celery_app.conf.task_always_eager = eager
            transaction.set_rollback(True)


@pytest.fixture(autouse=True)
def _private_media():
    """The world's files stay where it stored them (replaces conftest's per-test folder)."""


def _get(client, url: str, status: int = 200, **headers):
    response = client.get(url, **headers)
    assert response.status_code == status, (url, response.content[:300])
    if status != 304:
        assert response["Content-Type"] == JSON, url
    return response


def _data(client, url: str, status: int = 200) -> dict:
    return _get(client, url, status).json()


def _endpoints(w) -> list[str]:
    """Every data endpoint with each kind of record it can answer."""
    bases = [w.active, w.rectifying, w.revoked]
    return [
        reverse("api:base_list"), reverse("api:base_list") + "?status=revoked",
        reverse("api:base_list") + "?status=rectifying",
        *(reverse("api:base_detail", args=[b.pk]) for b in bases),
        reverse("api:notice_list"), reverse("api:notice_detail", args=[w.notice.pk]),
        reverse("api:notice_detail", args=[w.results_notice.pk]),
        reverse("api:result_list"), reverse("api:result_detail", args=[w.published_round.year]),
        *(reverse("api:certificate_detail", args=[b.certificate.number]) for b in bases),
    ]


def _keys(value) -> set[str]:
    if isinstance(value, dict):
        return set(value) | {k for v in value.values() for k in _keys(v)}
    if isinstance(value, list):
        return {k for v in value for k in _keys(v)}
    return set()


# ---- public data only -------------------------------------------------------------------------------------
def test_every_endpoint_answers_json_with_an_etag(client, world):
    for url in _endpoints(world):
        response = _get(client, url)
        assert response["ETag"].startswith('"') and "public" in response["Cache-Control"], url
        json.loads(response.content)


def test_nothing_private_comes_out_of_any_endpoint(client, world):
    """The private values exist in the database (the control), and no endpoint says any of them, nor has a field
    for a phone, an e-mail, an identity number, an objector, an opinion, an expert or a score sheet."""
    assert Objection.objects.filter(objector_name=OBJECTOR[0], objector_phone=OBJECTOR[1]).exists()
    assert Application.objects.filter(contact_phone=CONTACT[1], contact_email=CONTACT[2]).exists()
    assert Evaluation.objects.filter(total=UNPUBLISHED_SCORE).exists()
    answers = {url: _get(client, url).content.decode() for url in _endpoints(world)}
    leaks = {url: [v for v in world.private if v in text] for url, text in answers.items()}
    assert {url: found for url, found in leaks.items() if found} == {}
    keys = set().union(*(_keys(json.loads(text)) for text in answers.values()))
    forbidden = re.compile(r"phone|mail|id_number|id_card|objector|opinion|expert|comment|score(?!s_public)|reason")
    assert sorted(k for k in keys if forbidden.search(k)) == []


def test_drafts_and_unpublished_rounds_do_not_exist(client, world):
    assert _data(client, reverse("api:notice_detail", args=[world.draft.pk]), 404) == NOT_FOUND
    assert world.draft.pk not in [n["id"] for n in _data(client, reverse("api:notice_list"))["results"]]
    assert _data(client, reverse("api:result_detail", args=[world.scoring_round.year]), 404) == NOT_FOUND
    years = [r["year"] for r in _data(client, reverse("api:result_list"))["results"]]
    assert years == [world.published_round.year]


def test_published_results_give_grades_without_scores(client, world):
    data = _data(client, reverse("api:result_detail", args=[world.published_round.year]))
    assert data["scores_public"] is False
    assert [(r["grade"], r["total"]) for r in data["results"]] == [("good", None), ("pass", None), ("rectify", None)]
    assert {c["grade"]: c["count"] for c in data["counts"]} == {"excellent": 0, "good": 1, "pass": 1, "rectify": 1,
                                                                 "fail": 0}


def test_a_revoked_base_leaves_the_list_and_is_never_active(client, world):
    listed = {b["id"]: b["status"] for b in _data(client, reverse("api:base_list"))["results"]}
    assert listed == {world.active.pk: "active", world.rectifying.pk: "rectifying"}
    assert [b["id"] for b in _data(client, reverse("api:base_list") + "?status=active")["results"]] == [
        world.active.pk]
    (revoked,) = _data(client, reverse("api:base_list") + "?status=revoked")["results"]
    assert (revoked["id"], revoked["status"], revoked["status_label"]) == (world.revoked.pk, "revoked", "已撤销认定")
    assert revoked["revoked_on"] and revoked["rectifying_since"] is None
    assert _data(client, reverse("api:base_detail", args=[world.revoked.pk]))["status"] == "revoked"
    cert = _data(client, reverse("api:certificate_detail", args=[world.revoked.certificate.number]))
    assert (cert["status"], cert["valid"], cert["base"]["status"]) == ("revoked", False, "revoked")
    rect = _data(client, reverse("api:base_detail", args=[world.rectifying.pk]))
    assert rect["rectifying_since"] and rect["rectification_deadline"] and rect["revoked_on"] is None


def test_certificate_verification_by_number(client, world):
    number = world.active.certificate.number
    data = _data(client, "/api/v1/certificates/%s/" % quote(number))
    assert (data["number"], data["valid"], data["base"]["id"]) == (number, True, world.active.pk)
    assert data["verify_url"] == reverse("public:verify", args=[world.active.certificate.token])
    assert _data(client, reverse("api:certificate_detail", args=["桂科中试〔1999〕第99号"]), 404) == NOT_FOUND


def test_notices_of_both_kinds_with_their_lines(client, world):
    listed = {n["id"]: (n["kind"], n["year"], n["status"]) for n in _data(client, reverse("api:notice_list"))["results"]}
    assert listed == {world.notice.pk: ("certification", world.notice.call.year, "published"),
                      world.results_notice.pk: ("evaluation", 2024, "closed")}
    results = _data(client, reverse("api:notice_detail", args=[world.results_notice.pk]))
    assert [(e["name"], e["text"]) for e in results["entries"]] == [
        (b.name, grade) for b, grade in zip([world.active, world.rectifying, world.revoked], ["良好", "合格", "整改"],
                                            strict=True)]
    listing = _data(client, reverse("api:notice_detail", args=[world.notice.pk]))
    assert listing["accepting_objections"] is True and len(listing["entries"]) == 1


# ---- pagination and filters -------------------------------------------------------------------------------
def test_pagination(client, world):
    url = reverse("api:base_list")
    first = _data(client, url + "?page_size=1")
    assert (first["count"], len(first["results"]), first["previous"]) == (2, 1, None)
    assert "page=2" in first["next"]
    second = _data(client, url + "?page_size=1&page=2")
    assert second["next"] is None and second["results"][0]["id"] != first["results"][0]["id"]
    assert len(_data(client, url + "?page_size=100000")["results"]) == 2  # capped at 100, no error
    assert _data(client, url + "?page=9", 404) == {"detail": "无效页面。", "code": "not_found"}


@pytest.mark.parametrize(("query", "expected"), [
    ("city=nanning", {"active", "rectifying"}), ("city=liuzhou", set()), ("industry=new-materials",
                                                                          {"active", "rectifying"}),
    ("batch=1", {"active", "rectifying"}), ("batch=2", set()), ("year=2023", {"active", "rectifying"}),
    ("year=2024", set()), ("q=第1号", {"active"}), ("q=%E3%80%942023%E3%80%95%E7%AC%AC02", {"rectifying"}),
    ("q=考核测试材料有限公司3&status=revoked", {"revoked"}), ("status=rectifying", {"rectifying"}),
])
def test_base_filters(client, world, query, expected):
    ids = {world.active.pk: "active", world.rectifying.pk: "rectifying", world.revoked.pk: "revoked"}
    found = {ids[b["id"]] for b in _data(client, reverse("api:base_list") + "?" + query)["results"]}
    assert found == expected


@pytest.mark.parametrize(("query", "kinds"), [
    ("kind=evaluation", {"evaluation"}), ("kind=certification", {"certification"}), ("status=closed", {"evaluation"}),
    ("year=2024", {"evaluation"}), ("year=2019", set()),
])
def test_notice_filters(client, world, query, kinds):
    assert {n["kind"] for n in _data(client, reverse("api:notice_list") + "?" + query)["results"]} == kinds


@pytest.mark.parametrize(("url", "detail"), [
    ("/api/v1/bases/?city=atlantis", "没有代码为“atlantis”的设区市。"),
    ("/api/v1/bases/?industry=nope", "没有代码为“nope”的产业领域。"),
    ("/api/v1/bases/?status=active2", "状态应为 active、rectifying 或 revoked。"),
    ("/api/v1/bases/?batch=abc", "认定批次应为 1–999 之间的整数。"),
    ("/api/v1/bases/?year=%C2%B2", "认定年度应为 1900–2999 之间的整数。"),  # "²" is a digit to str.isdigit
    ("/api/v1/bases/?year=%EF%BC%92%EF%BC%90%EF%BC%92%EF%BC%93", "认定年度应为 1900–2999 之间的整数。"),  # full-width
    ("/api/v1/notices/?status=draft", "状态应为 published 或 closed。"),
    ("/api/v1/notices/?kind=other", "公示类别应为 certification 或 evaluation。"),
])
def test_bad_filters_answer_400_in_chinese(client, world, url, detail):
    assert _data(client, url, 400) == {"detail": detail, "code": "invalid"}


# ---- errors, caching, methods ---------------------------------------------------------------------------------
@pytest.mark.parametrize("url", ["/api/v1/bases/999999/", "/api/v1/bases/99999999999999999999999/",
                                 "/api/v1/notices/999999/", "/api/v1/results/1999/",
                                 "/api/v1/results/99999999999999999999999/", "/api/v1/bases/-1/",
                                 "/api/v1/results/abc/", "/api/v1/", "/api/v1/nothing/here/",
                                 "/api/v1/certificates/%E6%A1%82%00/"])
def test_unknown_records_answer_404_in_chinese(client, world, url):
    assert _data(client, url, 404) == NOT_FOUND


@pytest.mark.parametrize("url", ["/api/v1/bases/?q=%00", "/api/v1/notices/?year=2024&kind=%00",
                                 "/api/v1/results/?x=a%00b"])
def test_a_nul_in_a_parameter_answers_400(client, world, url):
    """PostgreSQL cannot take a NUL in a query: refused before one (else a 500 there; found by schemathesis)."""
    assert _data(client, url, 400) == {"detail": "参数中不能含有空字符（NUL）。", "code": "invalid"}


def test_a_matching_etag_answers_304(client, world):
    url = reverse("api:base_detail", args=[world.active.pk])
    etag = _get(client, url)["ETag"]
    response = client.get(url, HTTP_IF_NONE_MATCH=etag)
    assert response.status_code == 304 and response.content == b"" and response["ETag"] == etag
    assert _get(client, url, HTTP_IF_NONE_MATCH='"stale"').json()["id"] == world.active.pk


def test_if_modified_since_is_ignored_and_no_last_modified_is_guessed(client, world):
    """No answer has a Last-Modified (docs/api.md: no record keeps a time covering all of an answer), so a date a
    client sends decides nothing: even one in the future gets the full answer; the ETag alone answers 304."""
    for url in _endpoints(world):
        response = _get(client, url, HTTP_IF_MODIFIED_SINCE="Fri, 01 Jan 2100 00:00:00 GMT")
        assert "Last-Modified" not in response and response.json(), url
    url = reverse("api:base_detail", args=[world.rectifying.pk])
    etag = _get(client, url)["ETag"]
    response = client.get(url, HTTP_IF_NONE_MATCH=etag, HTTP_IF_MODIFIED_SINCE="Thu, 01 Jan 1970 00:00:00 GMT")
    assert response.status_code == 304


@pytest.mark.parametrize("method", ["post", "put", "patch", "delete"])
def test_write_methods_are_refused(client, world, method):
    before = (Base.objects.count(), list(Base.objects.values_list("state", flat=True).order_by("id")))
    for url in _endpoints(world):
        response = getattr(client, method)(url, data=json.dumps({"name": "改名"}), content_type=JSON)
        assert response.status_code == 405, (method, url)
        assert response.json() == {"detail": "开放数据接口只读，仅支持 GET 请求。", "code": "method_not_allowed"}
    for url in (reverse("api:schema"), reverse("api:docs")):
        assert getattr(client, method)(url).status_code == 405, (method, url)
    assert (Base.objects.count(), list(Base.objects.values_list("state", flat=True).order_by("id"))) == before


def test_a_session_changes_nothing(client, world):
    """Signed in as staff, the answer is the anonymous one: the API reads no session."""
    url = reverse("api:notice_list")
    anonymous = _get(client, url).content
    client.force_login(world.rw.staff)
    assert _get(client, url).content == anonymous


def test_throttled_past_the_rate_with_a_chinese_429(client, world, settings):
    settings.PILOTBASE_API_RATE = "3/min"
    url = reverse("api:result_list")
    for _ in range(3):
        _get(client, url)
    response = _get(client, url, 429)
    assert response.json()["code"] == "throttled"
    assert re.fullmatch(r"请求过于频繁，请 \d+ 秒后再试。", response.json()["detail"])
    assert int(response["Retry-After"]) > 0
    _get(Client(REMOTE_ADDR="10.9.8.7"), url)  # another address has its own count
    assert client.get(reverse("api:schema")).status_code == 429  # the schema counts too


# ---- schema and docs ------------------------------------------------------------------------------------------
def test_the_openapi_schema_lists_read_only_endpoints(client, world):
    response = client.get(reverse("api:schema"))
    assert response.status_code == 200 and response["Content-Type"].startswith("application/vnd.oai.openapi")
    schema = yaml.safe_load(response.content)
    assert schema["openapi"].startswith("3.")
    assert set(schema["paths"]) == {"/api/v1/bases/", "/api/v1/bases/{id}/", "/api/v1/notices/",
                                    "/api/v1/notices/{id}/", "/api/v1/results/", "/api/v1/results/{year}/",
                                    "/api/v1/certificates/{number}/"}
    assert {m for ops in schema["paths"].values() for m in ops if m != "parameters"} == {"get"}
    assert schema["components"]["schemas"]["BaseStatusEnum"]["enum"] == ["active", "rectifying", "revoked"]
    as_json = client.get(reverse("api:schema") + "?format=json")
    assert as_json.status_code == 200 and as_json.json()["paths"].keys() == schema["paths"].keys()


def test_every_field_an_answer_has_is_in_the_schema(client, world):
    """The serialisers and the schema agree on the names (a field added to one only fails here)."""
    schema = client.get(reverse("api:schema") + "?format=json").json()["components"]["schemas"]
    pairs = [("Base", reverse("api:base_detail", args=[world.rectifying.pk])),
             ("NoticeDetail", reverse("api:notice_detail", args=[world.results_notice.pk])),
             ("RoundDetail", reverse("api:result_detail", args=[world.published_round.year])),
             ("Certificate", reverse("api:certificate_detail", args=[world.active.certificate.number]))]
    for name, url in pairs:
        assert set(_data(client, url)) == set(schema[name]["properties"]), name
        assert set(schema[name].get("required", [])) <= set(schema[name]["properties"])


def test_the_docs_page_is_served_from_the_project(client, world):
    response = client.get(reverse("api:docs"))
    assert response.status_code == 200
    html = response.content.decode()
    assets = re.findall(r'(?:src|href)="([^"]+)"', html)
    assert assets and not [a for a in assets if a.startswith(("http:", "https:", "//"))], assets
    assert "<script>" not in html, "an inline script would break the CSP"
    for asset in assets:
        if asset.startswith(settings.STATIC_URL):
            assert finders.find(asset[len(settings.STATIC_URL):]), asset  # in drf-spectacular-sidecar
    script = next(a for a in assets if "?script" in a)
    start = client.get(script)
    assert start.status_code == 200 and "javascript" in start["Content-Type"]
    assert reverse("api:schema") in start.content.decode()


def test_services_are_the_catalogue_s_public_entries_and_a_revoked_base_has_none(client, world):
    from sharing.models import ServiceOffering

    common = {"kind": "scale_up", "description": "中试放大", "fee_standard": "2000–5000元/批次", "contact": "0771-5550000"}
    shown = ServiceOffering.objects.create(base=world.active, title="材料中试放大", contact_public=True, **common)
    ServiceOffering.objects.create(base=world.active, title="工艺验证", contact_public=False, **common)
    ServiceOffering.objects.create(base=world.revoked, title="撤销后的服务", contact_public=True, **common)
    services = _data(client, reverse("api:base_detail", args=[world.active.pk]))["services"]
    assert [(s["id"], s["title"], s["contact"]) for s in services][0] == (shown.pk, "材料中试放大", "0771-5550000")
    assert [s["contact"] for s in services][1] is None  # a private contact never leaves the portal
    assert _data(client, reverse("api:base_detail", args=[world.revoked.pk]))["services"] == []


# ---- contract: schemathesis against the schema ------------------------------------------------------------------
def _known_cases(w) -> dict[str, list[dict]]:
    """Path parameters of records that exist (generated ones are mostly unknown ids, answering 404)."""
    return {"/api/v1/bases/{id}/": [{"id": b.pk} for b in (w.active, w.rectifying, w.revoked)],
            "/api/v1/notices/{id}/": [{"id": w.notice.pk}, {"id": w.results_notice.pk}, {"id": w.draft.pk}],
            "/api/v1/results/{year}/": [{"year": w.published_round.year}, {"year": w.scoring_round.year}],
            "/api/v1/certificates/{number}/": [{"number": b.certificate.number}
                                               for b in (w.active, w.rectifying, w.revoked)]}


# on input the schema forbids: still no 5xx, and the answer (a 400 or a 404) is one the schema declares
BAD_INPUT_CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]


def _validate(case) -> None:
    """Schemathesis' checks (no 5xx, status, content type, headers and body as the schema says), but for one the
    schema cannot say: a city or industry code is a SlugField whose values are data, so a well-formed unknown code
    is a 400 (tested above); any other 400 to schema-valid input would mean the schema lies."""
    response = case.call_and_validate(excluded_checks=[positive_data_acceptance])
    if response.status_code == 400:
        assert response.json()["detail"].startswith("没有代码为"), (case.path, case.query, response.text)


@pytest.fixture
def _connection_kept():
    """The WSGI handler sends request_started/finished, whose close_old_connections would close the connection and
    with it the world's transaction on PostgreSQL; Django's test client unhooks it the same way."""
    from django.core import signals
    from django.db import close_old_connections

    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


@pytest.mark.usefixtures("_connection_kept")
def test_schemathesis_finds_no_5xx_and_no_answer_outside_the_schema(world, settings):
    """Every GET operation of /api/v1/schema/, on the world's data: the records that exist, then generated
    parameters (bounded and derandomised, so the same requests every run). The rate limit is lifted for this test
    (the cache is the test's own, tests/conftest.py); the 429 has its own test above."""
    settings.PILOTBASE_API_RATE = "100000/min"
    schema = schemathesis.openapi.from_wsgi(reverse("api:schema") + "?format=json", WSGIHandler())
    operations = [result.ok() for result in schema.get_all_operations()]
    assert {op.path for op in operations} == {"/api/v1/bases/", "/api/v1/bases/{id}/", "/api/v1/notices/",
                                               "/api/v1/notices/{id}/", "/api/v1/results/", "/api/v1/results/{year}/",
                                               "/api/v1/certificates/{number}/"}
    statuses = set()
    for op in operations:
        for params in _known_cases(world).get(op.path, [{}]):
            case = op.Case(path_parameters=params)
            _validate(case)
            statuses.add((op.path, case.call().status_code))

        @given(case=op.as_strategy())
        @hypothesis_settings(max_examples=25, derandomize=True, database=None, deadline=None,
                             suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much])
        def generated(case):
            _validate(case)

        generated()

        if op.path != "/api/v1/certificates/{number}/" and (op.path_parameters or op.query):
            # something to get wrong: an id or a year not an integer, a filter out of its bounds or its enum (a
            # certificate number is any text: no input is invalid there)
            @given(case=op.as_strategy(generation_mode=GenerationMode.NEGATIVE))
            @hypothesis_settings(max_examples=15, derandomize=True, database=None, deadline=None,
                                 suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much])
            def invalid(case):
                case.call_and_validate(checks=BAD_INPUT_CHECKS)

            invalid()
    assert ("/api/v1/bases/{id}/", 200) in statuses and ("/api/v1/results/{year}/", 404) in statuses
