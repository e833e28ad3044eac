"""整改复核 by the agency: the agency commissioned for the round whose 整改 grade opened a rectification may return,
accept or not accept it like staff (the base follows in the same decision); it sees only the rectifications of its
rounds (404 otherwise), and none that staff ordered without a grade."""

from datetime import date

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from evaluations.models import EvaluationResult, RectificationState, ResultSource
from evaluations.services import rectification as svc
from evaluations.services import round as round_svc
from pilotbase.models import BaseStatus, Notification, TransitionLog
from pilotbase.workflow import available_transitions
from tests import factories as f
from tests.evaluations.consequences_world import build

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(staff, nanning_bureau):
    w = build(staff=staff, bureau=nanning_bureau, histories={"整改": "BB", "连败": "BF", "责令": "BB"})
    w.agency = f.AgencyUserFactory()
    w.other_agency = f.AgencyUserFactory()
    round_svc.round_create(actor=staff, year=2025, title="2025年度绩效考核", reference_date=date(2025, 12, 31),
                           report_deadline=date(2026, 1, 31), agency=w.agency.organization)
    return w


def _reported(world, key="整改"):
    """A rectification from the base's 2025 整改 grade (as the round's publication records it), its report filed."""
    result = EvaluationResult.objects.create(
        base=world.bases[key], year=2025, grade="rectify", source=ResultSource.EVALUATED
    )
    rec = svc.rectification_open(result=result, actor=world.staff, requirements="补齐中试设备台账。")
    svc.rectification_report_save(rectification=rec, actor=world.units[key], report="已建立台账。")
    return svc.rectification_submit(rectification=rec, actor=world.units[key])


def test_the_rounds_agency_is_told_of_the_report_and_accepts(world):
    rec = _reported(world)
    assert Notification.objects.filter(recipient=world.agency, url__contains=f"/{rec.pk}/").exists()
    assert not Notification.objects.filter(recipient=world.other_agency).exists()
    rec = svc.rectification_accept(rectification=rec, actor=world.agency, opinion="台账齐全，整改到位。")
    assert (rec.state, rec.base.state) == (RectificationState.ACCEPTED, BaseStatus.ACTIVE)
    assert rec.rechecked_by == world.agency
    rows = TransitionLog.objects.filter(actor=world.agency).values_list("decision", flat=True)
    assert len(rows) == 2 and len(set(rows)) == 1  # the rectification and the base in one decision


def test_the_rounds_agency_does_not_accept_the_year_counts_as_failed(world):
    rec = _reported(world, key="连败")
    rec = svc.rectification_reject(rectification=rec, actor=world.agency, opinion="台账仍不完整。")
    assert (rec.state, rec.base.state) == (RectificationState.NOT_ACCEPTED, BaseStatus.ACTIVE)
    assert rec.base.revocations.get().second_year == 2025  # 2024 不合格, 2025 not accepted: listed


def test_the_rounds_agency_returns_it(world):
    rec = _reported(world)
    rec = svc.rectification_return(rectification=rec, actor=world.agency, opinion="请补充台账照片。")
    assert (rec.state, rec.base.state) == (RectificationState.OPEN, BaseStatus.RECTIFYING)


def test_another_agency_may_not(world):
    rec = _reported(world)
    assert available_transitions(rec, world.other_agency) == []
    with pytest.raises(PermissionDenied):
        svc.rectification_accept(rectification=rec, actor=world.other_agency, opinion="通过。")
    rec.refresh_from_db()
    assert rec.state == RectificationState.REPORTED


def test_an_ordered_rectification_is_staffs_alone(world, client):
    rec = svc.rectification_order(base=world.bases["责令"], actor=world.staff, year=2025, reason="监督检查发现问题。",
                                  requirements="完善制度。")
    svc.rectification_report_save(rectification=rec, actor=world.units["责令"], report="已完善。")
    rec = svc.rectification_submit(rectification=rec, actor=world.units["责令"])
    assert not Notification.objects.filter(recipient=world.agency).exists()
    with pytest.raises(PermissionDenied):
        svc.rectification_accept(rectification=rec, actor=world.agency, opinion="通过。")
    client.force_login(world.agency)
    assert client.get(reverse("evaluations:rectification_detail", args=[rec.pk])).status_code == 404


def test_the_agency_rechecks_through_the_page_and_sees_only_its_rounds(world, client):
    rec = _reported(world)
    detail = reverse("evaluations:rectification_detail", args=[rec.pk])
    client.force_login(world.other_agency)
    assert client.get(detail).status_code == 404
    assert world.bases["整改"].name not in client.get(reverse("evaluations:rectification_list")).content.decode()

    client.force_login(world.agency)
    assert detail in client.get(reverse("evaluations:rectification_list")).content.decode()
    html = client.get(detail).content.decode()
    assert 'value="accept"' in html and 'value="reject"' in html and 'value="return_report"' in html
    response = client.post(detail, {"transition": "accept", "expected_state": "reported", "accept-opinion": ""})
    assert response.status_code == 400  # the opinion is required; nothing changed
    rec.refresh_from_db()
    assert rec.state == RectificationState.REPORTED
    response = client.post(
        detail, {"transition": "accept", "expected_state": "reported", "accept-opinion": "整改到位。"}
    )
    assert response.status_code == 302
    rec.refresh_from_db()
    assert (rec.state, rec.base.state, rec.recheck_opinion) == (
        RectificationState.ACCEPTED, BaseStatus.ACTIVE, "整改到位。"
    )
