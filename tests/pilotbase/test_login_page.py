"""The login page points to self-registration and to password reset (no more 账号由系统管理员开设)."""

from django.urls import reverse


def test_login_page_links_registration_and_password_reset(client, db):
    html = client.get(reverse("login")).content.decode()
    assert "账号由系统管理员开设" not in html
    assert f'href="{reverse("register")}"' in html
    assert f'href="{reverse("password_reset")}"' in html
