"""开放共享: each base's service catalogue (对外服务目录).

A `ServiceOffering` is one service a certified base offers outside enterprises (the notice's 二.(三) 开放共享 and
三.(三) 对外服务程序和收费标准): its kind, what it is, the equipment, capacity, lead time, fee standard (收费标准, free
text: a range or a price list), a contact (shown publicly only when `contact_public`), whether 科技创新券 are taken,
and its place in the base's list.

The base's lead unit edits its entries (plain page forms over `sharing.services.catalogue`). Staff may hide an entry
from the public, and show it again: a **declared transition pair** on `state` (visible ⇄ hidden), each with
`permission=perm_catalogue_staff` and a reason (the log row's comment; the service refuses a blank one), run through `pilotbase.workflow.transition_run`, so the
base's timeline shows who hid it, when and why. `hidden` mirrors the state for plain queries (`hidden=False` is
what the public reads); only the transitions write it and a check constraint keeps the two together.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_fsm import FSMField, FSMModelMixin, transition

from ..rules import perm_catalogue_staff

__all__ = ["OfferingState", "ServiceKind", "ServiceOffering"]


class ServiceKind(models.TextChoices):
    SCALE_UP = "scale_up", _("中试放大")
    PROCESS = "process", _("工艺验证")
    TESTING = "testing", _("检验检测")
    CONCEPT = "concept", _("概念验证")
    MATURATION = "maturation", _("成熟度提升")
    OTHER = "other", _("其他")


class OfferingState(models.TextChoices):
    VISIBLE = "visible", _("公开")
    HIDDEN = "hidden", _("已被隐藏")


class ServiceOffering(FSMModelMixin, models.Model):
    base = models.ForeignKey("pilotbase.Base", verbose_name=_("中试基地"), on_delete=models.CASCADE,
                             related_name="service_offerings")
    kind = models.CharField(_("服务类型"), max_length=12, choices=ServiceKind.choices)
    title = models.CharField(_("服务名称"), max_length=100)
    description = models.TextField(_("服务内容"))
    equipment = models.TextField(_("可提供的设备"), blank=True)
    capacity = models.CharField(_("服务能力"), max_length=200, blank=True,
                                help_text=_("例如：年处理能力、单批规模、可同时承接的项目数。"))
    lead_time = models.CharField(_("服务周期"), max_length=100, blank=True, help_text=_("例如：15个工作日。"))
    fee_standard = models.TextField(_("收费标准"), help_text=_("可填写价格区间或价目表，例如：2000–5000元/批次。"))
    contact = models.CharField(_("联系方式"), max_length=200, help_text=_("联系人、电话或电子邮箱。"))
    contact_public = models.BooleanField(_("公开联系方式"), default=False,
                                         help_text=_("不勾选时，联系方式不在公开页面和开放数据中显示。"))
    accepts_vouchers = models.BooleanField(_("接受科技创新券"), default=False)
    order = models.PositiveSmallIntegerField(_("排序"), default=0, help_text=_("数字小的排在前面。"))
    state = FSMField(_("公开状态"), default=OfferingState.VISIBLE, choices=OfferingState.choices, protected=True)
    hidden = models.BooleanField(_("已被隐藏"), default=False, editable=False)
    hidden_reason = models.TextField(_("隐藏理由"), blank=True)
    hidden_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("隐藏人"), on_delete=models.PROTECT,
                                  null=True, blank=True, related_name="+")
    hidden_at = models.DateTimeField(_("隐藏时间"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("对外服务")
        verbose_name_plural = _("对外服务")
        ordering = ["order", "id"]
        indexes = [models.Index(fields=["base", "hidden", "order"], name="offering_base_public")]
        constraints = [
            models.CheckConstraint(
                condition=Q(state="visible", hidden=False) | Q(state="hidden", hidden=True),
                name="offering_hidden_mirrors_state",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.base}：{self.title}"

    @transition(field=state, source=OfferingState.VISIBLE, target=OfferingState.HIDDEN,
                permission=perm_catalogue_staff,
                custom={"label": _("隐藏服务"), "style": "outline-danger"})
    def hide(self, *, actor, reason: str) -> None:
        """隐藏服务"""
        self.hidden, self.hidden_reason = True, reason
        self.hidden_by, self.hidden_at = actor, timezone.now()

    @transition(field=state, source=OfferingState.HIDDEN, target=OfferingState.VISIBLE,
                permission=perm_catalogue_staff,
                custom={"label": _("恢复公开"), "style": "outline-secondary"})
    def unhide(self, *, actor, reason: str) -> None:
        """恢复公开"""
        self.hidden, self.hidden_reason, self.hidden_by, self.hidden_at = False, "", None, None
