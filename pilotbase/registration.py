"""Self-registration of units: writes (services) and reads (selectors).

The path: the public form creates a `Registration` (待确认邮箱) and mails the contact a signed, time-limited
link. An applicant unit's contact confirms (system transition) and the chosen authority is told; the authority
approves (the Organization and its first applicant User are created) or rejects with a reason (mailed to the
contact). A service requester (服务需求方) has no authority: confirming the e-mail is one system transition that
creates its Organization and first requester User, who may sign in at once. One 统一社会信用代码 registers once,
whatever the kind: refused when a unit has it or a request with it is pending (a database constraint settles
two requests racing).
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.contrib.auth.hashers import make_password
from django.core import signing
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.http import Http404
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from .models import Organization, OrgKind, Registration, RegistrationKind, RegistrationState, Role, User
from .models.registration import CONFIRM_DAYS, PENDING_STATES
from .notifications import mail_address, notify
from .recipients import Kind, authority_users
from .rules import is_applicant, is_authority, is_requester
from .workflow import WorkflowError, transition_run

CONFIRM_SALT = "pilotbase.registration.confirm"


class ConfirmLinkInvalid(WorkflowError):
    """A confirmation link that was altered, or is past its validity."""


# ---- reads -------------------------------------------------------------------------------------------
def credit_code_problem(code: str, kind: str = RegistrationKind.APPLICANT) -> str | None:
    """Why this code cannot register now (in Chinese), or None. Across kinds: a unit registers once."""
    if Organization.objects.filter(credit_code=code).exists():
        if kind == RegistrationKind.REQUESTER:
            return _("该统一社会信用代码已有单位注册，请联系本单位已有账号的用户邀请您加入。")
        return _("该统一社会信用代码已有单位注册，请联系本单位已有账号的用户，或联系推荐单位。")
    live = Registration.objects.filter(credit_code=code, state__in=PENDING_STATES)
    if any(not (r.state == RegistrationState.AWAITING_EMAIL and r.confirm_overdue()) for r in live):
        return _("该统一社会信用代码已提交注册申请，正在处理中，请勿重复注册。")
    return None


def login_problem(*, username: str, email: str) -> dict[str, str]:
    """{field: message} for a username or e-mail already used by an account or a pending request."""
    problems = {}
    pending = Registration.objects.filter(state__in=PENDING_STATES)
    if User.objects.filter(username__iexact=username).exists() or pending.filter(username__iexact=username).exists():
        problems["username"] = _("该用户名已被使用，请换一个。")
    if User.objects.filter(email__iexact=email).exists():
        problems["contact_email"] = _("该电子邮箱已被其他账号使用。")
    return problems


def registrations_for(user: Any) -> QuerySet[Registration]:
    """What an authority reviews: the confirmed requests that chose it (unconfirmed ones are not its business)."""
    if not is_authority(user):
        return Registration.objects.none()
    return (Registration.objects.filter(authority_id=user.organization_id)
            .exclude(state__in=[RegistrationState.AWAITING_EMAIL, RegistrationState.EXPIRED])
            .select_related("decided_by"))


def registration_for(user: Any, pk: int) -> Registration:
    try:
        return registrations_for(user).get(pk=pk)
    except Registration.DoesNotExist as exc:
        raise Http404 from exc


def confirm_token(registration: Registration) -> str:
    return signing.dumps(registration.pk, salt=CONFIRM_SALT)


def registration_by_token(token: str) -> Registration:
    """The registration a confirmation link names; ConfirmLinkInvalid when altered or expired."""
    try:
        pk = signing.loads(token, salt=CONFIRM_SALT, max_age=timedelta(days=CONFIRM_DAYS))
    except signing.SignatureExpired as exc:
        raise ConfirmLinkInvalid(_("确认链接已过期（有效期 %(n)d 天），请重新注册。") % {"n": CONFIRM_DAYS}) from exc
    except signing.BadSignature as exc:
        raise ConfirmLinkInvalid(_("确认链接无效，请从邮件中完整复制链接。")) from exc
    try:
        return Registration.objects.select_related("authority").get(pk=pk)
    except Registration.DoesNotExist as exc:
        raise ConfirmLinkInvalid(_("确认链接无效，请从邮件中完整复制链接。")) from exc


# ---- writes ------------------------------------------------------------------------------------------
def registration_create(*, data: dict[str, Any], password: str) -> Registration:
    """Record the request and mail the contact the confirmation link. `data` holds the model's fields (`kind`
    defaults to an applicant unit, which names its authority; a service requester names none)."""
    code = data["credit_code"]
    kind = data.get("kind", RegistrationKind.APPLICANT)
    if (kind == RegistrationKind.APPLICANT) != (data.get("authority") is not None):
        raise WorkflowError(_("申报单位注册须选择推荐单位；服务需求方注册不选推荐单位。"))
    with transaction.atomic():
        overdue = Registration.objects.filter(credit_code=code, state=RegistrationState.AWAITING_EMAIL,
                                              created_at__lte=timezone.now() - timedelta(days=CONFIRM_DAYS))
        for stale in overdue:  # an abandoned request gives its code back
            transition_run(instance=stale, name="expire", actor=None, subject=stale)
        problem = credit_code_problem(code, kind)
        if problem:
            raise WorkflowError(problem)
        try:
            with transaction.atomic():
                registration = Registration.objects.create(**data, password=make_password(password))
        except IntegrityError as exc:  # another request with this code got in first
            raise WorkflowError(_("该统一社会信用代码已提交注册申请，正在处理中，请勿重复注册。")) from exc
        url = reverse("register_confirm", args=[confirm_token(registration)])
        mail_address(to=registration.contact_email, template="registration_confirm", url=url,
                     context={"registration": registration, "days": CONFIRM_DAYS})
    return registration


def registration_confirm(*, registration: Registration) -> Registration:
    """The contact followed the link: an applicant unit's request goes to the chosen authority, who is told; a
    service requester's account opens at once."""
    if registration.kind == RegistrationKind.REQUESTER:
        return _requester_open(registration)
    with transaction.atomic():
        result = transition_run(instance=registration, name="confirm_email", actor=None, subject=registration,
                                expected_state=RegistrationState.AWAITING_EMAIL,
                                args={"confirmed_at": timezone.now()})
        notify(recipients=authority_users(result.authority_id), kind=Kind.REGISTRATION,
               template="registration_pending", url=reverse("registration_detail", args=[result.pk]),
               context={"registration": result})
    return result


def registration_approve(*, registration: Registration, actor: User) -> Registration:
    """The authority approves: the unit (under this authority) and its first applicant user are created."""
    with transaction.atomic():
        result = transition_run(instance=registration, name="approve", actor=actor, subject=registration,
                                expected_state=RegistrationState.AWAITING_APPROVAL)
        user = _unit_open(result, kind=OrgKind.APPLICANT)
        notify(recipients=[user], kind=Kind.REGISTRATION, template="registration_approved", url=reverse("dashboard"),
               context={"registration": result, "authority": result.authority})
    return result


def _requester_open(registration: Registration) -> Registration:
    """A service requester's confirmed e-mail opens its unit and first user at once (no authority decides)."""
    with transaction.atomic():
        result = transition_run(instance=registration, name="confirm_and_open", actor=None, subject=registration,
                                expected_state=RegistrationState.AWAITING_EMAIL,
                                args={"confirmed_at": timezone.now()})
        user = _unit_open(result, kind=OrgKind.REQUESTER)
        notify(recipients=[user], kind=Kind.REGISTRATION, template="registration_opened",
               url=reverse("public:base_list"), context={"registration": result})
    return result


def _unit_open(registration: Registration, *, kind: str) -> User:
    """The Organization a registration names (under its authority, if an applicant unit) and its first User (the
    role of that kind of unit). The code, name or login taken meanwhile by another unit (the conditions were met
    when the transition ran) refuses the whole decision with a message, on approval as on a requester's confirm."""
    try:
        with transaction.atomic():
            return _unit_create(registration, kind=kind)
    except (ValidationError, IntegrityError) as exc:
        raise WorkflowError(_("该统一社会信用代码、单位名称、用户名或电子邮箱刚被其他单位注册，请核对后重新注册。")) from exc


def _unit_create(registration: Registration, *, kind: str) -> User:
    org = Organization(name=registration.name, kind=kind, unit_type=registration.unit_type,
                       credit_code=registration.credit_code, city=registration.city,
                       authority_id=registration.authority_id,
                       contact_name=registration.contact_name, contact_phone=registration.contact_phone)
    org.full_clean()
    org.save()
    user = User(username=registration.username, email=registration.contact_email, role=UNIT_ROLES[kind],
                organization=org, last_name=registration.contact_name, phone=registration.contact_phone,
                password=registration.password)
    user.full_clean(exclude=["password"])
    user.save()
    Registration.objects.filter(pk=registration.pk).update(organization=org)
    registration.organization = org
    return user


def registration_reject(*, registration: Registration, actor: User, reason: str) -> Registration:
    reason = reason.strip()
    if not reason:
        raise WorkflowError(_("请填写不予通过的理由，申请人将收到该理由。"))
    with transaction.atomic():
        result = transition_run(instance=registration, name="reject", actor=actor, subject=registration,
                                comment=reason, expected_state=RegistrationState.AWAITING_APPROVAL,
                                args={"reason": reason})
        mail_address(to=result.contact_email, template="registration_rejected", url=reverse("register"),
                     context={"registration": result, "authority": result.authority, "reason": reason})
    return result


# ---- invitations: the unit's first user brings in colleagues -----------------------------------------
INVITE_SALT = "pilotbase.registration.invite"
INVITE_DAYS = 7
# The kinds of unit that register themselves, and the role of their users (the first one and those invited).
UNIT_ROLES = {OrgKind.APPLICANT: Role.APPLICANT, OrgKind.REQUESTER: Role.REQUESTER}


def unit_first_user(organization_id: int | None, role: str = Role.APPLICANT) -> User | None:
    return (User.objects.filter(organization_id=organization_id, role=role, is_active=True)
            .order_by("date_joined", "id").first()) if organization_id else None


def may_invite(user: Any) -> bool:
    """Only the first (earliest) active user of an applicant unit or a service requester invites more users of
    that unit."""
    if not (is_applicant(user) or is_requester(user)):
        return False
    first = unit_first_user(user.organization_id, role=user.role)
    return first is not None and first.pk == user.pk


def invitation_send(*, actor: User, email: str) -> None:
    """Mail `email` a signed link (valid INVITE_DAYS) to set a username and password in the actor's unit."""
    if not may_invite(actor):
        raise PermissionDenied(_("只有本单位的首个用户可以邀请同事。"))
    email = email.strip().lower()
    if User.objects.filter(email__iexact=email).exists():
        raise WorkflowError(_("该电子邮箱已有账号。"))
    token = signing.dumps({"org": actor.organization_id, "email": email, "by": actor.pk}, salt=INVITE_SALT)
    mail_address(to=email, template="invitation", url=reverse("invite_accept", args=[token]),
                 context={"inviter": actor, "organization": actor.organization, "days": INVITE_DAYS})


def invitation_read(token: str) -> dict[str, Any]:
    """{organization, email, inviter} of an invitation link; ConfirmLinkInvalid when altered, expired or used."""
    try:
        data = signing.loads(token, salt=INVITE_SALT, max_age=timedelta(days=INVITE_DAYS))
    except signing.SignatureExpired as exc:
        raise ConfirmLinkInvalid(_("邀请链接已过期（有效期 %(n)d 天），请请同事重新邀请。") % {"n": INVITE_DAYS}) from exc
    except signing.BadSignature as exc:
        raise ConfirmLinkInvalid(_("邀请链接无效，请从邮件中完整复制链接。")) from exc
    organization = Organization.objects.filter(pk=data["org"], kind__in=UNIT_ROLES, is_active=True).first()
    inviter = User.objects.filter(pk=data["by"], is_active=True).first()
    if organization is None or inviter is None:
        raise ConfirmLinkInvalid(_("邀请链接无效，请从邮件中完整复制链接。"))
    if User.objects.filter(email__iexact=data["email"]).exists():
        raise ConfirmLinkInvalid(_("该邀请已使用，请直接登录。"))
    return {"organization": organization, "email": data["email"], "inviter": inviter}


def invitation_accept(*, token: str, name: str, username: str, password: str) -> User:
    invitation = invitation_read(token)
    with transaction.atomic():
        user = User(username=username, email=invitation["email"], role=UNIT_ROLES[invitation["organization"].kind],
                    last_name=name, organization=invitation["organization"])
        user.set_password(password)
        user.full_clean(exclude=["password"])
        try:
            with transaction.atomic():
                user.save()
        except IntegrityError as exc:  # the same link used twice at once
            raise WorkflowError(_("该邀请已使用，请直接登录。")) from exc
        notify(recipients=[invitation["inviter"]], kind=Kind.REGISTRATION, template="invitation_accepted",
               url="", context={"invitee": user, "organization": invitation["organization"]})
    return user
