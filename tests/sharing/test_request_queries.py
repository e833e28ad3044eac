"""Query counts of the request lists: the count with four rows equals the count with one (after a warm-up request):
我的服务需求, the base side's 服务需求 (bare and by state), staff's list (bare and filtered)."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from sharing.services import requests as svc
from tests import factories as f
from tests.queries import assert_constant as _grows

from .conftest import add_offering, make_base, request_data

pytestmark = pytest.mark.django_db


def _adder(base, requester, applicant=None):
    def add(k):
        offering = add_offering(base, applicant) if applicant is not None else None
        for _ in range(k):
            req = svc.request_create(base=base, actor=requester, data=request_data(),
                                     offering=offering)
            if applicant is not None:
                svc.request_quote(request=req, actor=applicant, amount=Decimal("1000"),
                                  valid_until=timezone.localdate())
    return add


def test_my_requests(client, base, requester):
    client.force_login(requester)
    _grows(client, reverse("sharing:request_mine"), _adder(base, requester), 'class="request-title"')


@pytest.mark.parametrize("query", ["", "?state=quoted", "?state=open"])
def test_incoming_requests(client, base, applicant, requester, query):
    client.force_login(applicant)
    _grows(client, reverse("sharing:request_incoming") + query, _adder(base, requester, applicant),
           'class="request-title"')


@pytest.mark.parametrize("query", ["", "?state=quoted&year=2026", "?q=FW"])
def test_staff_requests(client, department_user, applicant, other_applicant, requester, query):
    client.force_login(department_user)
    bases = [make_base(applicant.organization), make_base(other_applicant.organization, name="乙科技成果转化中试研究基地")]
    keepers = [applicant, other_applicant]
    other = f.RequesterUserFactory()

    def add(k):
        for i in range(k):
            _adder(bases[i % 2], [requester, other][i % 2], keepers[i % 2])(1)

    query = query.replace("2026", str(timezone.localdate().year))
    _grows(client, reverse("sharing:request_staff_list") + query, add, 'class="request-title"')
