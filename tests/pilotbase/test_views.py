import pytest
from django.urls import reverse

from pilotbase.models import Notification

pytestmark = pytest.mark.django_db


def test_login_accepts_email_case_insensitive(client, applicant):
    from tests.factories import PASSWORD

    response = client.post(reverse("login"), {"username": applicant.email.upper(), "password": PASSWORD})
    assert response.status_code == 302
    assert response["Location"] == reverse("dashboard")


def test_login_wrong_password_shows_chinese_error_and_keeps_username(client, applicant):
    response = client.post(reverse("login"), {"username": "applicant", "password": "wrong"})
    html = response.content.decode()
    assert response.status_code == 200
    assert "用户名（或电子邮箱）或密码不正确" in html
    assert 'value="applicant"' in html


def test_notifications_list_and_mark_read_only_own(login, applicant, other_applicant):
    mine = Notification.objects.create(recipient=applicant, kind="t", title="我的通知")
    theirs = Notification.objects.create(recipient=other_applicant, kind="t", title="别人的通知")
    client = login(applicant)
    html = client.get(reverse("notifications")).content.decode()
    assert "我的通知" in html and "别人的通知" not in html
    client.post(reverse("notifications_read"), {"id": [mine.pk, theirs.pk]})
    mine.refresh_from_db()
    theirs.refresh_from_db()
    assert mine.read_at is not None
    assert theirs.read_at is None


def test_bell_shows_unread_count(login, applicant):
    Notification.objects.create(recipient=applicant, kind="t", title="一")
    Notification.objects.create(recipient=applicant, kind="t", title="二")
    html = login(applicant).get(reverse("dashboard")).content.decode()
    assert '<span class="ms-1" id="unread-count">2</span>' in html


def test_the_bell_of_any_page_counts_the_viewers_unread_read_with_the_user(login, applicant, other_applicant):
    """Every page's bell: the unread count comes with the signed-in user's own query (no query of its own), only
    the viewer's unread, and a notification read since the last page no longer counts."""
    first = Notification.objects.create(recipient=applicant, kind="t", title="一")
    Notification.objects.create(recipient=applicant, kind="t", title="二")
    Notification.objects.create(recipient=other_applicant, kind="t", title="别人的")
    client = login(applicant)
    bell = '<span class="ms-1" id="unread-count">%d</span>'
    assert bell % 2 in client.get(reverse("account_security")).content.decode()
    client.post(reverse("notifications_read"), {"id": [first.pk]})
    assert bell % 1 in client.get(reverse("notifications")).content.decode()
    client.post(reverse("notifications_read"))
    assert bell % 0 in client.get(reverse("account_security")).content.decode()


def test_notifications_list_query_count_does_not_grow(login, applicant, django_assert_num_queries):
    client = login(applicant)
    Notification.objects.create(recipient=applicant, kind="t", title="一")
    with django_assert_num_queries(4):
        client.get(reverse("notifications"))
    for i in range(2):
        Notification.objects.create(recipient=applicant, kind="t", title=f"更多{i}")
    with django_assert_num_queries(4):
        client.get(reverse("notifications"))


def test_healthz_reports_database_and_broker(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json()["status"] == "ok"


def test_language_switch_to_english(client, applicant):
    client.force_login(applicant)
    client.post(reverse("set_language"), {"language": "en", "next": "/dashboard/"})
    html = client.get(reverse("dashboard")).content.decode()
    assert "Guangxi Pilot-Scale Research Base Portal" in html


def test_an_english_browser_still_gets_chinese_until_the_user_switches(client, applicant):
    client.force_login(applicant)
    html = client.get(reverse("dashboard"), HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9").content.decode()
    assert "广西科技成果转化中试研究基地管理平台" in html
    assert 'lang="zh-CN"' in html
    client.post(reverse("set_language"), {"language": "en", "next": "/dashboard/"})
    html = client.get(reverse("dashboard"), HTTP_ACCEPT_LANGUAGE="zh-CN").content.decode()
    assert "Guangxi Pilot-Scale Research Base Portal" in html


def test_dates_follow_the_reading_language():
    from datetime import date

    from django.utils import translation

    from pilotbase.formats import cn_date

    assert cn_date(date(2026, 11, 6)) == "2026年11月6日"
    with translation.override("en"):
        assert cn_date(date(2026, 11, 6)) == "6 Nov 2026"


def test_favicon_is_served_by_the_project(client):
    response = client.get("/favicon.ico")
    assert response.status_code == 302
    assert client.get(response["Location"]).status_code == 200


def test_amounts_follow_the_reading_language():
    from decimal import Decimal

    from django.utils import translation

    from pilotbase.formats import wan_yuan, yuan

    assert (wan_yuan(Decimal("5000000")), yuan(Decimal("1234.5"))) == ("500.00万元", "1,234.50元")
    with translation.override("en"):
        assert (wan_yuan(Decimal("5000000")), yuan(Decimal("1234.5"))) == ("CNY 5.00 million", "CNY 1,234.50")


def test_reference_names_follow_the_reading_language(db):
    from django.utils import translation

    from pilotbase.models import City

    nanning = City.objects.get(code="nanning")
    assert str(nanning) == "南宁市"
    with translation.override("en"):
        assert str(nanning) == "Nanning"
