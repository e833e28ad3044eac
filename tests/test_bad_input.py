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
    assert form.errors["name"] == ["此项为必填项。"]


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
