"""The public face of the catalogue: a base's page and the directory show the entries staff have not hidden, of
bases not revoked; the directory filters by service kind and 科技创新券; a private contact never shows."""

from __future__ import annotations

import pytest
from django.urls import reverse

from sharing.services import catalogue as svc

from .conftest import PRIVATE_CONTACT, PUBLIC_CONTACT, add_offering, make_base

pytestmark = pytest.mark.django_db


# ---- public --------------------------------------------------------------------------------------------
def test_public_page_shows_visible_entries_only(client, base, applicant, department_user):
    shown = add_offering(base, applicant, title="公开的中试放大", kind="scale_up")
    hidden = add_offering(base, applicant, title="被隐藏的检测")
    svc.offering_hide(offering=hidden, actor=department_user, reason="不符")
    html = client.get(reverse("public:base_detail", args=[base.pk])).content.decode()
    assert shown.title in html and hidden.title not in html
    listing = client.get(reverse("public:base_list")).content.decode()
    assert shown.title in listing and hidden.title not in listing


def test_a_revoked_base_shows_no_offerings(client, applicant, department_user):
    base = make_base(applicant.organization)
    add_offering(base, applicant, title="撤销前的服务", contact=PUBLIC_CONTACT, contact_public=True)
    base.revoke()
    base.save()
    html = client.get(reverse("public:base_detail", args=[base.pk])).content.decode()
    assert "已撤销认定" in html and "撤销前的服务" not in html and PUBLIC_CONTACT not in html
    for params in ({}, {"service_kind": "testing"}, {"vouchers": "on"}):
        assert "撤销前的服务" not in client.get(reverse("public:base_list"), params).content.decode()


def test_directory_filters_by_kind_and_vouchers(client, applicant, other_applicant):
    a = make_base(applicant.organization, name="甲科技成果转化中试研究基地")
    b = make_base(other_applicant.organization, name="乙科技成果转化中试研究基地")
    add_offering(a, applicant, kind="testing", accepts_vouchers=True)
    add_offering(b, other_applicant, kind="scale_up", accepts_vouchers=False)
    add_offering(b, other_applicant, kind="testing", accepts_vouchers=False)

    def names(**params):
        page = client.get(reverse("public:base_list"), params).context["page"]
        return sorted(x.name for x in page.object_list)

    assert names() == sorted([a.name, b.name])
    assert names(service_kind="scale_up") == [b.name]
    assert names(service_kind="testing") == sorted([a.name, b.name])
    assert names(vouchers="on") == [a.name]
    assert names(service_kind="testing", vouchers="on") == [a.name]
    assert names(service_kind="scale_up", vouchers="on") == []
    assert names(service_kind="bogus") == sorted([a.name, b.name])  # a bad value drops its own filter


def test_a_private_contact_never_appears_publicly(client, base, applicant):
    private = add_offering(base, applicant, title="私密联系的服务")
    add_offering(base, applicant, title="公开联系的服务", contact=PUBLIC_CONTACT, contact_public=True)
    pages = [reverse("public:base_detail", args=[base.pk]), reverse("public:base_list"),
             reverse("public:base_list") + "?vouchers=on", reverse("public:base_list") + "?service_kind=testing",
             reverse("home")]
    for url in pages:
        assert PRIVATE_CONTACT not in client.get(url).content.decode(), url
    detail = client.get(pages[0]).content.decode()
    assert private.title in detail and PUBLIC_CONTACT in detail  # control: the entries and the public one show
