"""单位注册: a unit that registers itself, confirmed by its contact's e-mail. An applicant unit (申报单位) is then
approved by the recommending authority it chose, which creates the Organization and its first (applicant) User;
a service requester (服务需求方: a unit that needs pilot services from the bases) has no authority, and
confirming the e-mail creates its Organization and first (requester) User at once."""

from datetime import timedelta

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_fsm import FSMField, FSMModelMixin, transition

from ..rules import fsm_permission, is_registration_authority, perm_system
from ..validators import validate_credit_code, validate_phone
from ..workflow import condition
from .org import Organization, UnitType
from .reference import City

# How long the e-mail confirmation link is valid; an unconfirmed request older than this no longer holds its code.
CONFIRM_DAYS = 3


class RegistrationState(models.TextChoices):
    AWAITING_EMAIL = "awaiting_email", _("待确认邮箱")
    AWAITING_APPROVAL = "awaiting_approval", _("待推荐单位审核")
    APPROVED = "approved", _("已通过")
    REJECTED = "rejected", _("未通过")
    EXPIRED = "expired", _("已过期")


class RegistrationKind(models.TextChoices):
    APPLICANT = "applicant", _("申报单位")
    REQUESTER = "requester", _("服务需求方")


PENDING_STATES = (RegistrationState.AWAITING_EMAIL, RegistrationState.AWAITING_APPROVAL)
# The kinds of unit that may register themselves as applicant units (通知 二.1).
SELF_REGISTERING = (UnitType.PARK, UnitType.UNIVERSITY, UnitType.INSTITUTE, UnitType.ENTERPRISE)
# A service requester is mostly an enterprise, but any unit that needs pilot services may register as one.
REQUESTER_UNIT_TYPES = (UnitType.ENTERPRISE, UnitType.UNIVERSITY, UnitType.INSTITUTE, UnitType.PARK, UnitType.OTHER)
UNIT_TYPE_CHOICES = [(t.value, t.label) for t in dict.fromkeys(SELF_REGISTERING + REQUESTER_UNIT_TYPES)]


@condition(_("邮箱确认链接已过期，请重新注册。"))
def link_in_time(reg: "Registration") -> bool:
    return not reg.confirm_overdue()


@condition(_("邮箱确认期限未过。"))
def link_overdue(reg: "Registration") -> bool:
    return reg.confirm_overdue()


@condition(_("该统一社会信用代码已有单位注册。"))
def code_free(reg: "Registration") -> bool:
    return not Organization.objects.filter(credit_code=reg.credit_code).exists()


@condition(_("已有同名单位，请核对单位名称。"))
def name_free(reg: "Registration") -> bool:
    return not Organization.objects.filter(name=reg.name).exists()


@condition(_("用户名或电子邮箱已被其他账号使用。"))
def login_free(reg: "Registration") -> bool:
    from .org import User

    return not (User.objects.filter(username__iexact=reg.username).exists()
                or User.objects.filter(email__iexact=reg.contact_email).exists())


@condition(_("服务需求方注册无需推荐单位审核，确认邮箱即开通账号。"))
def for_applicant(reg: "Registration") -> bool:
    return reg.kind == RegistrationKind.APPLICANT


@condition(_("申报单位注册须经推荐单位审核后开通。"))
def for_requester(reg: "Registration") -> bool:
    return reg.kind == RegistrationKind.REQUESTER


may_decide = fsm_permission(is_registration_authority)


class Registration(FSMModelMixin, models.Model):
    kind = models.CharField(_("注册类别"), max_length=20, choices=RegistrationKind.choices,
                            default=RegistrationKind.APPLICANT)
    credit_code = models.CharField(_("统一社会信用代码"), max_length=18, validators=[validate_credit_code])
    name = models.CharField(_("单位名称"), max_length=120)
    unit_type = models.CharField(_("单位性质"), max_length=20, choices=UNIT_TYPE_CHOICES)
    # Blank only for a service requester from outside Guangxi (its clients count as 区外 in a base's report).
    city = models.ForeignKey(City, verbose_name=_("所在设区市"), on_delete=models.PROTECT, null=True, blank=True)
    authority = models.ForeignKey(Organization, verbose_name=_("推荐单位"), on_delete=models.PROTECT,
                                  null=True, blank=True, related_name="registrations",
                                  limit_choices_to={"kind": "authority"})
    contact_name = models.CharField(_("联系人姓名"), max_length=40)
    contact_phone = models.CharField(_("联系电话"), max_length=20, validators=[validate_phone])
    contact_email = models.EmailField(_("联系人电子邮箱"))
    username = models.CharField(_("用户名"), max_length=150)
    password = models.CharField(max_length=128)  # already hashed (make_password); moved to the User on approval
    state = FSMField(_("状态"), default=RegistrationState.AWAITING_EMAIL, choices=RegistrationState.choices,
                     protected=True)
    created_at = models.DateTimeField(_("提交时间"), default=timezone.now)
    email_confirmed_at = models.DateTimeField(_("邮箱确认时间"), null=True, blank=True)
    decided_at = models.DateTimeField(_("审核时间"), null=True, blank=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("审核人"), on_delete=models.PROTECT,
                                   null=True, blank=True, related_name="+")
    reason = models.TextField(_("不通过理由"), blank=True)
    organization = models.OneToOneField(Organization, verbose_name=_("注册后的单位"), on_delete=models.PROTECT,
                                        null=True, blank=True, related_name="registration")

    class Meta:
        verbose_name = _("单位注册")
        verbose_name_plural = _("单位注册")
        ordering = ["-created_at", "-id"]
        constraints = [
            # One code registers once: two requests racing with the same code cannot both be pending.
            models.UniqueConstraint(fields=["credit_code"], condition=models.Q(state__in=PENDING_STATES),
                                    name="registration_pending_code_unique",
                                    violation_error_message=_("该统一社会信用代码已提交注册申请，正在处理中。")),
            # An applicant unit names the authority that approves it; a service requester has none.
            models.CheckConstraint(
                name="registration_authority_by_kind",
                condition=(models.Q(kind=RegistrationKind.APPLICANT, authority__isnull=False)
                           | models.Q(kind=RegistrationKind.REQUESTER, authority__isnull=True)),
                violation_error_message=_("申报单位注册须选择推荐单位；服务需求方注册不选推荐单位。")),
            # An applicant unit is in one of Guangxi's cities; a service requester may come from outside Guangxi.
            models.CheckConstraint(
                name="registration_applicant_has_city",
                condition=models.Q(kind=RegistrationKind.REQUESTER) | models.Q(city__isnull=False),
                violation_error_message=_("申报单位注册须选择所在设区市。")),
        ]

    def __str__(self) -> str:
        return self.name

    def confirm_overdue(self, at=None) -> bool:
        return (at or timezone.now()) >= self.created_at + timedelta(days=CONFIRM_DAYS)

    @transition(field=state, source=RegistrationState.AWAITING_EMAIL, target=RegistrationState.AWAITING_APPROVAL,
                permission=perm_system, conditions=[for_applicant, link_in_time], custom={"label": _("确认邮箱")})
    def confirm_email(self, *, confirmed_at) -> None:
        self.email_confirmed_at = confirmed_at

    @transition(field=state, source=RegistrationState.AWAITING_EMAIL, target=RegistrationState.APPROVED,
                permission=perm_system, conditions=[for_requester, link_in_time, code_free, name_free, login_free],
                custom={"label": _("确认邮箱，开通账号")})
    def confirm_and_open(self, *, confirmed_at) -> None:
        """A service requester needs nobody's approval: its confirmed e-mail opens the account."""
        self.email_confirmed_at = self.decided_at = confirmed_at

    @transition(field=state, source=RegistrationState.AWAITING_EMAIL, target=RegistrationState.EXPIRED,
                permission=perm_system, conditions=[link_overdue], custom={"label": _("注册过期")})
    def expire(self) -> None:
        """An unconfirmed request past its link's validity stops holding its code."""

    @transition(field=state, source=RegistrationState.AWAITING_APPROVAL, target=RegistrationState.APPROVED,
                permission=may_decide, conditions=[code_free, name_free, login_free],
                custom={"label": _("审核通过"), "style": "success"})
    def approve(self, *, actor) -> None:
        self.decided_by, self.decided_at = actor, timezone.now()

    @transition(field=state, source=RegistrationState.AWAITING_APPROVAL, target=RegistrationState.REJECTED,
                permission=may_decide, custom={"label": _("不予通过"), "style": "danger", "confirm": True})
    def reject(self, *, actor, reason: str) -> None:
        self.decided_by, self.decided_at, self.reason = actor, timezone.now(), reason
