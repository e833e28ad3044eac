import re
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_fsm import FSMField, FSMModelMixin, transition

from pilotbase.models import Industry, PlatformType
from pilotbase.workflow import condition

from ..rules import perm_department

REMINDER_DAY_MAX = 60
_REMINDER_SPLIT = re.compile(r"[,，、\s]+")


def parse_reminder_days(value: str) -> list[int]:
    """'7,1' (also '7，1' or '7 1') → [7, 1]; raises ValidationError naming what is wrong."""
    parts = [p for p in _REMINDER_SPLIT.split(value or "") if p]
    if not parts:
        raise ValidationError(_("请填写截止前提醒的天数，例如 7,1。"), code="empty")
    bad = [p for p in parts if not p.isascii() or not p.isdigit() or not 1 <= int(p) <= REMINDER_DAY_MAX]
    if bad:
        raise ValidationError(
            _("截止前提醒应为以逗号分隔的1至%(max)d之间的整数天数，例如 7,1；有误的是：%(bad)s。"),
            code="invalid", params={"max": REMINDER_DAY_MAX, "bad": "、".join(bad)})
    return sorted({int(p) for p in parts}, reverse=True)


def validate_reminder_days(value: str) -> None:
    parse_reminder_days(value)


class CallState(models.TextChoices):
    DRAFT = "draft", _("草稿")
    PUBLISHED = "published", _("已发布")
    CLOSED = "closed", _("已结束")


# ---- what a call needs before it is published -------------------------------------------------------
@condition(_("申报截止时间应晚于开始时间"))
def closes_after_opening(call: "Call") -> bool:
    return call.closes_at > call.opens_at


@condition(_("推荐截止时间不应早于申报截止时间"))
def recommends_after_closing(call: "Call") -> bool:
    return call.recommendation_deadline >= call.closes_at


@condition(_("尚未设置附件要求"))
def has_attachment_rules(call: "Call") -> bool:
    return call.required_attachments.exists()


class Call(FSMModelMixin, models.Model):
    """申报批次 / 建设指南: one year's call, with its thresholds, attachments, score sheet and checklist."""

    year = models.PositiveSmallIntegerField(_("年度"), validators=[
        MinValueValidator(2020, _("年度应在2020至2100之间。")), MaxValueValidator(2100, _("年度应在2020至2100之间。"))])
    title = models.CharField(_("标题"), max_length=200)
    document_no = models.CharField(_("文号"), max_length=60, blank=True, help_text=_("例如：桂科成字〔2026〕9号"))
    guide = models.TextField(_("建设指南"), help_text=_("申报条件、支持方向和材料要求，申报单位可见。"))
    opens_at = models.DateTimeField(_("开始申报时间"))
    closes_at = models.DateTimeField(_("申报截止时间"))
    recommendation_deadline = models.DateTimeField(_("推荐截止时间"))
    platform_types = models.ManyToManyField(PlatformType, verbose_name=_("受理的平台类型"))
    industries = models.ManyToManyField(Industry, verbose_name=_("受理的产业领域"))
    batch_number = models.PositiveSmallIntegerField(_("认定批次"), null=True, blank=True,
                                                    help_text=_("本批次认定的基地编入第几批，例如 3 表示第三批。"))
    # Eligibility thresholds: each optional; checked on submission.
    min_site_area = models.DecimalField(_("最低场地面积（平方米）"), max_digits=12, decimal_places=2, null=True, blank=True)
    min_equipment_value = models.DecimalField(_("最低设备原值（元）"), max_digits=14, decimal_places=2, null=True, blank=True)
    min_fulltime_staff = models.PositiveIntegerField(_("最少专职人员（人）"), null=True, blank=True)
    min_technical_staff = models.PositiveIntegerField(_("最少技术人员（人）"), null=True, blank=True)
    min_years_registered = models.PositiveIntegerField(_("最少注册年限（年）"), null=True, blank=True)
    min_outside_projects = models.PositiveIntegerField(_("最少对外中试项目（项）"), null=True, blank=True)
    max_per_authority = models.PositiveIntegerField(_("每个推荐单位推荐上限"), null=True, blank=True)
    reminder_days = models.CharField(_("截止前提醒（天）"), max_length=40, default="7,1",
                                     help_text=_("以逗号分隔，例如 7,1 表示截止前7天和1天各提醒一次。"),
                                     validators=[validate_reminder_days])
    notice_working_days = models.PositiveSmallIntegerField(_("公示期（工作日）"), default=5, validators=[
        MinValueValidator(1, _("公示期至少为1个工作日（通知规定为5个工作日）。"))])
    blind_scoring = models.BooleanField(_("专家互不可见评分"), default=True)
    state = FSMField(_("状态"), default=CallState.DRAFT, choices=CallState.choices, protected=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("申报批次")
        verbose_name_plural = _("申报批次")
        ordering = ["-year", "-opens_at"]

    def __str__(self) -> str:
        return self.title

    def is_open(self, at=None) -> bool:
        at = at or timezone.now()
        return self.state == CallState.PUBLISHED and self.opens_at <= at < self.closes_at

    def reminder_day_list(self) -> list[int]:
        try:
            return parse_reminder_days(self.reminder_days)
        except ValidationError:  # a value saved before validation existed: keep what can be read
            return sorted({int(x) for x in _REMINDER_SPLIT.split(self.reminder_days) if x.isascii() and x.isdigit()},
                          reverse=True)

    @transition(field=state, source=CallState.DRAFT, target=CallState.PUBLISHED, permission=perm_department,
                conditions=[closes_after_opening, recommends_after_closing, has_attachment_rules],
                custom={"label": _("发布"), "confirm": True})
    def publish(self) -> None:
        """发布"""

    @transition(field=state, source=CallState.PUBLISHED, target=CallState.CLOSED, permission=perm_department,
                custom={"label": _("结束申报"), "confirm": True, "style": "outline-danger"})
    def close(self) -> None:
        """结束申报"""


class RequiredAttachment(models.Model):
    """An attachment a call asks for (申报书附件). `code` is stable, e.g. feasibility, license, commitment."""

    call = models.ForeignKey(Call, on_delete=models.CASCADE, related_name="required_attachments")
    code = models.SlugField(_("代码"), max_length=40)
    name = models.CharField(_("名称"), max_length=100)
    help_text = models.CharField(_("说明"), max_length=300, blank=True)
    required = models.BooleanField(_("必须提交"), default=True)
    consortium_only = models.BooleanField(_("仅联合申报需要"), default=False)
    allowed_types = models.CharField(_("允许的文件类型"), max_length=100, default="pdf",
                                     help_text=_("以逗号分隔的扩展名，例如 pdf,jpg,png"))
    max_size_mb = models.PositiveSmallIntegerField(_("大小上限（MB）"), default=20)
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = _("附件要求")
        verbose_name_plural = _("附件要求")
        ordering = ["order", "id"]
        constraints = [models.UniqueConstraint(fields=["call", "code"], name="required_attachment_code_unique")]

    def __str__(self) -> str:
        return self.name

    def allowed_list(self) -> list[str]:
        return [x.strip().lower().lstrip(".") for x in self.allowed_types.split(",") if x.strip()]


class ScoreIndicator(models.Model):
    """One row of the call's expert score sheet (评分表). Veto items score nothing; any 'yes' vetoes."""

    call = models.ForeignKey(Call, on_delete=models.CASCADE, related_name="indicators")
    name = models.CharField(_("指标"), max_length=100)
    description = models.CharField(_("评分要点"), max_length=300, blank=True)
    max_score = models.DecimalField(_("满分"), max_digits=6, decimal_places=2, default=Decimal("10"),
                                    validators=[MinValueValidator(Decimal("0"))])
    is_veto = models.BooleanField(_("一票否决项"), default=False)
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = _("评分指标")
        verbose_name_plural = _("评分指标")
        ordering = ["order", "id"]

    def __str__(self) -> str:
        return self.name


class CheckItem(models.Model):
    """One line of the call's formal-check checklist (形式审查要点)."""

    call = models.ForeignKey(Call, on_delete=models.CASCADE, related_name="check_items")
    text = models.CharField(_("审查要点"), max_length=200)
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = _("形式审查要点")
        verbose_name_plural = _("形式审查要点")
        ordering = ["order", "id"]

    def __str__(self) -> str:
        return self.text
