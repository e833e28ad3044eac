"""Reads of 追回, scoped to the user who asks (what the user may not see does not exist: 404).

- department staff: every recovery, and the revoked bases still to recover (撤销认定 flagged for recovery, with
  funds disbursed and no recovery opened yet);
- a recommending authority: its region's bases' recoveries, read only;
- a base's own units (lead unit, partners): their bases' recoveries, read only;
- the agency, experts and the public: nothing.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.db.models import Count, DecimalField, OuterRef, Q, QuerySet, Subquery, Sum, Value
from django.db.models.functions import Coalesce
from django.http import Http404
from django.utils import timezone

from evaluations.selectors_bases import bases_visible_to
from evaluations.selectors_consequences import revocations_for_recovery
from pilotbase.rules import is_applicant, is_authority, is_staff_side

from ..models import LedgerEntry, LedgerKind, Recovery, RecoveryState
from ..models.recovery import OUTSTANDING_STATES
from ..services.recovery import FUNDED

ZERO = Decimal("0.00")
RELATED = ("base", "base__lead_unit", "revocation", "created_by", "write_off_proposed_by", "written_off_by")


def recoveries_visible(user: Any) -> QuerySet[Recovery]:
    if is_staff_side(user):
        return Recovery.objects.all()
    if is_authority(user) or is_applicant(user):
        return Recovery.objects.filter(base__in=bases_visible_to(user).values("pk"))
    return Recovery.objects.none()


def recovery_filter(qs: QuerySet[Recovery], params: dict) -> QuerySet[Recovery]:
    state = params.get("state") or ""
    if state == "overdue":
        qs = qs.filter(state__in=OUTSTANDING_STATES, due_on__lt=timezone.localdate())
    elif state in RecoveryState.values:
        qs = qs.filter(state=state)
    if origin := params.get("origin"):
        qs = qs.filter(origin=origin)
    if q := (params.get("q") or "").strip():
        qs = qs.filter(Q(base__name__icontains=q) | Q(base__lead_unit__name__icontains=q))
    return qs


def recovery_list(user: Any, params: dict | None = None) -> QuerySet[Recovery]:
    return recovery_filter(recoveries_visible(user), params or {}).select_related(*RELATED).order_by(
        "due_on", "id")


def recovery_counts(qs: QuerySet[Recovery]) -> dict[str, Any]:
    """Per state, overdue, and the money (claimed, repaid, outstanding of the open ones): one aggregate."""
    today = timezone.localdate()
    row = qs.order_by().aggregate(
        total=Count("id"),
        overdue=Count("id", filter=Q(state__in=OUTSTANDING_STATES, due_on__lt=today)),
        claimed=Sum("amount"), paid=Sum("repaid"),
        open_claimed=Sum("amount", filter=Q(state__in=OUTSTANDING_STATES)),
        open_paid=Sum("repaid", filter=Q(state__in=OUTSTANDING_STATES)),
        **{f"n_{s}": Count("id", filter=Q(state=s)) for s in RecoveryState.values},
    )
    out = {k: (v if v is not None else ZERO) for k, v in row.items()}
    out["outstanding"] = out.pop("open_claimed") - out.pop("open_paid")
    out["by_state"] = [(s, label, row[f"n_{s}"]) for s, label in RecoveryState.choices]
    return out


def recovery_get(user: Any, pk: int) -> Recovery:
    recovery = recoveries_visible(user).select_related(*RELATED).filter(pk=pk).first()
    if recovery is None:
        raise Http404
    return recovery


def to_recover(user: Any) -> list:
    """Staff's 「待追回」: confirmed revocations flagged for recovery whose base received funds and that have no
    recovery yet, each with what it received (disbursements net of reversals). Two queries at most."""
    if not is_staff_side(user):
        return []
    disbursed = (
        LedgerEntry.objects.filter(base=OuterRef("base"), kind=LedgerKind.DISBURSEMENT, support__in=FUNDED,
                                   reversed_by__isnull=True)
        .order_by().values("base").annotate(t=Sum("amount")).values("t")
    )
    zero = Value(ZERO, output_field=DecimalField(max_digits=14, decimal_places=2))
    return list(
        revocations_for_recovery().filter(recovery__isnull=True)
        .select_related("base__lead_unit")
        .annotate(disbursed=Coalesce(Subquery(disbursed, output_field=DecimalField(max_digits=14, decimal_places=2)),
                                     zero))
        .filter(disbursed__gt=0)
    )


def recovery_ledger(recovery: Recovery) -> QuerySet[LedgerEntry]:
    """The recovery's own ledger rows (repayments, the write-off, reversals), newest first."""
    from django.contrib.contenttypes.models import ContentType

    ctype = ContentType.objects.get_for_model(Recovery)
    return LedgerEntry.objects.filter(source_type=ctype, source_id=recovery.pk).select_related(
        "created_by", "reverses").order_by("-occurred_on", "-id")


def recovery_log(recovery: Recovery):
    """The recovery's own transitions (opened, payments, adjustments, write-off), oldest first: one query."""
    from django.contrib.contenttypes.models import ContentType

    from pilotbase.models import TransitionLog

    ctype = ContentType.objects.get_for_model(Recovery)
    return TransitionLog.objects.filter(record_type=ctype, record_id=recovery.pk).order_by("id")
