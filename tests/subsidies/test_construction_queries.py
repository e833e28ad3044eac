"""Query counts of the 建设支持 lists: the same with four rows as with one (after a warm-up request): the grants
list (staff and an authority), a grant's spending list, and the budgets."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from django.urls import reverse

from applications.demo import tiny_pdf
from subsidies.models import ConstructionGrant, SpendingFile, SpendingItem, SupportKind
from subsidies.services import construction as svc
from tests.queries import assert_constant as _grows
from tests.queries import count_page as _count

from . import construction_world as cw

pytestmark = pytest.mark.django_db


@pytest.fixture
def w():
    return cw.build()


def _grants(w):
    seq = iter(range(100))
    bureau_org = w.bases["cv"].lead_unit.authority

    def add(k):
        from tests import factories as f

        for _ in range(k):
            n = next(seq)
            b = cw.base(f"批量{n}", org=f.ApplicantOrgFactory(authority=bureau_org), platform="concept-verification")
            g = ConstructionGrant.objects.create(base=b, year=cw.YEAR, amount=Decimal("100000.00"),
                                                 proposed_by=w.staff, state="disbursed",
                                                 disbursed_on=date(2026, 1, 5), window_ends_on=date(2028, 1, 4))
            SpendingItem.objects.create(grant=g, item="设备", amount=Decimal("10.00"), spent_on=date(2026, 1, 6),
                                        reported_by=w.staff)
    return add


@pytest.mark.parametrize("who", ["staff", "authority_user"])
def test_grant_list(client, w, who):
    client.force_login(getattr(w, who))
    _grows(client, reverse("subsidies:construction_list"), _grants(w), "批量")


def test_grant_list_is_paginated(client, w, monkeypatch):
    """Hundreds of grants nationally: a page of PAGE_SIZE, the same queries on the last page as on the first."""
    from subsidies.views import construction as views

    _grants(w)(4)
    monkeypatch.setattr(views, "PAGE_SIZE", 3)
    client.force_login(w.staff)
    url = reverse("subsidies:construction_list") + "?q=批量"
    first_n, first = _count(client, url)
    last_n, last = _count(client, url + "&page=2")
    assert first.count("批量") - first.count('value="批量"') == 3 and "page=2" in first
    assert first_n == last_n, f"page 1: {first_n} queries, page 2: {last_n}"


def test_grant_spending_list(client, w):
    grant = ConstructionGrant.objects.create(base=w.bases["cv"], year=cw.YEAR, amount=Decimal("100000.00"),
                                             proposed_by=w.staff, state="disbursed", disbursed_on=date(2026, 1, 5),
                                             window_ends_on=date(2028, 1, 4))
    client.force_login(w.users["cv"])
    seq = iter(range(100))

    def add(k):
        for _ in range(k):
            item = SpendingItem.objects.create(grant=grant, item=f"支出项{next(seq)}", amount=Decimal("10.00"),
                                               spent_on=date(2026, 1, 6), reported_by=w.staff)
            f = SpendingFile(item=item, uploaded_by=w.staff, name="凭证.pdf", extension="pdf", sha256="0" * 64,
                             size=10)
            from django.core.files.base import ContentFile

            f.file.save("x.pdf", ContentFile(tiny_pdf("x")), save=True)

    _grows(client, reverse("subsidies:construction_detail", args=[grant.pk]), add, "支出项")


def test_budget_list(client, w):
    client.force_login(w.staff)
    years = iter(range(2030, 2040))

    def add(k):
        for _ in range(k):
            svc.support_budget_set(actor=w.staff, year=next(years), kind=SupportKind.CONSTRUCTION,
                                   amount=Decimal("100"), note="批量预算")

    _grows(client, reverse("subsidies:construction_budgets"), add, "<tr><td>20")
