import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("who", ["applicant", "authority", "department", "agency", "expert", "admin"])
def test_dashboard_each_role_sees_own_dashboard_in_chinese(personas, client, who):
    user = personas[who]
    client.force_login(user)
    response = client.get(reverse("dashboard"))
    assert response.status_code == 200
    html = response.content.decode()
    assert "工作台" in html
    assert user.get_role_display() in html


def test_dashboard_anonymous_redirected_to_login(client):
    response = client.get(reverse("dashboard"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))
