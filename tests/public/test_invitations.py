"""The first user of an applicant unit invites colleagues by e-mail; they set a username and password."""

import re
from datetime import timedelta
from unittest import mock

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from pilotbase.models import Role, User
from tests import factories as f

pytestmark = pytest.mark.django_db

PASSWORD = "Colleague-Pilot-2026!"


@pytest.fixture
def invite(login, applicant, django_capture_on_commit_callbacks):
    """invite(email) as the unit's first user → the link in the mail sent."""

    def _invite(email="wang@example.cn"):
        with django_capture_on_commit_callbacks(execute=True):
            response = login(applicant).post(reverse("invite"), {"email": email})
        assert response.status_code == 302
        return re.search(r"http://[^/]+(/invite/accept/[^/\s]+/)", mail.outbox[-1].body).group(1)

    return _invite


def _accept(client, link, **changes):
    data = {"name": "王同事", "username": "wang_colleague", "password1": PASSWORD, "password2": PASSWORD, **changes}
    return client.post(link, data)


def test_invited_colleague_joins_the_unit_and_signs_in(client, applicant, invite, django_capture_on_commit_callbacks):
    link = invite()
    assert mail.outbox[-1].to == ["wang@example.cn"] and "邀请您加入" in mail.outbox[-1].subject
    client.logout()
    page = client.get(link).content.decode()
    assert "wang@example.cn" in page and str(applicant.organization) in page
    with django_capture_on_commit_callbacks(execute=True):
        response = _accept(client, link)
    assert (response.status_code, response["Location"]) == (302, reverse("login"))
    user = User.objects.get(username="wang_colleague")
    assert (user.role, user.organization, user.email, str(user)) == (
        Role.APPLICANT, applicant.organization, "wang@example.cn", "王同事")
    assert user.check_password(PASSWORD)
    assert applicant.notifications.filter(title__contains="已接受邀请").count() == 1
    signed_in = client.post(reverse("login"), {"username": "wang_colleague", "password": PASSWORD})
    assert signed_in["Location"] == reverse("dashboard")


def test_a_used_invitation_is_refused(client, invite):
    link = invite()
    client.logout()
    _accept(client, link)
    again = _accept(client, link, username="wang2")
    assert again.status_code == 404 and "该邀请已使用" in again.content.decode()
    assert User.objects.filter(email="wang@example.cn").count() == 1


def test_altered_or_expired_invitation_is_refused(client, invite):
    link = invite()
    client.logout()
    assert "邀请链接无效" in client.get(link[:-3] + "xx/").content.decode()
    later = (timezone.now() + timedelta(days=8)).timestamp()
    with mock.patch("django.core.signing.time.time", return_value=later):
        response = client.get(link)
    assert response.status_code == 404 and "邀请链接已过期" in response.content.decode()


def test_only_the_first_user_of_the_unit_invites(login, applicant):
    second = f.ApplicantUserFactory(organization=applicant.organization)
    assert login(second).get(reverse("invite")).status_code == 403
    assert login(second).post(reverse("invite"), {"email": "x@example.cn"}).status_code == 403
    assert mail.outbox == []


@pytest.mark.parametrize("who", ["authority_user", "department_user", "expert_user"])
def test_other_roles_get_404(login, request, who):
    assert login(request.getfixturevalue(who)).get(reverse("invite")).status_code == 404


def test_an_address_with_an_account_is_not_invited(login, applicant, other_applicant):
    response = login(applicant).post(reverse("invite"), {"email": other_applicant.email.upper()})
    assert response.status_code == 400 and "该电子邮箱已有账号" in response.content.decode()
    assert mail.outbox == []


def test_taken_username_and_weak_password_are_refused(client, applicant, invite):
    link = invite()
    client.logout()
    taken = _accept(client, link, username=applicant.username)
    assert taken.status_code == 400 and "该用户名已被使用" in taken.content.decode()
    weak = _accept(client, link, password1="12345678", password2="12345678")
    assert weak.status_code == 400 and User.objects.filter(email="wang@example.cn").exists() is False
