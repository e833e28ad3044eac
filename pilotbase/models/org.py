from django.contrib.auth.models import AbstractUser
from django.db import models
from django.db.models.functions import Lower
from django.utils.translation import gettext_lazy as _

from ..validators import validate_credit_code
from .reference import City, Industry


class OrgKind(models.TextChoices):
    APPLICANT = "applicant", _("申报单位")
    AUTHORITY = "authority", _("推荐单位")
    DEPARTMENT = "department", _("自治区科技厅")
    AGENCY = "agency", _("第三方机构")
    REQUESTER = "requester", _("服务需求单位")
    OTHER = "other", _("其他单位")


class UnitType(models.TextChoices):
    PARK = "park", _("科技园区")
    UNIVERSITY = "university", _("高等院校")
    INSTITUTE = "institute", _("科研院所")
    ENTERPRISE = "enterprise", _("企业")
    GOVERNMENT = "government", _("政府部门")
    OTHER = "other", _("其他")


class AuthorityKind(models.TextChoices):
    CITY_BUREAU = "city", _("设区市科技局")
    REGIONAL_DEPARTMENT = "regional", _("自治区主管部门")


class Organization(models.Model):
    name = models.CharField(_("单位名称"), max_length=120, unique=True)
    short_name = models.CharField(_("简称"), max_length=40, blank=True)
    kind = models.CharField(_("单位类别"), max_length=20, choices=OrgKind.choices, db_index=True)
    unit_type = models.CharField(_("单位性质"), max_length=20, choices=UnitType.choices, default=UnitType.OTHER)
    authority_kind = models.CharField(
        _("推荐单位类型"), max_length=20, choices=AuthorityKind.choices, blank=True,
        help_text=_("仅推荐单位填写：设区市科技局或自治区主管部门。"),
    )
    credit_code = models.CharField(
        _("统一社会信用代码"), max_length=18, unique=True, null=True, blank=True, validators=[validate_credit_code]
    )
    city = models.ForeignKey(City, verbose_name=_("所在设区市"), on_delete=models.PROTECT, null=True, blank=True)
    authority = models.ForeignKey(
        "self", verbose_name=_("所属推荐单位"), on_delete=models.PROTECT, null=True, blank=True,
        related_name="applicants", limit_choices_to={"kind": OrgKind.AUTHORITY},
        help_text=_("申报单位必须且只能属于一个推荐单位（设区市科技局或自治区主管部门）。"),
    )
    industries = models.ManyToManyField(Industry, verbose_name=_("主要产业领域"), blank=True)
    registered_on = models.DateField(_("注册成立日期"), null=True, blank=True)
    address = models.CharField(_("地址"), max_length=200, blank=True)
    contact_name = models.CharField(_("联系人"), max_length=40, blank=True)
    contact_phone = models.CharField(_("联系电话"), max_length=40, blank=True)
    is_active = models.BooleanField(_("启用"), default=True)

    class Meta:
        verbose_name = _("单位")
        verbose_name_plural = _("单位")
        ordering = ["kind", "name"]
        constraints = [
            models.CheckConstraint(
                name="applicant_has_authority",
                condition=~models.Q(kind=OrgKind.APPLICANT) | models.Q(authority__isnull=False),
                violation_error_message=_("申报单位必须指定所属推荐单位。"),
            ),
            models.CheckConstraint(
                name="authority_has_kind",
                condition=~models.Q(kind=OrgKind.AUTHORITY) | ~models.Q(authority_kind=""),
                violation_error_message=_("推荐单位必须指定类型。"),
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        from django.core.exceptions import ValidationError

        if self.credit_code:
            self.credit_code = self.credit_code.strip().upper()
        if self.kind == OrgKind.APPLICANT and not self.authority_id:
            raise ValidationError({"authority": _("申报单位必须指定所属推荐单位。")})
        if self.kind != OrgKind.APPLICANT and self.authority_id:
            raise ValidationError({"authority": _("只有申报单位才有所属推荐单位。")})
        if self.kind == OrgKind.AUTHORITY and not self.authority_kind:
            raise ValidationError({"authority_kind": _("推荐单位必须指定类型。")})


class Role(models.TextChoices):
    APPLICANT = "applicant", _("申报单位用户")
    AUTHORITY = "authority", _("推荐单位审核人")
    DEPARTMENT = "department", _("科技厅工作人员")
    AGENCY = "agency", _("第三方机构人员")
    EXPERT = "expert", _("评审专家")
    REQUESTER = "requester", _("服务需求方用户")
    ADMIN = "admin", _("系统管理员")


# Which organisation kinds each role may belong to.
ROLE_ORG_KINDS = {
    Role.APPLICANT: {OrgKind.APPLICANT},
    Role.AUTHORITY: {OrgKind.AUTHORITY},
    Role.DEPARTMENT: {OrgKind.DEPARTMENT},
    Role.AGENCY: {OrgKind.AGENCY},
    Role.REQUESTER: {OrgKind.REQUESTER},
    Role.EXPERT: set(OrgKind.values),
    Role.ADMIN: set(OrgKind.values),
}


class User(AbstractUser):
    role = models.CharField(_("角色"), max_length=20, choices=Role.choices, db_index=True)
    organization = models.ForeignKey(
        Organization, verbose_name=_("所属单位"), on_delete=models.PROTECT, null=True, blank=True, related_name="users"
    )
    phone = models.CharField(_("手机号码"), max_length=20, blank=True)

    class Meta(AbstractUser.Meta):
        verbose_name = _("用户")
        verbose_name_plural = _("用户")
        constraints = [
            models.UniqueConstraint(
                Lower("email"), name="user_email_unique_ci", condition=~models.Q(email=""),
                violation_error_message=_("该电子邮箱已被其他账号使用。"),
            ),
        ]

    def __str__(self) -> str:
        full = self.get_full_name()
        return full or self.username

    def get_full_name(self) -> str:
        # Chinese order: family name first, no space.
        return f"{self.last_name}{self.first_name}".strip()

    def clean(self) -> None:
        from django.core.exceptions import ValidationError

        super().clean()
        if self.role and self.role != Role.ADMIN and not self.organization_id:
            raise ValidationError({"organization": _("除系统管理员外，每个用户都必须属于一个单位。")})
        if self.organization_id and self.role and self.organization.kind not in ROLE_ORG_KINDS[self.role]:
            raise ValidationError({"organization": _("该角色不能属于这一类单位。")})


class ExpertKind(models.TextChoices):
    TECHNICAL = "technical", _("技术专家")
    MANAGEMENT = "management", _("管理专家")
    FINANCIAL = "financial", _("财务专家")


class ExpertProfile(models.Model):
    """An expert in the pool (专家库). The expert's own organisation is user.organization."""

    user = models.OneToOneField(User, verbose_name=_("用户"), on_delete=models.CASCADE, related_name="expert_profile")
    kind = models.CharField(_("专家类别"), max_length=20, choices=ExpertKind.choices, db_index=True)
    industries = models.ManyToManyField(Industry, verbose_name=_("熟悉的产业领域"), blank=True)
    title = models.CharField(_("职称"), max_length=40, blank=True)
    city = models.ForeignKey(City, verbose_name=_("所在设区市"), on_delete=models.PROTECT, null=True, blank=True)
    available = models.BooleanField(_("可参加评审"), default=True)
    conflicts = models.ManyToManyField(
        Organization, verbose_name=_("申明回避的单位"), blank=True, related_name="conflicted_experts",
        help_text=_("与专家存在利益关系、需要回避的单位。"),
    )

    class Meta:
        verbose_name = _("专家")
        verbose_name_plural = _("专家库")

    def __str__(self) -> str:
        return f"{self.user}（{self.get_kind_display()}）"
