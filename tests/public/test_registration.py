"""Self-registration of an applicant unit: form → e-mail confirmation → the chosen authority approves or rejects."""

import re
from datetime import timedelta

import pytest
from django.core import mail
from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone

from pilotbase import registration as svc
from pilotbase.models import (
    AuthorityKind,
    Notification,
    Organization,
    OrgKind,
    Registration,
    RegistrationState,
    Role,
    TransitionLog,
    User,
)
from pilotbase.workflow import WorkflowError
from tests import factories as f

pytestmark = pytest.mark.django_db

PASSWORD = "Guangxi-Pilot-2026!"


@pytest.fixture(autouse=True)
def _fresh_rate_limit():
    cache.clear()
    yield
    cache.clear()


def form_data(authority, **changes):
    data = {"credit_code": f.credit_code(7), "name": "广西示范中试科技有限公司", "unit_type": "enterprise",
            "city": authority.city_id or f.city().pk, "authority": authority.pk, "contact_name": "李联系",
            "contact_phone": "0771-5556666", "contact_email": "li@example.cn", "username": "shifan_li",
            "password1": PASSWORD, "password2": PASSWORD}
    data.update(changes)
    return data


def confirm_link(message) -> str:
    return re.search(r"http://[^/]+(/register/confirm/[^/\s]+/)", message.body).group(1)


@pytest.fixture
def register(django_capture_on_commit_callbacks):
    """register(client, authority, **changes): post the form; mails queued on commit are sent."""

    def _register(client, authority, **changes):
        with django_capture_on_commit_callbacks(execute=True):
            return client.post(reverse("register"), form_data(authority, **changes))

    return _register


@pytest.fixture
def confirmed(client, authority_org, register):
    """A registration that chose 南宁市科学技术局, with its e-mail confirmed through the link."""
    assert register(client, authority_org).status_code == 302
    client.post(confirm_link(mail.outbox[-1]))
    return Registration.objects.get()


# ---- the whole path --------------------------------------------------------------------------------------
def test_registration_path_from_form_to_first_login(client, authority_org, authority_user, login,
                                                    django_capture_on_commit_callbacks, register):
    page = client.get(reverse("register"))
    assert page.status_code == 200 and "<title>申报单位注册 · " in page.content.decode()
    response = register(client, authority_org)
    assert (response.status_code, response["Location"]) == (302, reverse("register_sent"))
    registration = Registration.objects.get()
    assert registration.state == RegistrationState.AWAITING_EMAIL
    assert registration.password != PASSWORD and registration.password.startswith(("pbkdf2", "argon2", "md5"))
    (sent,) = mail.outbox
    assert sent.to == ["li@example.cn"] and "请确认注册邮箱" in sent.subject
    assert "li@example.cn" in client.get(reverse("register_sent")).content.decode()

    link = confirm_link(sent)
    assert "确认邮箱并提交审核" in client.get(link).content.decode()  # GET changes nothing (mail scanners)
    assert Registration.objects.get().state == RegistrationState.AWAITING_EMAIL
    with django_capture_on_commit_callbacks(execute=True):
        client.post(link)
    registration = Registration.objects.get()
    assert registration.state == RegistrationState.AWAITING_APPROVAL and registration.email_confirmed_at
    assert Notification.objects.get(recipient=authority_user).url == reverse("registration_detail",
                                                                             args=[registration.pk])

    reviewer = login(authority_user)
    dashboard = reviewer.get(reverse("dashboard")).content.decode()
    assert "待审核的单位注册" in dashboard and "广西示范中试科技有限公司（南宁市）" in dashboard
    assert "广西示范中试科技有限公司" in reviewer.get(reverse("registrations")).content.decode()
    detail = reviewer.get(reverse("registration_detail", args=[registration.pk])).content.decode()
    assert 'name="transition" value="approve"' in detail and 'name="transition" value="reject"' in detail
    with django_capture_on_commit_callbacks(execute=True):
        done = reviewer.post(reverse("registration_detail", args=[registration.pk]),
                             {"transition": "approve", "expected_state": "awaiting_approval"})
    assert done.status_code == 302

    org = Organization.objects.get(credit_code=registration.credit_code)
    assert (org.kind, org.authority, org.unit_type, org.city_id) == (
        OrgKind.APPLICANT, authority_org, "enterprise", registration.city_id)
    user = User.objects.get(username="shifan_li")
    assert (user.role, user.organization, user.email, user.is_active, str(user)) == (
        Role.APPLICANT, org, "li@example.cn", True, "李联系")
    assert user.check_password(PASSWORD)
    assert mail.outbox[-1].to == ["li@example.cn"] and "单位注册已通过" in mail.outbox[-1].subject
    assert list(TransitionLog.objects.filter(record_id=registration.pk).order_by("id")
                .values_list("transition", "actor")) == [("confirm_email", None), ("approve", authority_user.pk)]
    client.logout()
    first = client.post(reverse("login"), {"username": "shifan_li", "password": PASSWORD})
    assert (first.status_code, first["Location"]) == (302, reverse("dashboard"))


def test_rejection_mails_the_reason_to_the_contact(confirmed, authority_user, login, django_capture_on_commit_callbacks):
    url = reverse("registration_detail", args=[confirmed.pk])
    empty = login(authority_user).post(url, {"transition": "reject", "expected_state": "awaiting_approval",
                                             "reject-reason": ""})
    assert empty.status_code == 400 and "请填写不予通过的理由" in empty.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        login(authority_user).post(url, {"transition": "reject", "expected_state": "awaiting_approval",
                                         "reject-reason": "单位名称与营业执照不一致。"})
    registration = Registration.objects.get()
    assert (registration.state, registration.reason) == (RegistrationState.REJECTED, "单位名称与营业执照不一致。")
    assert mail.outbox[-1].to == ["li@example.cn"] and "单位名称与营业执照不一致。" in mail.outbox[-1].body
    assert Organization.objects.filter(credit_code=registration.credit_code).exists() is False
    assert User.objects.filter(username="shifan_li").exists() is False


def test_a_rejected_code_may_register_again(confirmed, authority_user, client, register):
    svc.registration_reject(registration=confirmed, actor=authority_user, reason="请更正名称。")
    assert register(client, confirmed.authority, username="shifan_li2").status_code == 302
    assert Registration.objects.filter(state=RegistrationState.AWAITING_EMAIL).count() == 1


# ---- one code registers once ---------------------------------------------------------------------------
def test_code_of_a_unit_already_registered_is_refused(client, authority_org, applicant, register):
    org = applicant.organization
    response = register(client, authority_org, credit_code=org.credit_code)
    assert response.status_code == 400
    assert "该统一社会信用代码已有单位注册" in response.content.decode()
    assert Registration.objects.count() == 0


def test_code_of_a_pending_request_is_refused(client, confirmed, register):
    response = register(client, confirmed.authority, username="other_user", contact_email="other@example.cn",
                        name="另一家公司")
    assert response.status_code == 400
    assert "该统一社会信用代码已提交注册申请，正在处理中" in response.content.decode()
    assert Registration.objects.count() == 1


def test_database_refuses_two_pending_requests_with_one_code(authority_org):
    data = {k: v for k, v in form_data(authority_org).items() if not k.startswith("password")}
    data.update(city=f.city(), authority=authority_org)
    svc.registration_create(data=data, password=PASSWORD)
    with pytest.raises(WorkflowError, match="正在处理中"):
        svc.registration_create(data={**data, "username": "x2"}, password=PASSWORD)


def test_an_abandoned_unconfirmed_request_gives_its_code_back(client, authority_org, register):
    register(client, authority_org)
    Registration.objects.filter().update(created_at=timezone.now() - timedelta(days=4))  # the past, not a state
    assert register(client, authority_org, username="li_again").status_code == 302
    states = dict(Registration.objects.values_list("username", "state"))
    assert states == {"shifan_li": RegistrationState.EXPIRED, "li_again": RegistrationState.AWAITING_EMAIL}


@pytest.mark.parametrize(("code", "message"), [
    ("91450100MA5KXXXXX1", "校验位不正确"),
    ("9145010012345", "应为18位"),
    ("91450100MA5KIOZSV1", "不允许的字符"),
])
def test_bad_credit_code_is_refused_beside_the_field(client, authority_org, code, message, register):
    fixed = code
    if message == "校验位不正确":  # a valid body with a wrong last character
        good = f.credit_code(3)
        fixed = good[:17] + ("1" if good[17] != "1" else "2")
    response = register(client, authority_org, credit_code=fixed)
    assert response.status_code == 400
    html = response.content.decode()
    assert message in html and 'id="form-errors"' in html
    assert 'value="广西示范中试科技有限公司"' in html  # nothing typed is lost
    assert Registration.objects.count() == 0


def test_city_bureau_of_another_city_is_refused(client, authority_org, register):
    response = register(client, authority_org, city=f.city("liuzhou").pk)
    assert response.status_code == 400 and "只推荐南宁市的单位" in response.content.decode()


def test_a_regional_department_takes_units_of_any_city(client, register):
    regional = f.AuthorityFactory(name="自治区教育厅", authority_kind=AuthorityKind.REGIONAL_DEPARTMENT, city=None)
    assert register(client, regional, city=f.city("liuzhou").pk, unit_type="university").status_code == 302


def test_taken_username_and_email_are_refused(client, authority_org, applicant, register):
    response = register(client, authority_org, username=applicant.username.upper(), contact_email=applicant.email)
    html = response.content.decode()
    assert response.status_code == 400 and "该用户名已被使用" in html and "该电子邮箱已被其他账号使用" in html


def test_passwords_must_match_and_be_strong(client, authority_org, register):
    assert "两次输入的密码不一致" in register(client, authority_org, password2="other").content.decode()
    assert Registration.objects.count() == 0
    weak = register(client, authority_org, password1="12345678", password2="12345678")
    assert weak.status_code == 400 and Registration.objects.count() == 0


# ---- the confirmation link -----------------------------------------------------------------------------
def test_altered_confirmation_link_is_refused(client, authority_org, register):
    register(client, authority_org)
    link = confirm_link(mail.outbox[-1])
    response = client.post(link[:-3] + "xx/")
    assert response.status_code == 404 and "确认链接无效" in response.content.decode()
    assert Registration.objects.get().state == RegistrationState.AWAITING_EMAIL


def test_expired_confirmation_link_is_refused(client, authority_org, settings, register):
    register(client, authority_org)
    link = confirm_link(mail.outbox[-1])
    later = timezone.now() + timedelta(days=4)
    from unittest import mock

    with mock.patch("django.core.signing.time.time", return_value=later.timestamp()):
        response = client.post(link)
    assert response.status_code == 404 and "确认链接已过期" in response.content.decode()
    assert Registration.objects.get().state == RegistrationState.AWAITING_EMAIL


def test_confirming_twice_changes_nothing(client, confirmed):
    link = reverse("register_confirm", args=[svc.confirm_token(confirmed)])
    response = client.post(link)
    assert response.status_code == 200 and "正在等待" in response.content.decode()
    assert TransitionLog.objects.filter(transition="confirm_email").count() == 1


# ---- who may see and decide ----------------------------------------------------------------------------
def test_another_authority_cannot_see_or_decide(confirmed, other_authority_user, login):
    client = login(other_authority_user)
    url = reverse("registration_detail", args=[confirmed.pk])
    assert client.get(url).status_code == 404
    assert client.post(url, {"transition": "approve", "expected_state": "awaiting_approval"}).status_code == 404
    assert confirmed.name not in client.get(reverse("registrations")).content.decode()
    assert Registration.objects.get().state == RegistrationState.AWAITING_APPROVAL


@pytest.mark.parametrize("who", ["applicant", "department_user", "expert_user"])
def test_other_roles_get_404(confirmed, login, request, who):
    client = login(request.getfixturevalue(who))
    assert client.get(reverse("registration_detail", args=[confirmed.pk])).status_code == 404
    assert client.get(reverse("registrations")).status_code == 404


def test_anonymous_is_sent_to_login(client, confirmed):
    response = client.get(reverse("registration_detail", args=[confirmed.pk]))
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))


def test_unconfirmed_request_is_not_the_authority_business(client, authority_org, authority_user, login, register):
    register(client, authority_org)
    reviewer = login(authority_user)
    assert reviewer.get(reverse("registration_detail", args=[Registration.objects.get().pk])).status_code == 404


def test_approve_service_refuses_another_authority(confirmed, other_authority_user):
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        svc.registration_approve(registration=confirmed, actor=other_authority_user)
    assert Organization.objects.filter(credit_code=confirmed.credit_code).exists() is False


def test_approval_refused_when_the_name_was_taken_meanwhile(confirmed, authority_user, authority_org):
    f.ApplicantOrgFactory(name=confirmed.name, authority=authority_org)
    with pytest.raises(WorkflowError, match="已有同名单位"):
        svc.registration_approve(registration=confirmed, actor=authority_user)
    assert Registration.objects.get().state == RegistrationState.AWAITING_APPROVAL


# ---- rate limit ------------------------------------------------------------------------------------------
def test_registrations_per_address_are_limited(client, authority_org, register):
    codes = []
    for i in range(4):
        codes.append(register(client, authority_org, credit_code=f.credit_code(100 + i), name=f"公司{i}",
                              username=f"user{i}", contact_email=f"u{i}@example.cn").status_code)
    assert codes == [302, 302, 302, 429]
    assert Registration.objects.count() == 3


def test_a_mistyped_form_does_not_count_against_the_limit(client, authority_org, register):
    for _ in range(4):
        register(client, authority_org, credit_code="123")
    assert register(client, authority_org).status_code == 302


def test_signed_in_users_are_not_offered_the_form(login, applicant):
    assert login(applicant).get(reverse("register")).status_code == 302


# ---- lists ------------------------------------------------------------------------------------------------
@pytest.mark.parametrize("n", [1, 3])
def test_registration_list_queries(authority_org, authority_user, login, django_assert_num_queries, n):
    for i in range(n):
        data = {k: v for k, v in form_data(authority_org, credit_code=f.credit_code(200 + i), name=f"单位{i}",
                                           username=f"reg{i}").items() if not k.startswith("password")}
        data.update(city=f.city(), authority=authority_org)
        svc.registration_confirm(registration=svc.registration_create(data=data, password=PASSWORD))
    client = login(authority_user)
    client.get(reverse("registrations"))
    with django_assert_num_queries(4):  # the same with 1 and 3 rows
        html = client.get(reverse("registrations")).content.decode()
    assert html.count("<tr>") == n + 1

