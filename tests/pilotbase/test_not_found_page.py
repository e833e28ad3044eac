"""A record the user may not see answers the portal's Chinese 404 page, also in local (DEBUG) mode."""

import pytest
from django.urls import reverse

from tests import factories as f

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("debug", [True, False])
def test_role_gated_record_answers_the_portal_404_page(client, other_applicant, applicant, settings, debug):
    settings.DEBUG = debug
    app = f.ApplicationFactory(applicant=applicant.organization)
    client.force_login(other_applicant)

    response = client.get(reverse("applications:detail", args=[app.pk]))

    assert response.status_code == 404
    assert [t.name for t in response.templates][0] == "404.html"
    html = response.content.decode()
    assert "您访问的页面不存在，或您没有查看它的权限。" in html
    assert "Page not found" not in html
    assert f'href="{reverse("dashboard")}"' in html


def test_unmatched_url_keeps_the_debug_page_for_developers(client, settings):
    settings.DEBUG = True
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    assert "Page not found" in response.content.decode()
