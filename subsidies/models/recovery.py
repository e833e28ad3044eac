"""追回 (clawback, 《实施方案》六.(三)): the regional funds a base must pay back.

A `Recovery` is opened by staff for a base — after its certification was revoked (the revocation flags its funds,
`evaluations.Revocation.recovery_flagged`) or when a construction grant closes as not completed — with the amount
(by default the funds the base received in the period concerned: the ledger's disbursements net of reversals;
another amount needs a reason), a due date and the reason. Each payment received is a REPAYMENT ledger row (support
追回, source the recovery), never above what is outstanding; the state follows the sum: open (待缴回) → partly
repaid (部分缴回) → settled (已缴清). What cannot be recovered is written off: proposed with a reason, approved by a
second staff member (four eyes), a WRITE_OFF ledger row of the outstanding amount.
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_fsm import FSMField, FSMModelMixin, transition

from pilotbase.workflow import acting_user, condition

from ..rules import perm_recovery_approver, perm_recovery_staff

__all__ = ["Recovery", "RecoveryState", "RecoveryOrigin"]

ZERO = Decimal("0.00")


class RecoveryState(models.TextChoices):
    OPEN = "open", _("待缴回")
    PARTLY_REPAID = "partly_repaid", _("部分缴回")
    SETTLED = "settled", _("已缴清")
    WRITE_OFF_PROPOSED = "write_off_proposed", _("核销待审批")
    WRITTEN_OFF = "written_off", _("已核销")


OUTSTANDING_STATES = (RecoveryState.OPEN, RecoveryState.PARTLY_REPAID)


class RecoveryOrigin(models.TextChoices):
    REVOCATION = "revocation", _("撤销认定")
    CONSTRUCTION = "construction", _("建设支持未完成")


@condition(_("尚有未缴回的金额。"))
def recovery_fully_repaid(recovery: Recovery) -> bool:
    return recovery.outstanding <= 0


@condition(_("应缴回金额已全部缴回。"))
def recovery_has_outstanding(recovery: Recovery) -> bool:
    return recovery.outstanding > 0


@condition(_("须由提出核销以外的另一名工作人员批准。"))
def recovery_second_person(recovery: Recovery) -> bool:
    user = acting_user()
    return user is not None and recovery.write_off_proposed_by_id is not None and (
        user.pk != recovery.write_off_proposed_by_id)


@condition(_("已有缴回款项。"))
def recovery_nothing_repaid(recovery: Recovery) -> bool:
    return recovery.repaid <= 0


@condition(_("尚无缴回款项。"))
def recovery_something_repaid(recovery: Recovery) -> bool:
    return recovery.repaid > 0


class Recovery(FSMModelMixin, models.Model):
    base = models.ForeignKey("pilotbase.Base", verbose_name=_("中试基地"), on_delete=models.PROTECT,
                             related_name="recoveries")
    origin = models.CharField(_("追回事由"), max_length=20, choices=RecoveryOrigin.choices)
    revocation = models.OneToOneField("evaluations.Revocation", verbose_name=_("撤销认定"), on_delete=models.PROTECT,
                                      null=True, blank=True, related_name="recovery")
    # A construction grant closed as not completed (subsidies' construction part): its record, generically.
    source_type = models.ForeignKey(ContentType, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    source_id = models.PositiveIntegerField(null=True, blank=True)
    source = GenericForeignKey("source_type", "source_id")
    period_from = models.DateField(_("资金期间起"))
    period_to = models.DateField(_("资金期间止"))
    received = models.DecimalField(_("期间内拨付资金（元）"), max_digits=14, decimal_places=2, default=ZERO,
                                   help_text=_("开立时按资金台账核算：期间内的拨付，扣除冲正。"))
    amount = models.DecimalField(_("应缴回金额（元）"), max_digits=14, decimal_places=2)
    amount_reason = models.TextField(_("金额调整理由"), blank=True)
    due_on = models.DateField(_("缴回期限"))
    reason = models.TextField(_("追回理由"))
    state = FSMField(_("状态"), default=RecoveryState.OPEN, choices=RecoveryState.choices, protected=True)
    repaid = models.DecimalField(_("已缴回（元）"), max_digits=14, decimal_places=2, default=ZERO,
                                 help_text=_("资金台账中本追回的缴回合计（扣除冲正），每次登记后更新。"))
    write_off_reason = models.TextField(_("核销理由"), blank=True)
    write_off_proposed_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("提出核销"),
                                              on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    write_off_proposed_at = models.DateTimeField(_("提出核销时间"), null=True, blank=True)
    written_off_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("批准核销"), on_delete=models.PROTECT,
                                       null=True, blank=True, related_name="+")
    written_off_at = models.DateTimeField(_("核销时间"), null=True, blank=True)
    write_off_opinion = models.TextField(_("核销审批意见"), blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("开立人"), on_delete=models.PROTECT,
                                   null=True, related_name="+")
    created_at = models.DateTimeField(_("开立时间"), default=timezone.now)

    class Meta:
        verbose_name = _("追回")
        verbose_name_plural = _("追回")
        ordering = ["due_on", "id"]
        constraints = [
            models.CheckConstraint(name="recovery_amount_positive", condition=Q(amount__gt=0)),
            models.CheckConstraint(name="recovery_repaid_within_amount",
                                   condition=Q(repaid__gte=0) & Q(repaid__lte=models.F("amount"))),
            models.CheckConstraint(name="recovery_period_ordered", condition=Q(period_from__lte=models.F("period_to"))),
            models.CheckConstraint(name="recovery_other_amount_has_reason",
                                   condition=Q(amount=models.F("received")) | ~Q(amount_reason="")),
            models.UniqueConstraint(fields=["source_type", "source_id"], condition=Q(source_id__isnull=False),
                                    name="one_recovery_per_source"),
        ]

    def __str__(self) -> str:
        return str(_("%(base)s 追回")) % {"base": self.base}

    @property
    def outstanding(self) -> Decimal:
        return max(self.amount - self.repaid, ZERO)

    def repayable_total(self) -> Decimal:
        """What may come back for this source (subsidies.services.ledger.ledger_post caps repayments by it)."""
        return self.amount

    @property
    def overdue(self) -> bool:
        return self.state in OUTSTANDING_STATES and self.due_on < timezone.localdate()

    @transition(field=state, source=list(OUTSTANDING_STATES), target=None, permission=perm_recovery_staff,
                custom={"label": _("调整应缴回金额")})
    def adjust(self, *, amount: Decimal, reason: str, due_on) -> None:
        """调整应缴回金额 (and the due date)"""
        self.amount, self.amount_reason, self.due_on = amount, reason, due_on

    @transition(field=state, source=list(OUTSTANDING_STATES), target=RecoveryState.PARTLY_REPAID,
                permission=perm_recovery_staff, conditions=[recovery_has_outstanding],
                custom={"label": _("登记缴回")})
    def repay(self, *, repaid: Decimal) -> None:
        """登记缴回 (the service posts the REPAYMENT row first and passes the new sum)"""
        self.repaid = repaid

    @transition(field=state, source=list(OUTSTANDING_STATES), target=RecoveryState.SETTLED,
                permission=perm_recovery_staff, conditions=[recovery_fully_repaid],
                custom={"label": _("已缴清")})
    def settle(self) -> None:
        """已缴清 (run by the service when the repayments reach the amount)"""

    @transition(field=state, source=list(OUTSTANDING_STATES), target=RecoveryState.WRITE_OFF_PROPOSED,
                permission=perm_recovery_staff, conditions=[recovery_has_outstanding],
                custom={"label": _("提出核销"), "style": "outline-danger",
                        "confirm": _("核销须由另一名工作人员批准。确定提出核销吗？")})
    def propose_write_off(self, *, actor, reason: str) -> None:
        """提出核销"""
        self.write_off_reason = reason
        self.write_off_proposed_by, self.write_off_proposed_at = actor, timezone.now()

    @transition(field=state, source=RecoveryState.WRITE_OFF_PROPOSED, target=RecoveryState.WRITTEN_OFF,
                permission=perm_recovery_approver, conditions=[recovery_second_person],
                custom={"label": _("批准核销"), "confirm": True, "style": "danger"})
    def approve_write_off(self, *, actor, opinion: str) -> None:
        """批准核销"""
        self.written_off_by, self.written_off_at, self.write_off_opinion = actor, timezone.now(), opinion

    @transition(field=state, source=RecoveryState.WRITE_OFF_PROPOSED, target=RecoveryState.OPEN,
                permission=perm_recovery_staff, conditions=[recovery_nothing_repaid],
                custom={"label": _("退回核销申请"), "style": "outline-secondary"})
    def reject_write_off(self, *, opinion: str) -> None:
        """退回核销申请 (nothing repaid yet: back to 待缴回)"""
        self.write_off_opinion = opinion
        self.write_off_proposed_by, self.write_off_proposed_at = None, None

    @transition(field=state, source=RecoveryState.WRITE_OFF_PROPOSED, target=RecoveryState.PARTLY_REPAID,
                permission=perm_recovery_staff, conditions=[recovery_something_repaid],
                custom={"label": _("退回核销申请"), "style": "outline-secondary"})
    def reject_write_off_partly(self, *, opinion: str) -> None:
        """退回核销申请 (something repaid: back to 部分缴回)"""
        self.write_off_opinion = opinion
        self.write_off_proposed_by, self.write_off_proposed_at = None, None
