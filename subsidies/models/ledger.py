"""The ledger (资金台账): one append-only row per grant, disbursement, repayment, write-off or reversal.

A row is never edited or deleted: a correction is a new REVERSAL row that names the row it cancels. The database
holds the rules it can (positive amounts, a reversal names its row, one row per idempotency key); the service
`subsidies.services.ledger.ledger_post` holds the rest (repayments never above what was disbursed, under a lock).
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

__all__ = ["LedgerEntry", "LedgerKind", "SupportKind", "LedgerImmutable"]


class LedgerKind(models.TextChoices):
    GRANT = "grant", _("核定/下达")
    DISBURSEMENT = "disbursement", _("拨付")
    REPAYMENT = "repayment", _("缴回")
    WRITE_OFF = "write_off", _("核销")
    REVERSAL = "reversal", _("冲正")


class SupportKind(models.TextChoices):
    CONSTRUCTION = "construction", _("建设支持")
    OPERATING = "operating", _("运行奖补")
    RECOVERY = "recovery", _("追回")


class LedgerImmutable(Exception):
    """A ledger row was about to be changed or deleted: corrections are reversing rows."""


class LedgerEntry(models.Model):
    base = models.ForeignKey("pilotbase.Base", verbose_name=_("中试基地"), on_delete=models.PROTECT,
                             related_name="ledger_entries")
    kind = models.CharField(_("类别"), max_length=20, choices=LedgerKind.choices)
    support = models.CharField(_("资金类别"), max_length=20, choices=SupportKind.choices)
    year = models.PositiveSmallIntegerField(_("预算年度"))
    amount = models.DecimalField(_("金额（元）"), max_digits=14, decimal_places=2)
    occurred_on = models.DateField(_("发生日期"))
    document_no = models.CharField(_("文号/凭证号"), max_length=60, blank=True)
    reason = models.TextField(_("说明"), blank=True)
    source_type = models.ForeignKey(ContentType, on_delete=models.PROTECT, related_name="+")
    source_id = models.PositiveIntegerField()
    source = GenericForeignKey("source_type", "source_id")
    reverses = models.OneToOneField("self", verbose_name=_("冲正的记录"), on_delete=models.PROTECT, null=True,
                                    blank=True, related_name="reversed_by")
    idempotency_key = models.CharField(max_length=120, unique=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("登记人"), on_delete=models.PROTECT,
                                   null=True, related_name="+")
    created_at = models.DateTimeField(_("登记时间"), default=timezone.now)

    class Meta:
        verbose_name = _("资金台账记录")
        verbose_name_plural = _("资金台账")
        ordering = ["-occurred_on", "-id"]
        indexes = [
            models.Index(fields=["base", "year"]),
            models.Index(fields=["year", "support", "kind"]),
            models.Index(fields=["source_type", "source_id"]),
            # the ledger page's order: its first page reads 50 rows down this index instead of sorting them all
            models.Index(fields=["-occurred_on", "-id"], name="ledger_occurred_desc"),
        ]
        constraints = [
            models.CheckConstraint(name="ledger_amount_positive", condition=Q(amount__gt=0)),
            models.CheckConstraint(name="ledger_reversal_names_its_row",
                                   condition=Q(kind="reversal", reverses__isnull=False)
                                   | (~Q(kind="reversal") & Q(reverses__isnull=True))),
        ]

    def __str__(self) -> str:
        return f"{self.base} {self.get_kind_display()} {self.amount}"

    def save(self, *args, **kwargs) -> None:
        if self.pk is not None and not self._state.adding:
            raise LedgerImmutable("资金台账记录不可修改，请登记冲正记录。")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise LedgerImmutable("资金台账记录不可删除，请登记冲正记录。")
