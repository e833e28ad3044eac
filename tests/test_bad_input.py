"""Bad input never reaches the database as an error: text is cleaned of control characters on the way in,
and every list's query parameters are parsed by pilotbase.inputs (issue 12, items 3 and 4)."""

import importlib
import inspect

import pytest
from django import forms
from django.http import QueryDict
from django.urls import reverse

from pilotbase.inputs import CleanTextMixin, choice_param, clean_text, int_param, parse_ints, text_param


# ---- text typed into forms ---------------------------------------------------------------------------------
def test_clean_text_multiline_keeps_lines_and_tabs():
    assert clean_text("第一行\r\n\t第二行\x0b第三行\x0c第四行\x00\x07\x1b\x7f\x85\ufffe") == (
        "第一行\r\n\t第二行\n第三行\n第四行")


def test_clean_text_single_line_turns_breaks_into_spaces():
    assert clean_text("广西\r\n示范\t基地\x00", multiline=False) == "广西 示范 基地"


class _Sample(CleanTextMixin, forms.Form):
    name = forms.CharField(max_length=10)
    opinion = forms.CharField(widget=forms.Textarea, required=False)
    count = forms.IntegerField(required=False)

    def clean_name(self):
        assert "\x00" not in self.cleaned_data["name"]  # clean_<field> sees the cleaned text
        return self.cleaned_data["name"]


def test_form_strips_control_characters_before_validation():
    form = _Sample(QueryDict(mutable=True) | {"name": "甲\x00乙\r\n丙", "opinion": "意见\x0b第二行\x01"})
    assert form.is_valid(), form.errors
    assert form.cleaned_data == {"name": "甲乙 丙", "opinion": "意见\n第二行", "count": None}


def test_form_of_only_control_characters_is_an_empty_required_field():
    form = _Sample({"name": "\x00\x01"})
    assert form.errors["name"] == [str(forms.Field.default_error_messages["required"])]


def test_redisplayed_form_shows_the_cleaned_text_and_says_so():
    form = _Sample({"name": "甲\x00乙", "count": "abc"})
    assert not form.is_valid()
    assert form["name"].value() == "甲乙"
    assert "已删除无法保存的不可见控制字符" in str(form["name"].help_text)
    assert form.fields["opinion"].help_text == ""


PROJECT_FORM_MODULES = ["applications.forms", "reviews.forms.assessment", "reviews.forms.certification",
                        "reviews.forms.recommendation"]


@pytest.mark.parametrize("module", PROJECT_FORM_MODULES)
def test_every_project_form_cleans_text(module):
    mod = importlib.import_module(module)
    form_classes = [c for _n, c in inspect.getmembers(mod, inspect.isclass)
                    if issubclass(c, forms.BaseForm) and c.__module__ == module]
    formsets = [c for _n, c in inspect.getmembers(mod, inspect.isclass)
                if issubclass(c, forms.BaseFormSet) and hasattr(c, "form")]
    assert form_classes
    assert [c.__name__ for c in form_classes if not issubclass(c, CleanTextMixin)] == []
    assert [c.__name__ for c in formsets if not issubclass(c.form, CleanTextMixin)] == []


@pytest.mark.django_db
def test_applicant_text_is_saved_without_control_characters(client, applicant):
    from applications.models import Application
    from tests import factories as f

    app = f.ApplicationFactory(call=f.CallFactory(), applicant=applicant.organization)
    client.force_login(applicant)
    response = client.post(reverse("applications:edit", args=[app.pk, "management"]), {
        "internal_rules": "制度一\x0b制度二\x00", "service_procedure": "流程\x1b", "fee_standard": "标准\x07"})
    assert response.status_code == 302
    app = Application.objects.get(pk=app.pk)
    assert (app.internal_rules, app.service_procedure, app.fee_standard) == ("制度一\n制度二", "流程", "标准")


# ---- query parameters -------------------------------------------------------------------------------------
@pytest.mark.parametrize(("raw", "expected"), [
    ("7", 7), (" 7 ", 7), ("0", None), ("-1", None), ("abc", None), ("", None), ("1.5", None), ("١٢", None),
    ("99999999999999999999999", None), ("2147483647", 2147483647), ("2147483648", None), ("9" * 5000, None),
])
def test_int_param(raw, expected):
    assert int_param({"call": raw}, "call") == expected


def test_parse_ints_keeps_only_valid_ids():
    assert parse_ints(["3", "abc", "-1", "4", "99999999999999999999"]) == [3, 4]


def test_choice_and_text_params():
    assert choice_param({"state": "zzz"}, "state", ["pending"]) == ""
    assert choice_param({"state": "pending"}, "state", ["pending"]) == "pending"
    assert text_param({"q": " 科技\x00园\r\n "}, "q") == "科技园"
    assert len(text_param({"q": "字" * 1000}, "q")) == 200


# ---- property tests: no input gives a 500 ------------------------------------------------------------------
# The world of the access matrix (one application taken through every stage by the real services) gives every
# list at least one row. Each case draws query strings (or POST bodies) from the values below and asserts the
# answer is not a server error; the test client re-raises an exception, which fails the case with its input.
from hypothesis import HealthCheck, example, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

from tests.test_access_matrix import _private_media, world  # noqa: E402, F401  (the matrix's world, built once)

NASTY = ["", " ", "0", "-1", "--x", "-", "abc", "zzz", "99999999999999999999999", "2147483648",
         "9223372036854775808", "-9223372036854775809", "1e400", "NaN", "inf", "1.5", "²", "١٢", "\x00", "%00",
         "a\x00b", "\x00" * 3, " 1", "1 ", "+1", "0x10", "1" * 400, "科技\x0b园", "'; DROP TABLE x; --", "<script>",
         "submitted", "acceptance", "-requested", "pending", "recommended", "active", "revoked", "1", "2", "on"]
TEXT = st.text(alphabet=st.characters(exclude_categories=("Cs",)), max_size=30)  # lone surrogates cannot be sent
VALUE = st.one_of(st.sampled_from(NASTY), st.integers().map(str), TEXT)
KEYS = ["call", "state", "q", "sort", "page", "city", "authority", "industry", "kind", "available", "batch",
        "unread", "entry", "year", "base"]
QUERY = st.dictionaries(st.sampled_from(KEYS), st.one_of(VALUE, st.lists(VALUE, min_size=2, max_size=3)),
                        max_size=5)
EXAMPLES = 15  # per page and persona: ~40 cases, the file runs in about half a minute on SQLite
COUNTS: dict[str, int] = {}
HUGE = "99999999999999999999999"
ISSUE_QUERIES = [{"call": HUGE}, {"state": "zzz"}, {"q": "\x00"}, {"sort": "--x"}, {"page": "abc"}, {"page": HUGE},
                 {"call": "²"}, {"batch": HUGE, "city": HUGE, "industry": "-1", "authority": "abc"}]

LISTS = [  # every list page and export with the personas that see it (others get 404 before any parsing)
    ("applications:list", ("department", "authority")),
    ("applications:export", ("department", "authority")),
    ("reviews:rec_queue", ("authority",)),
    ("reviews:rec_queue_export", ("authority",)),
    ("reviews:rec_batches", ("authority", "department")),
    ("reviews:fc_queue", ("department",)),
    ("reviews:fc_queue_export", ("department",)),
    ("reviews:assess_commissions", ("department", "agency")),
    ("reviews:assess_commission_create", ("department",)),
    ("reviews:assess_experts", ("department", "agency")),
    ("reviews:assess_my", ("expert",)),
    ("reviews:assess_ranked", ("department",)),
    ("reviews:assess_ranked_export", ("department",)),
    ("reviews:notice_list", ("department",)),
    ("reviews:notice_create", ("department",)),
    ("reviews:notice_objection_list", ("department",)),
    ("reviews:cert_base_list", ("department",)),
    ("public:notice_list", ("anonymous",)),
    ("public:base_list", ("anonymous",)),
    ("notifications", ("applicant", "department")),
    ("sharing:voucher_usage", ("department",)),
    ("sharing:voucher_usage_export", ("department",)),
    ("public:objection", ("anonymous",), "notice"),  # ?entry=… preselects the entry objected to
]


def _client(w, who):
    from django.conf import settings as django_settings
    from django.test import Client

    client = Client()
    if who != "anonymous":
        client.cookies[django_settings.SESSION_COOKIE_NAME] = w.sessions[who]
    return client


def _never_5xx(label: str, strategy, request, examples=()) -> None:
    """Run `request(example)` for the issue's `examples` and EXAMPLES drawn ones; each must answer below 500."""
    seen = 0

    def prop(example):
        nonlocal seen
        seen += 1
        response = request(example)
        assert response.status_code < 500, (label, example, response.status_code)

    for known in examples:
        prop = example(known)(prop)
    settings(max_examples=EXAMPLES, deadline=None, database=None,
             suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much])(given(strategy)(prop))()
    COUNTS[label] = seen
    print(f"{label}: {seen} examples")
    assert seen > 0


@pytest.mark.django_db
@pytest.mark.parametrize(("name", "who", "arg"), [pytest.param(name, who, arg, id=f"{name}-{who}")
                                                  for name, personas, *arg in LISTS for who in personas])
def test_list_query_parameters_never_give_a_server_error(request, name, who, arg):
    w = request.getfixturevalue("world")
    client, url = _client(w, who), reverse(name, args=[w.ids[a] for a in arg])
    _never_5xx(f"GET {name} as {who}", QUERY, lambda params: client.get(url, params), examples=ISSUE_QUERIES)


IDS = st.lists(VALUE, max_size=4)


@pytest.mark.django_db
def test_notifications_read_with_any_ids(request):
    w = request.getfixturevalue("world")
    client = _client(w, "applicant")
    _never_5xx("POST notifications_read", IDS,
               lambda ids: client.post(reverse("notifications_read"), {"id": ids}),
               examples=[["abc"], ["-1"], [HUGE], ["²", "1"]])


@pytest.mark.django_db
def test_agency_redraw_and_reopen_with_any_seat(request):
    w = request.getfixturevalue("world")
    client, url = _client(w, "agency"), reverse("reviews:assess_detail", args=[w.ids["assessment"]])
    body = st.fixed_dictionaries({"action": st.sampled_from(["redraw", "reopen_seat"]), "seat": VALUE,
                                  "reason": VALUE})
    _never_5xx("POST assess_detail redraw/reopen_seat", body, lambda data: client.post(url, data),
               examples=[{"action": "redraw", "seat": "abc", "reason": ""}, {"action": "reopen_seat", "seat": HUGE,
                                                                               "reason": "x"}])


@pytest.mark.django_db
def test_notice_form_with_any_applications(request):
    w = request.getfixturevalue("world")
    client = _client(w, "department")
    body = st.fixed_dictionaries({"call": VALUE, "applications": IDS, "title": VALUE, "body": VALUE,
                                  "starts_on": VALUE, "contact": VALUE})
    known = {"title": "公示", "body": "", "starts_on": "2026-12-01", "contact": ""}
    _never_5xx("POST notice_create", body, lambda data: client.post(reverse("reviews:notice_create"), data),
               examples=[{**known, "call": str(w.ids["call"]), "applications": [ids]}
                         for ids in ("123456789", "abc", HUGE, "-1")] + [{**known, "call": HUGE, "applications": []}])
