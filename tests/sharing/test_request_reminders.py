"""服务需求 reminders: the base's answer (before and overdue), a quote about to lapse, a delivery awaiting
confirmation, each sent once (a second sweep sends nothing); the sweep lets lapsed quotes expire."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.test import override_settings

from pilotbase import registry
from pilotbase.models import Notification, Reminder
from pilotbase.recipients import Kind
from pilotbase.workflow import record_refresh
from sharing.models import RequestState, ServiceRequest
from sharing.services import requests as svc
from sharing.services.request_reminders import quotes_expire, request_reminders_sweep
from tests.clock import local_noon

from .conftest import make_request

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("_two_days")]


@pytest.fixture
def _two_days():
    with override_settings(SERVICE_REQUEST_REMIND_DAYS=2):
        yield


def day(n: int):
    return local_noon(n).date()


def reminders():
    return list(Notification.objects.filter(kind=Kind.SERVICE_REQUEST_REMINDER).order_by("id")
                .values_list("recipient__username", "title"))


def _set(req, **values):
    ServiceRequest.objects.filter(pk=req.pk).update(**values)
    record_refresh(req)


def test_the_bases_answer_before_and_overdue_once_each(base, applicant, requester):
    req = make_request(base, requester)
    _set(req, reply_due=day(5))
    assert request_reminders_sweep(today=day(0)) == 0  # 5 days left: not yet
    assert request_reminders_sweep(today=day(3)) == 1  # 2 days left
    assert request_reminders_sweep(today=day(4)) == 0  # once
    assert request_reminders_sweep(today=day(6)) == 1  # overdue
    assert request_reminders_sweep(today=day(7)) == 0
    assert [who for who, _t in reminders()] == [applicant.username, applicant.username]
    assert "服务需求待答复" in reminders()[0][1]


def test_a_quote_about_to_lapse_reminds_the_requester_once(base, applicant, requester):
    req = svc.request_quote(request=make_request(base, requester), actor=applicant, amount=Decimal("45000"),
                            valid_until=day(2))
    assert request_reminders_sweep(today=day(0)) == 1
    assert request_reminders_sweep(today=day(1)) == 0
    assert reminders() == [(requester.username, reminders()[0][1])] and "报价即将过期" in reminders()[0][1]
    assert req.state == "quoted"


def test_a_delivery_awaiting_confirmation_before_and_overdue(base, applicant, requester):
    req = svc.request_quote(request=make_request(base, requester), actor=applicant, amount=Decimal("45000"),
                            valid_until=day(5))
    req = svc.request_accept(request=req, actor=requester)
    req = svc.request_start(request=req, actor=applicant)
    req = svc.request_deliver(request=req, actor=applicant, note="交付。")
    _set(req, confirm_due=day(1))
    assert request_reminders_sweep(today=day(0)) == 1
    assert request_reminders_sweep(today=day(0)) == 0
    assert request_reminders_sweep(today=day(2)) == 1
    assert request_reminders_sweep(today=day(3)) == 0
    assert [who for who, _t in reminders()] == [requester.username, requester.username]
    assert Reminder.objects.count() == 2


def test_ended_requests_are_not_reminded(base, applicant, requester):
    req = make_request(base, requester)
    svc.request_decline(request=req, actor=applicant, reason="不做。")
    _set(req, reply_due=day(-1))
    assert request_reminders_sweep(today=day(0)) == 0


def test_lapsed_quotes_expire_once(base, applicant, requester):
    lapsed = svc.request_quote(request=make_request(base, requester), actor=applicant, amount=Decimal("45000"),
                               valid_until=day(0))
    valid = svc.request_quote(request=make_request(base, requester, title="另一需求"), actor=applicant,
                              amount=Decimal("45000"), valid_until=day(3))
    _set(lapsed, quote_valid_until=day(-1))
    before = Notification.objects.count()
    assert quotes_expire() == 1
    assert quotes_expire() == 0
    record_refresh(lapsed)
    record_refresh(valid)
    assert (lapsed.state, valid.state) == (RequestState.EXPIRED, RequestState.QUOTED)
    assert Notification.objects.count() == before + 2  # the requester and the base are told


def test_the_registered_sweepers_run_both_and_a_second_sweep_sends_nothing(base, applicant, requester):
    req = make_request(base, requester)
    _set(req, reply_due=day(1))
    quoted = svc.request_quote(request=make_request(base, requester, title="乙"), actor=applicant,
                               amount=Decimal("45000"), valid_until=day(0))
    _set(quoted, quote_valid_until=day(-1))
    first = sum(sweeper() for sweeper in registry.sweepers())
    assert first >= 1
    record_refresh(quoted)
    assert quoted.state == RequestState.EXPIRED
    count = Notification.objects.count()
    assert sum(sweeper() for sweeper in registry.sweepers()) == 0
    assert Notification.objects.count() == count


@pytest.mark.parametrize("title", ["<b>检测</b> & “放大”", "", "很长的需求名称" * 20])
def test_the_reminder_reads_as_notify_would_write_it(base, applicant, requester, title):
    """The sweep fills one rendering per kind; for titles that escape, are empty or long it equals notify's own."""
    from pilotbase.notifications import Due, Text, _Stencils

    stencils = _Stencils()
    for number in ("FW2026-00001", "FW2026-00002"):
        due = Due(key=number, recipient=applicant, kind=Kind.SERVICE_REQUEST_REMINDER, template="service_request",
                  url="/sharing/requests/1/", context={"headline": "服务需求待答复", "message": Text(f"{title}须答复"),
                                                     "number": Text(number), "title": Text(title)})
        assert stencils.letter(due) == stencils._rendered(due)
    assert all(stencil is not None for stencil in stencils.kinds.values())
