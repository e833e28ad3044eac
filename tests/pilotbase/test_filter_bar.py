"""The filter bar (templates/pilotbase/_filter_form.html) on every list that has one: styled, labelled, and
saying 全部… for an empty choice."""

import re

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db

FILTER_PAGES = [
    ("department_user", "applications:list", ["全部申报批次", "全部设区市", "全部推荐单位", "全部产业领域"]),
    ("department_user", "reviews:cert_base_list", ["全部设区市", "全部产业领域"]),
    (None, "public:base_list", ["全部设区市", "全部产业领域"]),
    ("agency_user", "reviews:assess_experts", ["全部专家类别", "全部设区市", "全部产业领域"]),
]


def _classes(tag: str) -> list[str]:
    return re.search(r'class="([^"]*)"', tag).group(1).split()


def _html(response) -> str:
    assert response.status_code == 200
    return response.content.decode()


@pytest.mark.parametrize(("who", "name", "empty_labels"), FILTER_PAGES)
def test_filter_bar_is_styled_labelled_and_says_all(client, request, who, name, empty_labels):
    if who:
        client.force_login(request.getfixturevalue(who))
    html = _html(client.get(reverse(name)))
    form = re.search(r'<form method="get"[^>]*role="search".*?</form>', html, re.S).group(0)
    selects = re.findall(r"<select [^>]*>", form)
    inputs = re.findall(r'<input type="text" [^>]*>', form)
    assert selects and inputs
    assert all("form-select" in _classes(t) for t in selects)
    assert all("form-control" in _classes(t) for t in inputs)
    ids = re.findall(r'id="(id_[a-z_]+)"', form)
    assert sorted(re.findall(r'<label [^>]*for="(id_[a-z_]+)"', form)) == sorted(ids)
    assert "---------" not in form
    assert "col-lg-2 col-lg-4" not in form
    assert all(f">{label}</option>" in form for label in empty_labels)
    assert ">筛选</button>" in form and ">清除</a>" in form
