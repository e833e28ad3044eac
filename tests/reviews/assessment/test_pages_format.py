"""Numbers and the draw record on the assessment pages."""

from decimal import Decimal

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_expert_sheet_shows_site_area_with_thousands_separators(client, drawn):
    type(drawn.application).objects.filter(pk=drawn.application_id).update(site_area=Decimal("14800"))
    seat = drawn.assignments.select_related("expert__user").first()
    client.force_login(seat.expert.user)
    html = client.get(reverse("reviews:assess_assignment", args=[seat.pk])).content.decode()
    assert html.split('id="site-area">')[1].split("</dd>")[0] == "14,800.00"


def test_draw_seed_is_a_small_muted_line(client, drawn, agency_user):
    client.force_login(agency_user)
    html = client.get(reverse("reviews:assess_detail", args=[drawn.pk])).content.decode()
    assert '<code class="draw-seed">' not in html
    assert ('<div class="small text-muted">随机种子（可复现抽取）：'
            '<span class="draw-seed font-monospace">fixed-seed</span></div>') in html
