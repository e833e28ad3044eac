"""Query counts of the catalogue's lists: the count with four rows equals the count with one (after a warm-up
request): the public directory (bare and with the service filters), the base's catalogue page (keeper and staff,
whose rows carry the hide action), the base's page with its panel, staff's list of every entry."""

from __future__ import annotations

import pytest
from django.urls import reverse

from tests import factories as f
from tests.queries import assert_constant as _grows

from .conftest import add_offering, make_base

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("query", ["", "?service_kind=testing", "?vouchers=on", "?service_kind=testing&vouchers=on"])
def test_public_directory(client, db, query):
    made = []

    def add(k):
        for _ in range(k):
            org = f.ApplicantOrgFactory()
            user = f.ApplicantUserFactory(organization=org)
            base = make_base(org, name=f"广西第{len(made)}号科技成果转化中试研究基地")
            add_offering(base, user, title=f"检测服务{len(made)}号")
            add_offering(base, user, title=f"放大服务{len(made)}号", kind="scale_up", accepts_vouchers=False)
            made.append(base)

    _grows(client, reverse("public:base_list") + query, add, "科技成果转化中试研究基地</a>")


def test_public_base_page(client, base, applicant):
    _grows(client, reverse("public:base_detail", args=[base.pk]),
           lambda k: [add_offering(base, applicant, title=f"服务甲{i}") for i in range(k)], 'id="service-title-')


@pytest.mark.parametrize("who", ["applicant", "department_user"])
def test_base_catalogue_page(request, client, base, applicant, who):
    client.force_login(request.getfixturevalue(who))
    _grows(client, reverse("sharing:base_offerings", args=[base.pk]),
           lambda k: [add_offering(base, applicant, title=f"服务乙{i}") for i in range(k)], 'id="offering-title-')


def test_base_page_panel(client, base, applicant):
    client.force_login(applicant)
    _grows(client, reverse("evaluations:base_detail", args=[base.pk]),
           lambda k: [add_offering(base, applicant, title=f"服务丙{i}号") for i in range(k)], "号</td>")


def test_staff_offering_list(client, department_user, applicant, other_applicant):
    client.force_login(department_user)
    bases = [make_base(applicant.organization), make_base(other_applicant.organization, name="乙科技成果转化中试研究基地")]
    users = [applicant, other_applicant]

    def add(k):
        for i in range(k):
            add_offering(bases[i % 2], users[i % 2], title=f"服务丁{i}")

    _grows(client, reverse("sharing:offering_list"), add, "<td>服务丁")
