"""Writing the ledger: `ledger_post` is the one way a money row is recorded (docs/subsidies.md)."""

from __future__ import annotations

from datetime import date, datetime, time
from decimal import Decimal

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import IntegrityError, models, transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from pilotbase.money import parse_amount
from pilotbase.workflow import WorkflowError

from ..models import LedgerEntry, LedgerKind


def _exact(amount) -> Decimal:
    """A ledger amount is a Decimal (or int) already: typed text is parsed by the form (pilotbase.money)."""
    if not isinstance(amount, (Decimal, int)) or isinstance(amount, bool):
        raise TypeError("金额必须是 Decimal（元），不接受浮点数或文本。")
    return parse_amount(amount)


def event_day(day: date | None) -> date:
    """The day a decision was taken (批准日期) as the caller gives it, today when it gives none; never in the future.
    A ledger row carries the day of the event it records, not the day someone typed it in."""
    today = timezone.localdate()
    if day is None:
        return today
    if day > today:
        raise WorkflowError(_("批准日期不能晚于今天。"))
    return day


def event_moment(day: date) -> datetime:
    """The decision's time for a `…_at` field: now when it is taken today, else the start of that (local) day (the
    hour of a decision recorded afterwards is not known)."""
    if day == timezone.localdate():
        return timezone.now()
    return timezone.make_aware(datetime.combine(day, time.min))


def source_totals(*, source_type_id: int, source_id: int) -> dict[str, Decimal]:
    """What the rows of one source add up to, per kind, net of reversals."""
    rows = LedgerEntry.objects.filter(source_type_id=source_type_id, source_id=source_id)
    totals = {k: Decimal("0.00") for k in LedgerKind.values}
    for row in rows.values("kind").annotate(t=Sum("amount")):
        totals[row["kind"]] += row["t"]
    for row in rows.filter(kind=LedgerKind.REVERSAL).values("reverses__kind").annotate(t=Sum("amount")):
        totals[row["reverses__kind"]] -= row["t"]
    return totals


def ledger_post(*, base, kind: str, support: str, amount, year: int, occurred_on: date, source: models.Model, actor,
                idempotency_key: str, document_no: str = "", reason: str = "",
                reverses: LedgerEntry | None = None) -> LedgerEntry:
    """Record one row. The same idempotency key returns the row already recorded (a double submit records one).
    A repayment is never above what was disbursed for the same source; a reversal cancels one row, once, with its
    amount and a reason."""
    value = _exact(amount)
    if not idempotency_key:
        raise ValueError("idempotency_key is required")
    existing = LedgerEntry.objects.filter(idempotency_key=idempotency_key).first()
    if existing is not None:
        return existing
    ctype = ContentType.objects.get_for_model(source)
    with transaction.atomic():
        # One writer per source at a time: the source's row is the lock.
        type(source).objects.select_for_update().filter(pk=source.pk).exists()
        existing = LedgerEntry.objects.filter(idempotency_key=idempotency_key).first()
        if existing is not None:
            return existing
        if kind == LedgerKind.REVERSAL:
            if reverses is None:
                raise ValidationError("冲正记录必须指明被冲正的记录。")
            if reverses.kind == LedgerKind.REVERSAL or hasattr(reverses, "reversed_by"):
                raise ValidationError("该记录已冲正或本身是冲正记录。")
            if value != reverses.amount or not reason.strip():
                raise ValidationError("冲正金额须与原记录相同，并写明冲正理由。")
        elif reverses is not None:
            raise ValidationError("只有冲正记录可以指明被冲正的记录。")
        if kind == LedgerKind.REPAYMENT:
            totals = source_totals(source_type_id=ctype.pk, source_id=source.pk)
            # What may come back: a recovery says what it claims; otherwise what was disbursed for the source.
            cap = source.repayable_total() if hasattr(source, "repayable_total") else totals[LedgerKind.DISBURSEMENT]
            if totals[LedgerKind.REPAYMENT] + value > cap:
                raise ValidationError("缴回金额不能超过应缴回（已拨付）金额：尚可缴回 %s 元。"
                                      % max(cap - totals[LedgerKind.REPAYMENT], Decimal("0.00")))
        try:
            with transaction.atomic():
                return LedgerEntry.objects.create(
                    base=base, kind=kind, support=support, amount=value, year=year, occurred_on=occurred_on,
                    source_type=ctype, source_id=source.pk, created_by=actor, idempotency_key=idempotency_key,
                    document_no=document_no, reason=reason, reverses=reverses)
        except IntegrityError:
            existing = LedgerEntry.objects.filter(idempotency_key=idempotency_key).first()
            if existing is None:
                raise
            return existing
