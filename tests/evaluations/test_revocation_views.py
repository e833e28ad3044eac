"""The revocation pages: staff's list with the evidence, the record's actions box (four eyes), the plaque box."""

from datetime import date

import pytest
from django.urls import reverse

from evaluations.models import Revocation, RevocationState
from evaluations.services import revocation as svc
from pilotbase.models import BaseStatus, Certificate
from tests import factories as f
from tests.evaluations.consequences_world import build

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(staff, nanning_bureau):
    w = build(staff=staff, bureau=nanning_bureau, histories={"连败": "BCFF", "良好": "BBBB"})
    svc.revocations_detect()
    return w


def _rev(world):
    return Revocation.objects.get(base=world.bases["连败"])


def test_the_list_shows_the_candidate_with_its_years(client, world):
    client.force_login(world.staff)
    html = client.get(reverse("evaluations:revocation_list")).content.decode()
    assert world.bases["连败"].name in html and "2024、2025年度不合格" in html
    assert world.bases["良好"].name not in html


def test_the_detail_shows_the_evidence_and_the_propose_action(client, world):
    client.force_login(world.staff)
    html = client.get(reverse("evaluations:revocation_detail", args=[_rev(world).pk])).content.decode()
    assert 'id="evidence"' in html and html.count("不合格</td>") == 2
    assert 'value="propose"' in html and 'value="dismiss"' in html and 'value="confirm"' not in html


def test_propose_then_the_proposer_cannot_confirm_but_a_colleague_can(client, world):
    rev = _rev(world)
    url = reverse("evaluations:revocation_detail", args=[rev.pk])
    client.force_login(world.staff)
    response = client.post(
        url, {"transition": "propose", "expected_state": "listed", "propose-opinion": "建议撤销。"}
    )
    assert response.status_code == 302
    html = client.get(url).content.decode()
    assert 'id="awaits-second"' in html and 'value="confirm"' not in html
    client.post(
        url, {"transition": "confirm", "expected_state": "proposed", "confirm-revoked_on": "2026-11-30"}
    )
    assert Revocation.objects.get(pk=rev.pk).state == RevocationState.PROPOSED
    messages = [str(m) for m in client.get(url).context["messages"]]
    assert any("须由提请撤销以外的另一名工作人员确认" in m for m in messages)

    client.force_login(world.second)
    html = client.get(url).content.decode()
    assert 'value="confirm"' in html and "data-confirm=" in html
    response = client.post(
        url, {"transition": "confirm", "expected_state": "proposed", "confirm-revoked_on": "2026-11-30"}
    )
    assert response.status_code == 302
    rev.refresh_from_db()
    assert (rev.state, rev.revoked_on) == (RevocationState.REVOKED, date(2026, 11, 30))
    html = client.get(url).content.decode()
    assert "尚未登记收回" in html and 'value="record_plaque_return"' in html
    client.post(
        url,
        {
            "transition": "record_plaque_return",
            "expected_state": BaseStatus.REVOKED,
            "record_plaque_return-plaque_returned_on": "2026-12-02",
            "record_plaque_return-plaque_return_note": "牵头单位交回",
        },
    )
    assert rev.base.__class__.objects.get(pk=rev.base_id).plaque_returned_on == date(2026, 12, 2)
    certificate = Certificate.objects.get(base=rev.base)
    public = client.get(reverse("public:verify", args=[certificate.token])).content.decode()
    assert "2026年11月30日" in public and 'id="verify-revoked-reason"' in public


def test_a_form_error_keeps_the_page_and_what_was_typed(client, world):
    client.force_login(world.staff)
    url = reverse("evaluations:revocation_detail", args=[_rev(world).pk])
    response = client.post(url, {"transition": "dismiss", "expected_state": "listed", "dismiss-reason": ""})
    assert response.status_code == 400 and "请填写不予撤销的理由" in response.content.decode()


def test_the_base_side_reads_only_a_confirmed_revocation(client, world):
    rev = _rev(world)
    url = reverse("evaluations:revocation_detail", args=[rev.pk])
    unit = world.units["连败"]
    client.force_login(unit)
    assert client.get(url).status_code == 404
    svc.revocation_confirm(
        revocation=svc.revocation_propose(revocation=rev, actor=world.staff, opinion="撤销"),
        actor=world.second,
    )
    response = client.get(url)
    assert response.status_code == 200 and 'name="transition"' not in response.content.decode()  # no actions
    client.force_login(world.authority)
    assert client.get(url).status_code == 200
    client.force_login(f.AuthorityUserFactory())
    assert client.get(url).status_code == 404
    client.force_login(world.units["良好"])
    assert client.get(url).status_code == 404


def test_propose_for_another_reason_from_the_form(client, world):
    base = world.bases["良好"]
    client.force_login(world.staff)
    url = reverse("evaluations:revocation_propose_other", args=[base.pk])
    response = client.post(url, {"reason_kind": "major_accident", "reason": ""})
    assert response.status_code == 400 and "请填写撤销原因" in response.content.decode()
    response = client.post(url, {"reason_kind": "major_accident", "reason": "2026年发生重大安全事故。"})
    rev = Revocation.objects.get(base=base)
    assert response["Location"] == reverse("evaluations:revocation_detail", args=[rev.pk])
    assert (rev.state, rev.reason_kind) == (RevocationState.PROPOSED, "major_accident")


def test_search_and_the_excel_export_of_what_is_filtered(client, world):
    from io import BytesIO

    from openpyxl import load_workbook

    svc.revocation_propose_other(
        base=world.bases["良好"], actor=world.staff, reason_kind="fraud", reason="弄虚作假。"
    )
    client.force_login(world.staff)
    html = client.get(reverse("evaluations:revocation_list"), {"q": "良好"}).content.decode()
    assert world.bases["良好"].name in html and world.bases["连败"].name not in html
    response = client.get(reverse("evaluations:revocation_export"), {"q": "连败"})
    assert response.status_code == 200
    sheet = load_workbook(BytesIO(response.content), read_only=True).active
    names = [row[0] for row in sheet.iter_rows(values_only=True)]
    assert world.bases["连败"].name in names and world.bases["良好"].name not in names
