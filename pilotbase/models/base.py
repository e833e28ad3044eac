import uuid

from django.db import models
from django.utils.translation import gettext_lazy as _
from django_fsm import FSMField, FSMModelMixin, transition

from ..rules import fsm_permission, is_agency, is_staff_side, is_system, perm_system
from .org import Organization
from .reference import City, Industry, PlatformType

perm_staff = fsm_permission(is_staff_side)
perm_staff_or_system = fsm_permission(is_staff_side | is_system)  # a consequence the portal draws (a 整改 grade)
# 整改复核: staff, or an agency re-checking a rectification of its round (evaluations checks the rectification first,
# in the same decision; the base's transition only follows it)
perm_staff_or_agency = fsm_permission(is_staff_side | is_agency)


class BaseStatus(models.TextChoices):
    ACTIVE = "active", _("运行中")
    RECTIFYING = "rectifying", _("整改中")
    REVOKED = "revoked", _("已撤销认定")


class Base(FSMModelMixin, models.Model):
    """中试基地: a certified pilot base, the project's central noun.

    Created at certification (reviews); the application it came from points here
    (applications.Application.base). Evaluations and subsidies hang off it.
    """

    name = models.CharField(_("基地名称"), max_length=120, unique=True)
    lead_unit = models.ForeignKey(Organization, verbose_name=_("牵头单位"), on_delete=models.PROTECT, related_name="led_bases")
    partner_units = models.ManyToManyField(Organization, verbose_name=_("共建单位"), blank=True, related_name="partner_bases")
    city = models.ForeignKey(City, verbose_name=_("所在设区市"), on_delete=models.PROTECT)
    industry = models.ForeignKey(Industry, verbose_name=_("产业领域"), on_delete=models.PROTECT)
    platform_type = models.ForeignKey(PlatformType, verbose_name=_("平台类型"), on_delete=models.PROTECT)
    batch = models.PositiveSmallIntegerField(_("认定批次"))
    certified_on = models.DateField(_("认定日期"))
    construction_years = models.PositiveSmallIntegerField(_("建设期（年）"), default=3)
    state = FSMField(_("状态"), default=BaseStatus.ACTIVE, choices=BaseStatus.choices, protected=True)
    services = models.TextField(_("对外中试服务"), blank=True)
    plaque_issued_on = models.DateField(_("标牌颁发日期"), null=True, blank=True)
    plaque_received_by = models.CharField(_("标牌领取人"), max_length=60, blank=True)
    plaque_returned_on = models.DateField(_("标牌收回日期"), null=True, blank=True)
    plaque_return_note = models.CharField(_("标牌收回情况"), max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("中试基地")
        verbose_name_plural = _("中试基地")
        ordering = ["batch", "id"]

    def __str__(self) -> str:
        return self.name

    @classmethod
    def ids_of_unit(cls, organization_id: int) -> models.QuerySet:
        """The ids of the bases a unit leads or is a partner unit (共建单位) of, as one subquery: a lead unit's
        and its partners' scope of reports, grants and other per-base records (`pilotbase.subqueries`)."""
        led = cls.objects.filter(lead_unit_id=organization_id).order_by().values("pk")
        return led.union(cls.partner_units.through.objects.filter(organization_id=organization_id).values("base_id"))

    @property
    def batch_label(self) -> str:
        from ..formats import batch_label

        return batch_label(self.batch)

    # Later stages (evaluations) drive these; declared here so the base's life is in one place.
    @transition(field=state, source=BaseStatus.ACTIVE, target=BaseStatus.RECTIFYING, permission=perm_staff_or_system,
                custom={"label": _("整改")})
    def order_rectification(self) -> None:
        """整改"""

    @transition(field=state, source=BaseStatus.RECTIFYING, target=BaseStatus.ACTIVE, permission=perm_staff_or_agency,
                custom={"label": _("整改完成")})
    def close_rectification(self) -> None:
        """整改完成"""

    # Not accepted: the rectification ends and the year counts as a failed evaluation (evaluations.consecutive).
    @transition(field=state, source=BaseStatus.RECTIFYING, target=BaseStatus.ACTIVE, permission=perm_staff_or_agency,
                custom={"label": _("整改未通过")})
    def fail_rectification(self) -> None:
        """整改未通过"""

    @transition(field=state, source=[BaseStatus.ACTIVE, BaseStatus.RECTIFYING], target=BaseStatus.REVOKED,
                permission=perm_staff, custom={"label": _("撤销认定"), "confirm": True})
    def revoke(self) -> None:
        """撤销认定 / 摘牌"""

    @transition(field=state, source=BaseStatus.REVOKED, target=None, permission=perm_staff,
                custom={"label": _("登记标牌收回")})
    def record_plaque_return(self, *, plaque_returned_on, plaque_return_note: str = "") -> None:
        """登记标牌收回"""
        self.plaque_returned_on = plaque_returned_on
        self.plaque_return_note = plaque_return_note

    # target=None: the state stays (django-fsm checks the source only); transition_run still logs the row.
    @transition(field=state, source=[BaseStatus.ACTIVE, BaseStatus.RECTIFYING], target=None, permission=perm_staff,
                custom={"label": _("登记标牌颁发")})
    def record_plaque(self, *, plaque_issued_on, plaque_received_by: str) -> None:
        """登记标牌颁发"""
        self.plaque_issued_on = plaque_issued_on
        self.plaque_received_by = plaque_received_by


class CertificateState(models.TextChoices):
    PENDING = "pending", _("生成中")
    VALID = "valid", _("有效")
    REVOKED = "revoked", _("已撤销")


def certificate_upload_to(instance: "Certificate", filename: str) -> str:
    return f"certificates/{instance.year}/{instance.token}.pdf"


class Certificate(FSMModelMixin, models.Model):
    base = models.OneToOneField(Base, verbose_name=_("中试基地"), on_delete=models.PROTECT, related_name="certificate")
    number = models.CharField(_("证书编号"), max_length=40, unique=True)
    year = models.PositiveSmallIntegerField(_("年度"))
    sequence = models.PositiveIntegerField(_("年度序号"))
    issued_on = models.DateField(_("发证日期"))
    token = models.UUIDField(_("核验码"), default=uuid.uuid4, unique=True, editable=False)
    pdf = models.FileField(_("证书PDF"), upload_to=certificate_upload_to, blank=True)
    # SHA-256 of the signed file as issued: the verification page recognises an uploaded copy by it.
    pdf_sha256 = models.CharField(_("证书PDF的SHA-256"), max_length=64, blank=True, db_index=True, editable=False)
    state = FSMField(_("状态"), default=CertificateState.PENDING, choices=CertificateState.choices, protected=True)
    revoked_on = models.DateField(_("撤销日期"), null=True, blank=True)
    revoked_reason = models.TextField(_("撤销原因"), blank=True)

    class Meta:
        verbose_name = _("认定证书")
        verbose_name_plural = _("认定证书")
        ordering = ["year", "sequence"]
        constraints = [models.UniqueConstraint(fields=["year", "sequence"], name="certificate_year_sequence_unique")]

    def __str__(self) -> str:
        return self.number

    @transition(field=state, source=CertificateState.PENDING, target=CertificateState.VALID, permission=perm_system,
                custom={"label": _("证书已生成")})
    def mark_generated(self, *, pdf: str, pdf_sha256: str) -> None:
        """证书已生成"""
        self.pdf, self.pdf_sha256 = pdf, pdf_sha256

    @transition(field=state, source=[CertificateState.PENDING, CertificateState.VALID], target=CertificateState.REVOKED,
                permission=perm_staff, custom={"label": _("撤销证书"), "confirm": True})
    def revoke(self, *, revoked_on, reason: str) -> None:
        """撤销证书"""
        self.revoked_on, self.revoked_reason = revoked_on, reason
