"""The demo data of 开放共享: every demo base keeps a catalogue (so the requester can pick a service and the staff
catalogue page has rows), and the demo requests are made for one of its entries."""

from __future__ import annotations

import pytest

from sharing.demo import seed_catalogue, seed_requests
from sharing.models import ServiceOffering, ServiceRequest

from .conftest import make_base

pytestmark = pytest.mark.django_db


def test_the_demo_bases_have_a_catalogue_and_the_requests_name_an_entry(applicant, requester, other_applicant):
    first = make_base(applicant.organization)
    second = make_base(other_applicant.organization, name="广西示范生物医药科技成果转化中试研究基地")
    seed_requests({"users": {"requester": requester}})
    for base in (first, second):
        assert ServiceOffering.objects.filter(base=base, hidden=False).count() == 2
    assert ServiceRequest.objects.exists()
    assert not ServiceRequest.objects.filter(offering__isnull=True).exists()
    seed_catalogue()  # a second run adds nothing
    assert ServiceOffering.objects.count() == 4
