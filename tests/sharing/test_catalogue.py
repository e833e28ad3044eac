"""The service catalogue: the lead unit's users keep their base's entries, staff hide one with a reason (a declared
transition, logged on the base's timeline), the public reads visible entries of bases not revoked, private contacts
never."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.urls import reverse

from pilotbase.models import BaseStatus, TransitionLog
from pilotbase.workflow import WorkflowError
from sharing.models import OfferingState, ServiceOffering
from sharing.services import catalogue as svc

from .conftest import add_offering, make_base, offering_data

pytestmark = pytest.mark.django_db


# ---- who keeps the catalogue -------------------------------------------------------------------------------
def test_the_lead_units_user_adds_edits_and_deletes(base, applicant):
    o = add_offering(base, applicant)
    assert (o.base, o.state, o.hidden) == (base, OfferingState.VISIBLE, False)
    svc.offering_update(offering=o, actor=applicant, data={"title": "力学检测（更新）"})
    o.refresh_from_db(fields=["title"])
    assert o.title == "力学检测（更新）"
    svc.offering_delete(offering=o, actor=applicant)
    assert not ServiceOffering.objects.exists()


@pytest.mark.parametrize("who", ["partner", "other_applicant", "department_user"])
def test_nobody_else_writes_the_catalogue(request, base, applicant, who):
    actor = request.getfixturevalue(who)
    with pytest.raises(PermissionDenied):
        add_offering(base, actor)
    o = add_offering(base, applicant)
    with pytest.raises(PermissionDenied):
        svc.offering_update(offering=o, actor=actor, data={"title": "改"})
    with pytest.raises(PermissionDenied):
        svc.offering_delete(offering=o, actor=actor)


@pytest.mark.parametrize(("state", "keeps"), [(BaseStatus.ACTIVE, True), (BaseStatus.RECTIFYING, True),
                                              (BaseStatus.REVOKED, False)])
def test_a_revoked_base_is_not_kept(applicant, state, keeps):
    base = make_base(applicant.organization, state=state)
    if keeps:
        assert add_offering(base, applicant).pk
    else:
        with pytest.raises(PermissionDenied):
            add_offering(base, applicant)


# ---- hide / unhide: staff, with a reason, logged ---------------------------------------------------------
def test_staff_hide_and_unhide_with_a_logged_reason(base, applicant, department_user):
    o = add_offering(base, applicant)
    svc.offering_hide(offering=o, actor=department_user, reason="收费标准与备案不符。", expected_state="visible")
    o = ServiceOffering.objects.get(pk=o.pk)
    assert (o.state, o.hidden, o.hidden_reason, o.hidden_by) == ("hidden", True, "收费标准与备案不符。", department_user)
    svc.offering_unhide(offering=o, actor=department_user, reason="已更正。")
    o = ServiceOffering.objects.get(pk=o.pk)
    assert (o.state, o.hidden, o.hidden_reason, o.hidden_by) == ("visible", False, "", None)
    logs = list(TransitionLog.objects.filter(record_id=o.pk, transition__in=["hide", "unhide"]).order_by("id"))
    assert [(x.transition, x.comment, x.subject_id, x.actor) for x in logs] == [
        ("hide", "收费标准与备案不符。", base.pk, department_user), ("unhide", "已更正。", base.pk, department_user)]


def test_hiding_needs_staff_and_a_reason(base, applicant, department_user):
    o = add_offering(base, applicant)
    with pytest.raises(PermissionDenied):
        svc.offering_hide(offering=o, actor=applicant, reason="自己隐藏")
    with pytest.raises(WorkflowError, match="请填写理由"):
        svc.offering_hide(offering=o, actor=department_user, reason="  ")
    with pytest.raises(WorkflowError):  # unhide from visible: not a transition from this state
        svc.offering_unhide(offering=o, actor=department_user, reason="无")
    assert ServiceOffering.objects.get(pk=o.pk).hidden is False


def test_hidden_mirrors_the_state_in_the_database(base, applicant):
    o = add_offering(base, applicant)
    with transaction.atomic(), pytest.raises(IntegrityError):
        ServiceOffering.objects.filter(pk=o.pk).update(hidden=True)


# ---- pages -------------------------------------------------------------------------------------------
def test_the_form_keeps_bad_input_with_chinese_messages(login, base, applicant):
    client = login(applicant)
    url = reverse("sharing:offering_create", args=[base.pk])
    data = {**offering_data(title="", fee_standard="", kind="nonsense"), "order": "abc"}
    response = client.post(url, data)
    html = response.content.decode()
    assert response.status_code == 400
    assert "请填写服务名称。" in html and "请填写收费标准。" in html and "请从列表中选择服务类型。" in html
    assert "排序请填写0或正整数。" in html
    assert "拉伸、弯曲、冲击试验。" in html and "万能试验机" in html  # what was entered stays
    assert not ServiceOffering.objects.exists()
    response = client.post(url, {**offering_data(), "order": ""})
    assert response.status_code == 302 and response["Location"] == reverse("sharing:base_offerings", args=[base.pk])
    assert ServiceOffering.objects.get().order == 0


def test_edit_and_delete_pages(login, base, applicant):
    o = add_offering(base, applicant)
    client = login(applicant)
    response = client.post(reverse("sharing:offering_edit", args=[o.pk]), offering_data(title="中试放大服务",
                                                                                      kind="scale_up"))
    assert response.status_code == 302
    assert ServiceOffering.objects.get(pk=o.pk).kind == "scale_up"
    assert client.post(reverse("sharing:offering_delete", args=[o.pk])).status_code == 302
    assert not ServiceOffering.objects.filter(pk=o.pk).exists()


def test_staff_hide_from_the_catalogue_page(login, base, applicant, department_user):
    o = add_offering(base, applicant)
    client = login(department_user)
    page = client.get(reverse("sharing:base_offerings", args=[base.pk])).content.decode()
    assert reverse("sharing:offering_hide", args=[o.pk]) in page and "offering-add" not in page
    url = reverse("sharing:offering_hide", args=[o.pk])
    client.post(url, {"reason": "", "expected_state": "visible"})
    assert ServiceOffering.objects.get(pk=o.pk).hidden is False  # no reason: refused with the message
    client.post(url, {"reason": "联系方式失效。", "expected_state": "visible"})
    assert ServiceOffering.objects.get(pk=o.pk).hidden is True
    keeper = login(applicant).get(reverse("sharing:base_offerings", args=[base.pk])).content.decode()
    assert "联系方式失效。" in keeper  # the base learns why


def test_the_base_page_panel(login, base, applicant, partner):
    add_offering(base, applicant)
    edit = reverse("sharing:base_offerings", args=[base.pk])
    mine = login(applicant).get(reverse("evaluations:base_detail", args=[base.pk])).content.decode()
    assert "材料力学性能检测" in mine and edit in mine
    theirs = login(partner).get(reverse("evaluations:base_detail", args=[base.pk])).content.decode()
    assert "材料力学性能检测" in theirs and edit not in theirs
