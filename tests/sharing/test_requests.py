"""服务需求 services: a requester makes a request (numbered, due in working days, logged on the base's timeline),
each side runs only its own transitions (the other side 403), every refusal says why, each step tells the other
side."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import override_settings
from django.utils import timezone

from pilotbase.models import BaseStatus, Notification, TransitionLog
from pilotbase.recipients import Kind
from pilotbase.workdays import add_working_days
from pilotbase.workflow import CREATE, StaleState, WorkflowError, record_refresh
from sharing.models import RequestState, ServiceRequest
from sharing.services import requests as svc

from .conftest import add_offering, make_base, make_request, request_data

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate


# ---- request_create ---------------------------------------------------------------------------------------
@override_settings(SERVICE_REQUEST_REPLY_WORKING_DAYS=5)
def test_a_requester_makes_a_numbered_request_logged_on_the_bases_timeline(base, applicant, requester):
    offering = add_offering(base, applicant)
    req = svc.request_create(base=base, actor=requester, data=request_data(), offering=offering)
    year = TODAY().year
    assert (req.number, req.state, req.requester, req.created_by, req.offering) == (
        f"FW{year}-00001", RequestState.SUBMITTED, requester.organization, requester, offering)
    assert req.reply_due == add_working_days(TODAY(), 5)
    assert make_request(base, requester).number == f"FW{year}-00002"
    log = TransitionLog.objects.get(record_id=req.pk, transition=CREATE)
    assert (log.subject_id, log.from_state, log.to_state, log.actor, log.label) == (
        base.pk, "", "submitted", requester, "提交服务需求")
    told = Notification.objects.filter(kind=Kind.SERVICE_REQUEST_SUBMITTED)
    assert {n.recipient for n in told} == {applicant}  # the lead unit's user, once per request


def test_without_a_voucher_the_voucher_fields_are_dropped(base, requester):
    req = make_request(base, requester, uses_voucher=False, voucher_number="X-1", voucher_amount=Decimal("5"))
    assert (req.uses_voucher, req.voucher_number, req.voucher_amount) == (False, "", None)


@pytest.mark.parametrize(("over", "field", "message"), [
    ({"voucher_number": " "}, "voucher_number", "使用科技创新券时请填写创新券编号。"),
    ({"voucher_amount": None}, "voucher_amount", "使用科技创新券时请填写使用金额。"),
    ({"voucher_amount": Decimal("0")}, "voucher_amount", "创新券使用金额须大于0。"),
    ({"voucher_amount": Decimal("60000")}, "voucher_amount", "创新券使用金额不能超过预算（50000元）。"),
    ({"wanted_by": timezone.localdate() - timedelta(days=1)}, "wanted_by", "期望完成日期不能早于今天。"),
    ({"title": "  "}, "title", "请填写需求名称。"),
    ({"budget": Decimal("-1")}, "budget", "金额不能为负数。"),
])
def test_a_bad_request_is_refused_by_field(base, requester, over, field, message):
    with pytest.raises(ValidationError) as exc:
        make_request(base, requester, **over)
    assert exc.value.message_dict[field] == [message]
    assert not ServiceRequest.objects.exists()


def test_a_voucher_without_a_budget_is_not_capped(base, requester):
    assert make_request(base, requester, budget=None, voucher_amount=Decimal("99999")).pk


@pytest.mark.parametrize("who", ["applicant", "department_user", "partner"])
def test_only_a_requester_makes_requests(request, base, who):
    with pytest.raises(PermissionDenied):
        make_request(base, request.getfixturevalue(who))


def test_a_revoked_base_takes_no_requests(applicant, requester):
    with pytest.raises(PermissionDenied):
        make_request(make_base(applicant.organization, state=BaseStatus.REVOKED), requester)


def test_the_offering_must_be_the_bases_and_public(base, applicant, other_applicant, requester, department_user):
    other = make_base(other_applicant.organization, name="乙科技成果转化中试研究基地")
    with pytest.raises(WorkflowError, match="不属于该基地"):
        svc.request_create(base=base, actor=requester, data=request_data(), offering=add_offering(other, other_applicant))
    hidden = add_offering(base, applicant)
    from sharing.services import catalogue

    catalogue.offering_hide(offering=hidden, actor=department_user, reason="不公开")
    hidden = type(hidden).objects.get(pk=hidden.pk)
    with pytest.raises(WorkflowError):
        svc.request_create(base=base, actor=requester, data=request_data(), offering=hidden)


# ---- the whole path -------------------------------------------------------------------------------------
@override_settings(SERVICE_REQUEST_CONFIRM_WORKING_DAYS=10)
def test_quote_accept_start_deliver_confirm(base, applicant, requester):
    req = make_request(base, requester)
    req = svc.request_quote(request=req, actor=applicant, amount=Decimal("45000"),
                            valid_until=TODAY() + timedelta(days=10), note="含检测报告。",
                            expected_state="submitted")
    assert (req.state, req.quote_amount, req.quote_note) == ("quoted", Decimal("45000"), "含检测报告。")
    req = svc.request_accept(request=req, actor=requester)
    req = svc.request_start(request=req, actor=applicant)
    req = svc.request_deliver(request=req, actor=applicant, note="交付报告。")
    assert (req.state, req.confirm_due) == ("delivered", add_working_days(TODAY(), 10))
    req = svc.request_confirm(request=req, actor=requester)
    assert req.state == RequestState.CONFIRMED and req.closed_at
    logs = list(TransitionLog.objects.filter(record_id=req.pk, subject_id=base.pk).order_by("id")
                .values_list("transition", flat=True))
    assert logs == [CREATE, "quote", "accept", "start", "deliver", "confirm"]
    kinds = list(Notification.objects.order_by("id").values_list("recipient__username", "kind"))
    assert kinds == [(applicant.username, Kind.SERVICE_REQUEST_SUBMITTED),
                     (requester.username, Kind.SERVICE_REQUEST_ANSWERED),
                     (applicant.username, Kind.SERVICE_REQUEST_ANSWERED),
                     (requester.username, Kind.SERVICE_REQUEST_PROGRESS),
                     (requester.username, Kind.SERVICE_REQUEST_PROGRESS),
                     (applicant.username, Kind.SERVICE_REQUEST_PROGRESS)]


def test_dispute_then_rework_then_confirm(base, applicant, requester):
    req = _delivered(base, applicant, requester)
    with pytest.raises(WorkflowError, match="请填写异议内容"):
        svc.request_dispute(request=req, actor=requester, reason=" ")
    req = svc.request_dispute(request=req, actor=requester, reason="第2批次指标不达标。")
    assert (req.state, req.dispute_reason) == ("disputed", "第2批次指标不达标。")
    req = svc.request_rework(request=req, actor=applicant)
    assert (req.state, req.delivered_at, req.confirm_due) == ("in_progress", None, None)
    req = svc.request_deliver(request=req, actor=applicant, note="重新交付。")
    req = svc.request_dispute(request=req, actor=requester, reason="仍有问题。")
    assert svc.request_confirm(request=req, actor=requester).state == "confirmed"  # accepted after all


def _quoted(base, applicant, requester, **over):
    req = make_request(base, requester, **over)
    return svc.request_quote(request=req, actor=applicant, amount=Decimal("45000"),
                             valid_until=TODAY() + timedelta(days=5))


def _delivered(base, applicant, requester):
    req = svc.request_accept(request=_quoted(base, applicant, requester), actor=requester)
    req = svc.request_start(request=req, actor=applicant)
    return svc.request_deliver(request=req, actor=applicant, note="交付。")


def test_the_ends_with_their_reasons(base, applicant, requester):
    req = make_request(base, requester)
    with pytest.raises(WorkflowError, match="请填写婉拒的理由"):
        svc.request_decline(request=req, actor=applicant, reason="")
    req = svc.request_decline(request=req, actor=applicant, reason="档期已满。")
    assert (req.state, req.answer_reason) == ("declined", "档期已满。")
    req = _quoted(base, applicant, requester)
    with pytest.raises(WorkflowError, match="请填写不接受报价的理由"):
        svc.request_refuse(request=req, actor=requester, reason="")
    assert svc.request_refuse(request=req, actor=requester, reason="价格过高。").state == "refused"
    assert svc.request_withdraw(request=make_request(base, requester), actor=requester).state == "withdrawn"
    req = _quoted(base, applicant, requester)
    assert svc.request_withdraw(request=req, actor=requester, reason="另有安排。").answer_reason == "另有安排。"


@pytest.mark.parametrize(("amount", "days", "message"), [
    (Decimal("-1"), 5, "报价金额不能为负数。"), (Decimal("100"), -1, "报价有效期不能早于今天。")])
def test_a_bad_quote_is_refused(base, applicant, requester, amount, days, message):
    req = make_request(base, requester)
    with pytest.raises(WorkflowError, match=message):
        svc.request_quote(request=req, actor=applicant, amount=amount, valid_until=TODAY() + timedelta(days=days))
    record_refresh(req)
    assert req.state == "submitted"


def test_a_zero_quote_valid_today_is_fine(base, applicant, requester):
    req = make_request(base, requester)
    assert svc.request_quote(request=req, actor=applicant, amount=Decimal("0"), valid_until=TODAY()).state == "quoted"


def test_accepting_a_lapsed_quote_or_one_below_the_voucher_is_refused(base, applicant, requester):
    req = make_request(base, requester)
    req = svc.request_quote(request=req, actor=applicant, amount=Decimal("10000"), valid_until=TODAY())
    with pytest.raises(WorkflowError, match="使用科技创新券的金额不能超过报价金额"):
        svc.request_accept(request=req, actor=requester)
    req = _quoted(base, applicant, requester)
    ServiceRequest.objects.filter(pk=req.pk).update(quote_valid_until=TODAY() - timedelta(days=1))
    record_refresh(req)
    with pytest.raises(WorkflowError, match="报价已过有效期"):
        svc.request_accept(request=req, actor=requester)


def test_stale_state_is_refused(base, applicant, requester):
    req = make_request(base, requester)
    with pytest.raises(StaleState):
        svc.request_start(request=req, actor=applicant, expected_state="accepted")


# ---- each side its own steps --------------------------------------------------------------------------------
BASE_SIDE = [("quote", {"amount": Decimal("1"), "valid_until": None}), ("decline", {"reason": "不做"})]
OWNER_SIDE = [("withdraw", {"reason": ""})]


@pytest.mark.parametrize("who", ["requester", "other_applicant", "partner", "department_user", "other_requester"])
def test_only_the_lead_unit_answers(request, base, requester, who):
    req = make_request(base, requester)
    actor = request.getfixturevalue(who)
    with pytest.raises(PermissionDenied):
        svc.request_quote(request=req, actor=actor, amount=Decimal("1"), valid_until=TODAY())
    with pytest.raises(PermissionDenied):
        svc.request_decline(request=req, actor=actor, reason="不做")


@pytest.mark.parametrize("who", ["applicant", "other_requester", "department_user"])
def test_only_the_requester_answers(request, base, applicant, requester, who):
    actor = request.getfixturevalue(who)
    req = _quoted(base, applicant, requester)
    for run in (lambda: svc.request_accept(request=req, actor=actor),
                lambda: svc.request_refuse(request=req, actor=actor, reason="贵"),
                lambda: svc.request_withdraw(request=req, actor=actor)):
        with pytest.raises(PermissionDenied):
            run()
    req = _delivered(base, applicant, requester)
    with pytest.raises(PermissionDenied):
        svc.request_confirm(request=req, actor=actor)
    with pytest.raises(PermissionDenied):
        svc.request_dispute(request=req, actor=actor, reason="不满意")


def test_the_requester_does_not_run_the_bases_steps(base, applicant, requester):
    req = svc.request_accept(request=_quoted(base, applicant, requester), actor=requester)
    with pytest.raises(PermissionDenied):
        svc.request_start(request=req, actor=requester)
    req = svc.request_start(request=req, actor=applicant)
    with pytest.raises(PermissionDenied):
        svc.request_deliver(request=req, actor=requester, note="自己交付")


def test_the_portal_expires_only_a_lapsed_quote(base, applicant, requester):
    req = _quoted(base, applicant, requester)
    with pytest.raises(WorkflowError, match="报价尚在有效期内"):
        svc.request_expire(request=req)
    with pytest.raises(PermissionDenied):  # nobody but the portal
        from pilotbase.workflow import transition_run

        transition_run(instance=req, name="expire", actor=requester)
