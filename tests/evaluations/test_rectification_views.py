"""The rectification pages: staff open one from a 整改 grade, the lead unit writes its report and files, staff
re-check from the actions box; an authority sees its region's, a unit its own, everybody else 404."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from applications.demo import tiny_pdf
from evaluations.models import EvaluationResult, Rectification, RectificationState, ResultSource
from pilotbase.models import BaseStatus
from tests import factories as f
from tests.evaluations.consequences_world import build

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(staff, nanning_bureau):
    w = build(staff=staff, bureau=nanning_bureau, histories={"整改": "BBC", "良好": "BBB"})
    # the 2025 整改 grade as a published round records it (source=evaluated; rounds are H1's stage)
    w.result = EvaluationResult.objects.create(
        base=w.bases["整改"], year=2025, grade="rectify", source=ResultSource.EVALUATED
    )
    return w


def _open(client, world) -> Rectification:
    client.force_login(world.staff)
    html = client.get(reverse("evaluations:rectification_list")).content.decode()
    assert (
        'id="awaiting"' in html and reverse("evaluations:rectification_open", args=[world.result.pk]) in html
    )
    url = reverse("evaluations:rectification_open", args=[world.result.pk])
    response = client.post(url, {"requirements": "", "deadline": "2020-01-01"})
    assert response.status_code == 400
    assert "请填写整改要求" in response.content.decode() and "整改期限应晚于今天" in response.content.decode()
    response = client.post(url, {"requirements": "公开收费标准。", "deadline": "2027-12-01"})
    rec = Rectification.objects.get(result=world.result)
    assert response["Location"] == reverse("evaluations:rectification_detail", args=[rec.pk])
    return rec


def test_open_report_and_accept_through_the_pages(client, world):
    rec = _open(client, world)
    detail = reverse("evaluations:rectification_detail", args=[rec.pk])
    report = reverse("evaluations:rectification_report", args=[rec.pk])
    unit = world.units["整改"]
    client.force_login(unit)
    html = client.get(detail).content.decode()
    assert 'id="edit-report"' in html and 'value="submit_report"' not in html
    assert 'id="submit-hint"' in html and "请先填写整改报告" in html
    assert client.post(report, {"action": "save", "report": "已在官网公开收费标准。"}).status_code == 302
    assert 'value="submit_report"' in client.get(detail).content.decode()
    upload = SimpleUploadedFile("收费标准.pdf", tiny_pdf("fees"), content_type="application/pdf")
    assert client.post(report, {"action": "upload", "file": upload}).status_code == 302
    bad = SimpleUploadedFile("脚本.pdf", b"#!/bin/sh\necho", content_type="application/pdf")
    response = client.post(report, {"action": "upload", "file": bad})
    assert response.status_code == 400 and "可执行程序或脚本" in response.content.decode()
    file = rec.files.get()
    download = client.get(reverse("evaluations:rectification_file", args=[rec.pk, file.pk]))
    assert download.status_code == 200
    client.post(detail, {"transition": "submit_report", "expected_state": "open"})
    assert Rectification.objects.get(pk=rec.pk).state == RectificationState.REPORTED

    client.force_login(world.staff)
    html = client.get(detail).content.decode()
    assert 'value="accept"' in html and 'value="reject"' in html and "已在官网公开收费标准。" in html
    client.post(
        detail, {"transition": "accept", "expected_state": "reported", "accept-opinion": "整改到位。"}
    )
    rec.refresh_from_db()
    assert (rec.state, rec.base.state) == (RectificationState.ACCEPTED, BaseStatus.ACTIVE)


def test_who_sees_a_rectification(client, world):
    rec = _open(client, world)
    detail = reverse("evaluations:rectification_detail", args=[rec.pk])
    for user, status in [
        (world.units["整改"], 200),
        (world.authority, 200),
        (world.units["良好"], 404),
        (f.AuthorityUserFactory(), 404),
        (f.AgencyUserFactory(), 404),
        (f.ExpertUserFactory(), 404),
    ]:
        client.force_login(user)
        assert client.get(detail).status_code == status, user
    client.force_login(world.units["良好"])
    assert client.get(reverse("evaluations:rectification_report", args=[rec.pk])).status_code == 404
    html = client.get(reverse("evaluations:rectification_list")).content.decode()
    assert world.bases["整改"].name not in html


def test_the_base_page_panel_lists_the_rectification(client, world):
    rec = _open(client, world)
    client.force_login(world.units["整改"])
    html = client.get(reverse("evaluations:base_detail", args=[rec.base_id])).content.decode()
    assert 'id="base-consequences"' in html
    assert reverse("evaluations:rectification_detail", args=[rec.pk]) in html
    assert reverse("evaluations:revocation_propose_other", args=[rec.base_id]) not in html  # staff only


def test_the_excel_export_follows_the_filters(client, world):
    from io import BytesIO

    from openpyxl import load_workbook

    _open(client, world)
    response = client.get(reverse("evaluations:rectification_export"), {"state": "accepted"})
    rows = list(load_workbook(BytesIO(response.content), read_only=True).active.iter_rows(values_only=True))
    assert world.bases["整改"].name not in [r[0] for r in rows]
    response = client.get(reverse("evaluations:rectification_export"), {"state": "open"})
    rows = list(load_workbook(BytesIO(response.content), read_only=True).active.iter_rows(values_only=True))
    assert world.bases["整改"].name in [r[0] for r in rows]
    client.force_login(world.units["良好"])
    response = client.get(reverse("evaluations:rectification_export"))
    rows = list(load_workbook(BytesIO(response.content), read_only=True).active.iter_rows(values_only=True))
    assert world.bases["整改"].name not in [r[0] for r in rows]  # a unit exports its own only
