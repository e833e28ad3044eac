"""开放共享: service requests (服务需求) from enterprises to bases, paid in part with 科技创新券 (通知 六.(二)).

A `ServiceRequest` is one enterprise's request to one base (optionally naming the catalogue entry it answers):
what, how much, by when, the budget, and whether it pays with vouchers (the voucher's number and the amount
claimed). Two sides act on it, each only in its own steps:

- the **base** (its lead unit's users, `is_request_base_side`) quotes or declines, starts the work, delivers,
  and takes a disputed delivery back into work;
- the **requester** (the enterprise's users, `is_request_owner`) accepts or refuses a quote, withdraws before
  work starts, confirms a delivery or disputes it;
- the **portal** (`perm_system`, from beat) lets an unanswered quote lapse once it is no longer valid.

submitted → quoted → accepted → in_progress → delivered → confirmed, with declined / refused / withdrawn /
expired as ends and disputed → in_progress (the base reworks) or → confirmed (the requester accepts after all).
Every step is a declared transition run by `transition_run` (logged with who, when and the comment) through the
services in `sharing.services.requests`. Answers have deadlines (`reply_due`: the base's answer to a new request;
`quote_valid_until`: the requester's answer to a quote; `confirm_due`: the requester's answer to a delivery),
each reminded once by the sweep.

Vouchers: `voucher_amount` is what the requester claims against the request; it may not exceed the agreed
price. Delivered and confirmed requests are the base's outside-client figures for its annual report
(`sharing.selectors`), which pre-fill the report's voucher income and client counts.
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_fsm import FSMField, FSMModelMixin, transition

from pilotbase.rules import perm_system
from pilotbase.workflow import condition

from ..rules import perm_request_base_side, perm_request_owner

__all__ = ["RequestState", "ServiceRequest", "OPEN_REQUEST_STATES", "DELIVERED_REQUEST_STATES"]

NONNEGATIVE = MinValueValidator(Decimal("0"), _("金额不能为负数。"))


class RequestState(models.TextChoices):
    SUBMITTED = "submitted", _("待基地答复")
    QUOTED = "quoted", _("已报价")
    DECLINED = "declined", _("基地已婉拒")
    REFUSED = "refused", _("未接受报价")
    WITHDRAWN = "withdrawn", _("已撤回")
    EXPIRED = "expired", _("报价已过期")
    ACCEPTED = "accepted", _("已接受报价")
    IN_PROGRESS = "in_progress", _("服务中")
    DELIVERED = "delivered", _("已交付待确认")
    DISPUTED = "disputed", _("有异议")
    CONFIRMED = "confirmed", _("已确认完成")


OPEN_REQUEST_STATES = (RequestState.SUBMITTED, RequestState.QUOTED, RequestState.ACCEPTED,
                       RequestState.IN_PROGRESS, RequestState.DELIVERED, RequestState.DISPUTED)
# Work done for the requester: what the base's annual report counts (a disputed delivery is not yet done).
DELIVERED_REQUEST_STATES = (RequestState.DELIVERED, RequestState.CONFIRMED)


@condition(_("报价已过有效期，请基地重新报价。"))
def quote_still_valid(req: ServiceRequest) -> bool:
    return req.quote_valid_until is None or timezone.localdate() <= req.quote_valid_until


@condition(_("报价尚在有效期内。"))
def quote_lapsed(req: ServiceRequest) -> bool:
    return req.quote_valid_until is not None and timezone.localdate() > req.quote_valid_until


@condition(_("使用科技创新券的金额不能超过报价金额。"))
def voucher_within_price(req: ServiceRequest) -> bool:
    return not req.uses_voucher or req.quote_amount is None or (req.voucher_amount or 0) <= req.quote_amount


class ServiceRequest(FSMModelMixin, models.Model):
    number = models.CharField(_("需求编号"), max_length=20, unique=True, null=True, blank=True)
    base = models.ForeignKey("pilotbase.Base", verbose_name=_("中试基地"), on_delete=models.PROTECT,
                             related_name="service_requests")
    offering = models.ForeignKey("sharing.ServiceOffering", verbose_name=_("对应服务"), on_delete=models.SET_NULL,
                                 null=True, blank=True, related_name="requests")
    requester = models.ForeignKey("pilotbase.Organization", verbose_name=_("需求单位"), on_delete=models.PROTECT,
                                  related_name="service_requests")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("提交人"), on_delete=models.PROTECT,
                                   related_name="+")
    title = models.CharField(_("需求名称"), max_length=100)
    description = models.TextField(_("需求内容"), help_text=_("需要基地做什么：样品、工艺、指标要求等。"))
    quantity = models.CharField(_("数量或规模"), max_length=100, help_text=_("例如：3个批次、每批50公斤。"))
    wanted_by = models.DateField(_("期望完成日期"))
    budget = models.DecimalField(_("预算（元）"), max_digits=14, decimal_places=2, null=True, blank=True,
                                 validators=[NONNEGATIVE])
    uses_voucher = models.BooleanField(_("使用科技创新券"), default=False)
    voucher_number = models.CharField(_("创新券编号"), max_length=40, blank=True)
    voucher_amount = models.DecimalField(_("创新券使用金额（元）"), max_digits=14, decimal_places=2, null=True,
                                         blank=True, validators=[NONNEGATIVE])
    state = FSMField(_("状态"), default=RequestState.SUBMITTED, choices=RequestState.choices, protected=True)
    submitted_at = models.DateTimeField(_("提交时间"), default=timezone.now)
    reply_due = models.DateField(_("基地答复期限"))
    quote_amount = models.DecimalField(_("报价金额（元）"), max_digits=14, decimal_places=2, null=True, blank=True,
                                       validators=[NONNEGATIVE])
    quote_note = models.TextField(_("报价说明"), blank=True)
    quote_valid_until = models.DateField(_("报价有效期至"), null=True, blank=True)
    quoted_at = models.DateTimeField(_("报价时间"), null=True, blank=True)
    answer_reason = models.TextField(_("婉拒或不接受的理由"), blank=True)
    accepted_at = models.DateTimeField(_("接受报价时间"), null=True, blank=True)
    started_at = models.DateTimeField(_("开始服务时间"), null=True, blank=True)
    delivered_at = models.DateTimeField(_("交付时间"), null=True, blank=True)
    delivery_note = models.TextField(_("交付说明"), blank=True)
    confirm_due = models.DateField(_("确认期限"), null=True, blank=True)
    dispute_reason = models.TextField(_("异议内容"), blank=True)
    closed_at = models.DateTimeField(_("完成或结束时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("服务需求")
        verbose_name_plural = _("服务需求")
        ordering = ["-submitted_at", "-id"]
        indexes = [
            models.Index(fields=["base", "state"], name="request_base_state"),
            models.Index(fields=["requester", "state"], name="request_requester_state"),
            # a requester's requests newest first (我的服务需求, its dashboard panels): the page's rows by the index
            models.Index(fields=["requester", "-submitted_at", "-id"], name="request_requester_recent"),
        ]
        constraints = [
            models.CheckConstraint(
                name="request_voucher_declared",
                condition=Q(uses_voucher=False) | (~Q(voucher_number="") & Q(voucher_amount__isnull=False)),
                violation_error_message=_("使用科技创新券时须填写创新券编号和使用金额。"),
            ),
            models.CheckConstraint(
                name="request_amounts_nonnegative",
                condition=(Q(budget__isnull=True) | Q(budget__gte=0))
                & (Q(voucher_amount__isnull=True) | Q(voucher_amount__gte=0))
                & (Q(quote_amount__isnull=True) | Q(quote_amount__gte=0)),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.number or self.pk}：{self.title}"

    # ---- the base's side -------------------------------------------------------------------------------
    @transition(field=state, source=RequestState.SUBMITTED, target=RequestState.QUOTED,
                permission=perm_request_base_side, custom={"label": _("报价"), "style": "primary"})
    def quote(self, *, amount: Decimal, note: str, valid_until) -> None:
        self.quote_amount, self.quote_note, self.quote_valid_until = amount, note, valid_until
        self.quoted_at = timezone.now()

    @transition(field=state, source=RequestState.SUBMITTED, target=RequestState.DECLINED,
                permission=perm_request_base_side,
                custom={"label": _("婉拒需求"), "style": "outline-danger", "confirm": True})
    def decline(self, *, reason: str) -> None:
        self.answer_reason, self.closed_at = reason, timezone.now()

    @transition(field=state, source=RequestState.ACCEPTED, target=RequestState.IN_PROGRESS,
                permission=perm_request_base_side, custom={"label": _("开始服务")})
    def start(self) -> None:
        self.started_at = timezone.now()

    @transition(field=state, source=RequestState.IN_PROGRESS, target=RequestState.DELIVERED,
                permission=perm_request_base_side, custom={"label": _("交付成果"), "style": "success"})
    def deliver(self, *, note: str, confirm_due) -> None:
        self.delivery_note, self.confirm_due, self.delivered_at = note, confirm_due, timezone.now()

    @transition(field=state, source=RequestState.DISPUTED, target=RequestState.IN_PROGRESS,
                permission=perm_request_base_side, custom={"label": _("处理异议，继续服务")})
    def rework(self) -> None:
        self.delivered_at = self.confirm_due = None

    # ---- the requester's side --------------------------------------------------------------------------
    @transition(field=state, source=RequestState.QUOTED, target=RequestState.ACCEPTED,
                permission=perm_request_owner, conditions=[quote_still_valid, voucher_within_price],
                custom={"label": _("接受报价"), "style": "success"})
    def accept(self) -> None:
        self.accepted_at = timezone.now()

    @transition(field=state, source=RequestState.QUOTED, target=RequestState.REFUSED,
                permission=perm_request_owner,
                custom={"label": _("不接受报价"), "style": "outline-danger", "confirm": True})
    def refuse(self, *, reason: str) -> None:
        self.answer_reason, self.closed_at = reason, timezone.now()

    @transition(field=state, source=[RequestState.SUBMITTED, RequestState.QUOTED], target=RequestState.WITHDRAWN,
                permission=perm_request_owner,
                custom={"label": _("撤回需求"), "style": "outline-secondary", "confirm": True})
    def withdraw(self, *, reason: str = "") -> None:
        self.answer_reason, self.closed_at = reason, timezone.now()

    @transition(field=state, source=[RequestState.DELIVERED, RequestState.DISPUTED], target=RequestState.CONFIRMED,
                permission=perm_request_owner, custom={"label": _("确认完成"), "style": "success"})
    def confirm(self) -> None:
        self.closed_at = timezone.now()

    @transition(field=state, source=RequestState.DELIVERED, target=RequestState.DISPUTED,
                permission=perm_request_owner, custom={"label": _("提出异议"), "style": "outline-danger"})
    def dispute(self, *, reason: str) -> None:
        self.dispute_reason = reason

    # ---- the portal ------------------------------------------------------------------------------------
    @transition(field=state, source=RequestState.QUOTED, target=RequestState.EXPIRED, permission=perm_system,
                conditions=[quote_lapsed], custom={"label": _("报价过期")})
    def expire(self) -> None:
        self.closed_at = timezone.now()
