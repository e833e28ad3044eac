"""奖补资金下达通知: the PDF of an approved grant, its text extracted with pypdf: the base's name, the amount in
figures and in capitals (大写), the 下达文号; not before approval; not for another base."""

import io
from decimal import Decimal

import pytest
from django.urls import reverse
from pypdf import PdfReader

from pilotbase.money import capitals

from . import construction_world as cw

pytestmark = pytest.mark.django_db


def _text(data: bytes) -> str:
    return "".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages).replace(" ", "").replace("\n", "")


def test_notice_has_the_base_and_the_amount_in_figures_and_capitals(client):
    w = cw.build()
    grant = cw.approved(w, amount="3000000.50")
    client.force_login(w.users["cv"])
    response = client.get(reverse("subsidies:construction_notice", args=[grant.pk]))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    text = _text(b"".join(response))
    assert w.bases["cv"].name in text
    assert "3,000,000.50元" in text
    assert capitals(Decimal("3000000.50")) in text and "叁佰万" in text
    assert "桂科资字〔2026〕12号" in text
    assert "关于下达2026年度中试研究基地建设支持资金的通知" in text
    assert "两年内使用完毕" in text


def test_no_notice_before_approval_nor_for_another_base(client):
    w = cw.build()
    grant = cw.proposed(w)
    url = reverse("subsidies:construction_notice", args=[grant.pk])
    client.force_login(w.staff)
    assert client.get(url).status_code == 404
    client.force_login(w.users["plain"])
    assert client.get(url).status_code == 404
