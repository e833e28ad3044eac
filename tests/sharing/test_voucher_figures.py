"""The portal's figures of a base's year (sharing.selectors_vouchers.base_year_figures): voucher income, pilot
projects for outside units and client enterprises in / outside Guangxi, from delivered or confirmed requests in
the local calendar year of delivery."""

from __future__ import annotations

from decimal import Decimal

import pytest

from sharing.selectors_vouchers import BaseFigures, base_year_figures, report_prefill

from .conftest import make_base
from .request_world import local, make_request, requester_in

pytestmark = pytest.mark.django_db


@pytest.fixture
def nanning(db):
    return requester_in("nanning", name="南宁需求企业有限公司")


@pytest.fixture
def liuzhou(db):
    return requester_in("liuzhou", name="柳州需求企业有限公司")


@pytest.fixture
def guangdong(db):
    return requester_in(None, name="广东区外需求企业有限公司")


def test_a_voucher_and_a_plain_request_of_the_year(base, applicant, nanning, liuzhou):
    make_request(base, applicant, nanning, to="confirmed", voucher=Decimal("3000.00"), delivered_at=local(2026, 3))
    make_request(base, applicant, liuzhou, to="delivered", delivered_at=local(2026, 9))
    assert base_year_figures([base.pk], 2026) == {base.pk: BaseFigures(
        voucher_income=Decimal("3000.00"), pilot_projects_outside=2, clients_in_guangxi=2, clients_outside_guangxi=0)}


def test_disputed_open_and_ended_requests_do_not_count(base, applicant, nanning):
    for state in ("submitted", "quoted", "accepted", "in_progress", "disputed"):
        make_request(base, applicant, nanning, to=state, voucher=Decimal("500.00"))
    assert base_year_figures([base.pk], local(2026).year)[base.pk] == BaseFigures()


def test_another_year_does_not_count(base, applicant, nanning):
    make_request(base, applicant, nanning, to="confirmed", voucher=Decimal("800.00"), delivered_at=local(2025, 12, 31))
    make_request(base, applicant, nanning, to="confirmed", voucher=Decimal("1200.00"), delivered_at=local(2026, 1, 1))
    assert base_year_figures([base.pk], 2025)[base.pk].voucher_income == Decimal("800.00")
    assert base_year_figures([base.pk], 2026)[base.pk].voucher_income == Decimal("1200.00")
    assert base_year_figures([base.pk], 2027)[base.pk] == BaseFigures()


def test_the_year_is_the_local_one(base, applicant, nanning):
    """00:30 on 1 January in Nanning is still 31 December in UTC: the request is 2026's."""
    make_request(base, applicant, nanning, to="delivered", voucher=Decimal("100.00"),
                 delivered_at=local(2026, 1, 1, hour=0, minute=30))
    assert base_year_figures([base.pk], 2025)[base.pk].pilot_projects_outside == 0
    assert base_year_figures([base.pk], 2026)[base.pk].pilot_projects_outside == 1


def test_clients_are_distinct_and_placed_by_city(base, applicant, nanning, liuzhou, guangdong):
    year = 2026
    for who in (nanning, nanning, liuzhou, guangdong, guangdong):
        make_request(base, applicant, who, to="confirmed", delivered_at=local(year))
    figures = base_year_figures([base.pk], year)[base.pk]
    assert (figures.pilot_projects_outside, figures.clients_in_guangxi, figures.clients_outside_guangxi) == (5, 2, 1)
    assert figures.voucher_income == Decimal("0.00")


def test_each_base_its_own_and_a_base_without_requests_gets_zeros(base, applicant, other_applicant, nanning):
    other = make_base(other_applicant.organization, name="柳州另一家科技成果转化中试研究基地")
    make_request(base, applicant, nanning, to="confirmed", voucher=Decimal("2500.50"), delivered_at=local(2026))
    figures = base_year_figures([base.pk, other.pk], 2026)
    assert figures[other.pk] == BaseFigures()
    assert report_prefill([base.pk], 2026) == {base.pk: {
        "voucher_income": Decimal("2500.50"), "pilot_projects_outside": 1, "clients_in_guangxi": 1,
        "clients_outside_guangxi": 0}}


def test_the_figures_take_one_query(base, applicant, nanning, django_assert_num_queries):
    make_request(base, applicant, nanning, to="confirmed", voucher=Decimal("10.00"), delivered_at=local(2026))
    with django_assert_num_queries(1):
        base_year_figures([base.pk], 2026)
