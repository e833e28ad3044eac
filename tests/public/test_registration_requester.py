"""Self-registration of a service requester (服务需求方): form → e-mail confirmation → the account opens at once (no
authority); one credit code registers once across both kinds of registration."""

import re
from datetime import date, timedelta

import pytest
from django.core import mail
from django.core.cache import cache
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from pilotbase import registration as svc
from pilotbase.models import (
    Base,
    BaseStatus,
    Notification,
    Organization,
    OrgKind,
    Registration,
    RegistrationKind,
    RegistrationState,
    Role,
    TransitionLog,
    User,
)
from pilotbase.registry import nav_for
from pilotbase.workflow import WorkflowError, blocked_reasons, transition_run
from tests import factories as f
from tests.queries import assert_constant

pytestmark = pytest.mark.django_db

PASSWORD = "Guangxi-Demand-2026!"
NAME = "广西示范需求精密制造有限公司"


@pytest.fixture(autouse=True)
def _fresh_rate_limit():
    cache.clear()
    yield
    cache.clear()


def form_data(**changes):
    data = {"credit_code": f.credit_code(71), "name": NAME, "unit_type": "enterprise", "city": f.city().pk,
            "contact_name": "黄需求", "contact_phone": "0771-5557777", "contact_email": "huang@example.cn",
            "username": "xuqiu_huang", "password1": PASSWORD, "password2": PASSWORD}
    data.update(changes)
    return data


def model_data(**changes) -> dict:
    data = {k: v for k, v in form_data(**changes).items() if not k.startswith("password")}
    return {**data, "kind": RegistrationKind.REQUESTER, "city": f.city()}


def confirm_link(message) -> str:
    return re.search(r"http://[^/]+(/register/confirm/[^/\s]+/)", message.body).group(1)


@pytest.fixture
def register(client, django_capture_on_commit_callbacks):
    """register(**changes): post the requester form; mails queued on commit are sent."""

    def _register(**changes):
        with django_capture_on_commit_callbacks(execute=True):
            return client.post(reverse("register_requester"), form_data(**changes))

    return _register


@pytest.fixture
def confirm(client, django_capture_on_commit_callbacks):
    def _confirm(link):
        with django_capture_on_commit_callbacks(execute=True):
            return client.post(link)

    return _confirm


# ---- the whole path --------------------------------------------------------------------------------------
def test_requester_path_from_form_to_signed_in_dashboard(client, register, confirm, authority_user):
    page = client.get(reverse("register_requester")).content.decode()
    assert "<title>服务需求方注册 · " in page and 'name="authority"' not in page
    assert "无需推荐单位审核" in page and f'href="{reverse("register")}"' in page  # the other entrance, explained

    response = register()
    assert (response.status_code, response["Location"]) == (302, reverse("register_sent"))
    registration = Registration.objects.get()
    assert (registration.kind, registration.authority, registration.state) == (
        RegistrationKind.REQUESTER, None, RegistrationState.AWAITING_EMAIL)
    (sent,) = mail.outbox
    assert sent.to == ["huang@example.cn"] and "请确认注册邮箱" in sent.subject
    assert "提交了服务需求方注册" in sent.body and "确认后账号即开通，可立即用用户名 xuqiu_huang 登录" in sent.body
    assert "审核" not in sent.body
    assert "确认后账号即开通，可立即登录" in client.get(reverse("register_sent")).content.decode()

    link = confirm_link(sent)
    shown = client.get(link).content.decode()
    assert "确认邮箱并开通账号" in shown and "推荐单位" not in shown
    assert Registration.objects.get().state == RegistrationState.AWAITING_EMAIL  # GET changes nothing
    done = confirm(link).content.decode()
    assert "账号已开通" in done and f'href="{reverse("login")}"' in done

    registration = Registration.objects.get()
    org = Organization.objects.get(credit_code=registration.credit_code)
    assert (registration.state, registration.organization, registration.decided_by) == (
        RegistrationState.APPROVED, org, None)
    assert registration.email_confirmed_at == registration.decided_at is not None
    assert (org.kind, org.authority, org.unit_type, org.city_id, org.name, org.contact_name) == (
        OrgKind.REQUESTER, None, "enterprise", f.city().pk, NAME, "黄需求")
    user = User.objects.get(username="xuqiu_huang")
    assert (user.role, user.organization, user.email, user.phone, str(user)) == (
        Role.REQUESTER, org, "huang@example.cn", "0771-5557777", "黄需求")
    assert list(TransitionLog.objects.filter(record_id=registration.pk).values_list("transition", "actor")) == [
        ("confirm_and_open", None)]
    opened = mail.outbox[-1]
    assert opened.to == ["huang@example.cn"] and "服务需求方账号已开通" in opened.subject
    assert "中试基地名录" in opened.body and reverse("public:base_list") in opened.body
    assert Notification.objects.filter(recipient=authority_user).count() == 0  # no authority is involved

    signed_in = client.post(reverse("login"), {"username": "xuqiu_huang", "password": PASSWORD})
    assert (signed_in.status_code, signed_in["Location"]) == (302, reverse("dashboard"))
    dashboard = client.get(reverse("dashboard")).content.decode()
    assert "服务需求方用户 · " + NAME in dashboard and "可提供中试服务的基地" in dashboard


def test_confirming_twice_changes_nothing(client, register, confirm):
    register()
    link = confirm_link(mail.outbox[-1])
    confirm(link)
    again = confirm(link)
    assert again.status_code == 200 and "账号已开通" in again.content.decode()
    assert TransitionLog.objects.filter(transition="confirm_and_open").count() == 1
    assert User.objects.filter(username="xuqiu_huang").count() == 1


# ---- the form -------------------------------------------------------------------------------------------
def test_a_posted_authority_is_ignored(register, authority_org):
    assert register(authority=authority_org.pk).status_code == 302
    assert Registration.objects.get().authority is None


@pytest.mark.parametrize(("unit_type", "status"), [("other", 302), ("university", 302), ("government", 400)])
def test_unit_types_a_requester_may_be(register, unit_type, status):
    response = register(unit_type=unit_type)
    assert response.status_code == status
    if status == 400:
        assert response.context["form"].errors["unit_type"] == [f"请从列表中选择，“{unit_type}”不是可选项。"]
        assert Registration.objects.count() == 0
    else:
        assert Registration.objects.get().unit_type == unit_type


def test_a_requester_from_outside_guangxi_opens_a_unit_without_a_city(client, register, confirm):
    html = client.get(reverse("register_requester")).content.decode()
    assert '<option value="outside">广西区外</option>' in html
    assert register(city="outside").status_code == 302
    assert Registration.objects.get().city is None
    confirm(confirm_link(mail.outbox[-1]))
    org = Organization.objects.get(name=NAME)
    assert (org.kind, org.city) == (OrgKind.REQUESTER, None)


@pytest.mark.parametrize("city", ["", "zzz", "99999"])
def test_a_requester_must_say_where_it_is(register, city):
    response = register(city=city)
    assert response.status_code == 400
    assert response.context["form"].errors["city"] == ["请选择所在设区市，或“广西区外”。"]
    assert response.context["form"]["name"].value() == NAME  # what was entered is kept


def test_database_requires_an_applicant_registration_to_have_a_city(authority_org):
    data = {**model_data(), "kind": RegistrationKind.APPLICANT, "authority": authority_org, "city": None}
    with pytest.raises(IntegrityError), transaction.atomic():
        Registration.objects.create(password="x", **data)


def test_wrong_check_digit_is_refused_beside_the_field(register):
    good = f.credit_code(72)
    response = register(credit_code=good[:17] + ("1" if good[17] != "1" else "2"))
    html = response.content.decode()
    assert response.status_code == 400 and "校验位不正确" in html and 'id="form-errors"' in html
    assert f'value="{NAME}"' in html  # nothing typed is lost
    assert Registration.objects.count() == 0


def test_taken_username_and_email_are_refused(register, applicant):
    html = register(username=applicant.username, contact_email=applicant.email).content.decode()
    assert "该用户名已被使用" in html and "该电子邮箱已被其他账号使用" in html


# ---- one code registers once, across both kinds ------------------------------------------------------------
def test_requester_with_the_code_of_an_applicant_unit_is_refused(register, applicant):
    response = register(credit_code=applicant.organization.credit_code)
    assert response.status_code == 400
    assert "该统一社会信用代码已有单位注册，请联系本单位已有账号的用户邀请您加入。" in response.content.decode()
    assert Registration.objects.count() == 0


def test_applicant_with_the_code_of_a_requester_is_refused(client, requester, authority_org):
    data = {"credit_code": requester.organization.credit_code, "name": "另一家申报公司", "unit_type": "enterprise",
            "city": authority_org.city_id, "authority": authority_org.pk, "contact_name": "李", "contact_phone":
            "0771-5556666", "contact_email": "li@example.cn", "username": "li_apply", "password1": PASSWORD,
            "password2": PASSWORD}
    response = client.post(reverse("register"), data)
    assert response.status_code == 400 and "该统一社会信用代码已有单位注册" in response.content.decode()
    assert Registration.objects.count() == 0


def test_requester_with_the_code_of_a_pending_applicant_registration_is_refused(register, authority_org):
    applicant_data = {**model_data(), "kind": RegistrationKind.APPLICANT, "authority": authority_org,
                      "username": "li_apply", "contact_email": "li@example.cn"}
    svc.registration_confirm(registration=svc.registration_create(data=applicant_data, password=PASSWORD))
    response = register()
    assert response.status_code == 400 and "该统一社会信用代码已提交注册申请，正在处理中" in response.content.decode()
    assert Registration.objects.count() == 1


def test_applicant_with_the_code_of_a_pending_requester_registration_is_refused(register, authority_org):
    register()
    with pytest.raises(WorkflowError, match="正在处理中"):
        svc.registration_create(data={**model_data(), "kind": RegistrationKind.APPLICANT, "authority": authority_org,
                                      "username": "li_apply", "contact_email": "li@example.cn"}, password=PASSWORD)
    assert Registration.objects.count() == 1


def test_database_refuses_two_pending_registrations_of_either_kind_with_one_code(authority_org):
    svc.registration_create(data=model_data(), password=PASSWORD)
    with pytest.raises(IntegrityError), transaction.atomic():
        Registration.objects.create(**{**model_data(), "kind": RegistrationKind.APPLICANT, "authority": authority_org,
                                       "username": "x2"}, password="x")


def test_an_abandoned_requester_registration_gives_its_code_back(register):
    register()
    Registration.objects.update(created_at=timezone.now() - timedelta(days=4))  # the past, not a state
    assert register(username="huang_again").status_code == 302
    assert dict(Registration.objects.values_list("username", "state")) == {
        "xuqiu_huang": RegistrationState.EXPIRED, "huang_again": RegistrationState.AWAITING_EMAIL}


@pytest.mark.parametrize(("kind", "with_authority"), [(RegistrationKind.REQUESTER, True),
                                                      (RegistrationKind.APPLICANT, False)])
def test_database_ties_the_authority_to_the_kind(authority_org, kind, with_authority):
    data = {**model_data(), "kind": kind, "authority": authority_org if with_authority else None}
    with pytest.raises(IntegrityError), transaction.atomic():
        Registration.objects.create(**data, password="x")
    with pytest.raises(WorkflowError, match="申报单位注册须选择推荐单位；服务需求方注册不选推荐单位。"):
        svc.registration_create(data=data, password=PASSWORD)
    assert Registration.objects.count() == 0


# ---- the confirmation's conditions (the unit, name or login taken meanwhile) --------------------------------
@pytest.mark.parametrize(("taken", "message"), [
    ("code", "该统一社会信用代码已有单位注册。"),
    ("name", "已有同名单位，请核对单位名称。"),
    ("login", "用户名或电子邮箱已被其他账号使用。"),
])
def test_confirmation_refused_when_taken_meanwhile(client, register, confirm, taken, message):
    register()
    registration = Registration.objects.get()
    if taken == "code":
        f.RequesterOrgFactory(credit_code=registration.credit_code)
    elif taken == "name":
        f.RequesterOrgFactory(name=NAME)
    else:
        f.RequesterUserFactory(username="XUQIU_HUANG")
    response = confirm(confirm_link(mail.outbox[-1]))
    assert response.status_code == 409 and message in response.content.decode()
    assert f'href="{reverse("register_requester")}"' in response.content.decode()
    registration = Registration.objects.get()
    assert (registration.state, registration.organization) == (RegistrationState.AWAITING_EMAIL, None)
    assert User.objects.filter(email="huang@example.cn").exists() is False


def test_each_kind_takes_only_its_own_confirmation(authority_org):
    """State table of the two transitions out of 待确认邮箱 by kind: the other one is refused with its sentence."""
    requester = svc.registration_create(data=model_data(), password=PASSWORD)
    applicant = svc.registration_create(data={**model_data(credit_code=f.credit_code(73), name="申报公司",
                                                           username="li_apply", contact_email="li@example.cn"),
                                              "kind": RegistrationKind.APPLICANT, "authority": authority_org},
                                        password=PASSWORD)
    assert [str(m) for m in blocked_reasons(requester, "confirm_email")] == ["服务需求方注册无需推荐单位审核，确认邮箱即开通账号。"]
    assert [str(m) for m in blocked_reasons(applicant, "confirm_and_open")] == ["申报单位注册须经推荐单位审核后开通。"]
    assert blocked_reasons(requester, "confirm_and_open") == [] and blocked_reasons(applicant, "confirm_email") == []
    with pytest.raises(WorkflowError, match="无需推荐单位审核"):
        transition_run(instance=requester, name="confirm_email", actor=None, args={"confirmed_at": timezone.now()})
    with pytest.raises(WorkflowError, match="须经推荐单位审核"):
        transition_run(instance=applicant, name="confirm_and_open", actor=None, args={"confirmed_at": timezone.now()})
    assert set(Registration.objects.values_list("state", flat=True)) == {RegistrationState.AWAITING_EMAIL}


def test_the_system_transition_refuses_a_person(authority_user):
    from django.core.exceptions import PermissionDenied

    registration = svc.registration_create(data=model_data(), password=PASSWORD)
    with pytest.raises(PermissionDenied):
        transition_run(instance=registration, name="confirm_and_open", actor=authority_user,
                       args={"confirmed_at": timezone.now()})


# ---- after sign-in: the dashboard, the nav, invitations ------------------------------------------------------
def _base(n, state=BaseStatus.ACTIVE):
    return Base.objects.create(name=f"广西需求测试{n}号中试研究基地", lead_unit=f.ApplicantOrgFactory(),
                               city=f.city(), industry=f.industry("new-materials"), platform_type=f.platform_type(),
                               batch=1, certified_on=date(2024, 6, n), state=state)


def test_requester_dashboard_lists_the_public_bases_only(login, requester):
    active, revoked = _base(1), _base(2, BaseStatus.REVOKED)
    response = login(requester).get(reverse("dashboard"))
    (panel,) = response.context["panels"][:1]
    assert (panel.title, panel.count, panel.url) == ("可提供中试服务的基地", 1, reverse("public:base_list"))
    assert [i["url"] for i in panel.items] == [reverse("public:base_detail", args=[active.pk])]
    assert revoked.name not in response.content.decode()


def test_requester_dashboard_queries(client, requester):
    client.force_login(requester)
    made = []

    def add(k):
        start = len(made)
        made.extend([_base(start + i + 1) for i in range(k)])

    assert_constant(client, reverse("dashboard"), add, "号中试研究基地（南宁市）</a>")


def test_requester_dashboard_without_bases_says_so(login, requester):
    html = login(requester).get(reverse("dashboard")).content.decode()
    assert "目前还没有已认定的中试基地" in html and f'href="{reverse("public:base_list")}"' in html


def test_every_nav_link_of_a_requester_opens(login, requester):
    client = login(requester)
    links = [link.url_name for link in nav_for(requester)]
    assert {"dashboard", "public:base_list", "invite", "notifications"} <= set(links)
    assert {name: client.get(reverse(name)).status_code for name in links} == dict.fromkeys(links, 200)


def test_requester_first_user_invites_a_colleague(client, login, requester, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        sent = login(requester).post(reverse("invite"), {"email": "chen@example.cn"})
    assert sent.status_code == 302
    invitation = mail.outbox[-1]
    assert invitation.to == ["chen@example.cn"] and "一同办理中试服务需求" in invitation.body
    link = re.search(r"http://[^/]+(/invite/accept/[^/\s]+/)", invitation.body).group(1)
    client.logout()
    data = {"name": "陈同事", "username": "chen_colleague", "password1": PASSWORD, "password2": PASSWORD}
    assert client.post(link, data).status_code == 302
    colleague = User.objects.get(username="chen_colleague")
    assert (colleague.role, colleague.organization) == (Role.REQUESTER, requester.organization)
    assert login(colleague).get(reverse("invite")).status_code == 403  # only the first user invites


def test_entrances_on_the_home_and_login_pages(client):
    home = client.get(reverse("home")).content.decode()
    login_page = client.get(reverse("login")).content.decode()
    for html in (home, login_page):
        assert f'href="{reverse("register_requester")}"' in html and f'href="{reverse("register")}"' in html


def test_both_forms_share_the_limit_per_address(client, register, authority_org):
    applicant = {"credit_code": f.credit_code(80), "name": "申报公司", "unit_type": "enterprise",
                 "city": authority_org.city_id, "authority": authority_org.pk, "contact_name": "李",
                 "contact_phone": "0771-5556666", "contact_email": "li@example.cn", "username": "li_apply",
                 "password1": PASSWORD, "password2": PASSWORD}
    codes = [client.post(reverse("register"), applicant).status_code]
    for i in range(3):
        codes.append(register(credit_code=f.credit_code(81 + i), name=f"需求公司{i}", username=f"xq{i}",
                              contact_email=f"xq{i}@example.cn").status_code)
    assert codes == [302, 302, 302, 429]
    assert Registration.objects.count() == 3
