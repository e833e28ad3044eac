"""Reads of the ledger (资金台账), scoped to the user who asks (what the user may not see does not exist: 404).

- department staff: every row;
- a recommending authority: the rows of its region's bases (read only; the bases
  evaluations.selectors_bases.bases_visible_to gives it);
- a base's own units (lead unit, partners): the rows of their bases;
- the agency, experts and the public: nothing.

Every total is one aggregated query over the filtered rows (never a loop over rows in Python); a base's page reads
its few rows with their category's totals as window aggregates, in the same query. A reversal (冲正)
counts against the kind of the row it cancels: the totals per kind are net of reversals, and a filter on a kind
keeps that kind's rows with their reversals.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.db.models import Count, DecimalField, F, Q, QuerySet, Sum, Value, Window
from django.db.models.functions import Coalesce
from django.utils.translation import gettext_lazy as _

from evaluations.selectors_bases import bases_visible_to
from pilotbase.models import Base
from pilotbase.rules import is_applicant, is_authority, is_staff_side

from ..models import LedgerEntry, LedgerKind, SupportKind

ZERO = Decimal("0.00")
MONEY = DecimalField(max_digits=16, decimal_places=2)
# The kinds a total is kept for (a reversal is not a kind of money: it takes back a row of one of these).
MONEY_KINDS = (LedgerKind.GRANT, LedgerKind.DISBURSEMENT, LedgerKind.REPAYMENT, LedgerKind.WRITE_OFF)
ROW_RELATED = ("base", "base__lead_unit", "reverses", "reversed_by", "created_by")

# Groupings of the totals: key → (label, the grouped value, its label's field or None for a choice field, order).
GROUPS: dict[str, tuple[Any, str, str | None, tuple[str, ...]]] = {
    "year": (_("预算年度"), "year", None, ("-year",)),
    "city": (_("设区市"), "base__city", "base__city__name", ("base__city__order", "base__city")),
    "industry": (_("产业领域"), "base__industry", "base__industry__name", ("base__industry__order", "base__industry")),
    "platform_type": (_("平台类型"), "base__platform_type", "base__platform_type__name",
                      ("base__platform_type__order", "base__platform_type")),
    "support": (_("资金类别"), "support", None, ("support",)),
    "kind": (_("台账类别"), "money_kind", None, ("money_kind",)),
}
CHOICE_LABELS = {"support": dict(SupportKind.choices), "money_kind": dict(LedgerKind.choices)}


def ledger_visible(user: Any) -> QuerySet[LedgerEntry]:
    """Every row the user may read: staff all, an authority its region's bases', a base's units their bases'."""
    qs = LedgerEntry.objects.all()
    if is_staff_side(user):
        return qs
    if is_authority(user) or is_applicant(user):
        return qs.filter(base__in=bases_visible_to(user).values("pk"))
    return qs.none()


def _kind_q(kind: str) -> Q:
    """A kind's rows with the reversals that take them back (冲正: the reversals alone)."""
    if kind == LedgerKind.REVERSAL:
        return Q(kind=LedgerKind.REVERSAL)
    return Q(kind=kind) | Q(kind=LedgerKind.REVERSAL, reverses__kind=kind)


def ledger_filter(qs: QuerySet[LedgerEntry], filters: dict[str, Any] | None) -> QuerySet[LedgerEntry]:
    filters = filters or {}
    q = (filters.get("q") or "").strip()
    if q:
        qs = qs.filter(Q(base__name__icontains=q) | Q(base__lead_unit__name__icontains=q)
                       | Q(document_no__icontains=q))
    if filters.get("year"):
        qs = qs.filter(year=filters["year"])
    for key in ("city", "industry", "platform_type"):
        if filters.get(key):
            qs = qs.filter(**{f"base__{key}": filters[key]})
    if filters.get("support"):
        qs = qs.filter(support=filters["support"])
    if filters.get("kind"):
        qs = qs.filter(_kind_q(filters["kind"]))
    return qs


def ledger_rows(user: Any, *, filters: dict[str, Any] | None = None) -> QuerySet[LedgerEntry]:
    """The list's (and the export's) rows: scoped, filtered, with what a row shows in the same query."""
    return ledger_filter(ledger_visible(user), filters).select_related(*ROW_RELATED).order_by("-occurred_on", "-id")


def ledger_years(user: Any) -> list[int]:
    """The budget years the user's rows hold (the year filter's choices), latest first."""
    return list(ledger_visible(user).order_by("-year").values_list("year", flat=True).distinct())


def _sums(over: str | None = None) -> dict[str, Any]:
    """The aggregate expressions: rows, reversals, and each kind's amount net of its reversals; with `over`
    (a field), window aggregates over the rows of the same `over` instead (each row carries its group's sums)."""
    def agg(expr: Any) -> Any:
        return Window(expr, partition_by=[F(over)]) if over else expr

    exprs: dict[str, Any] = {"n": agg(Count("id")), "n_reversals": agg(Count("id", filter=Q(kind=LedgerKind.REVERSAL)))}
    for kind in MONEY_KINDS:
        gross = Coalesce(agg(Sum("amount", filter=Q(kind=kind))), Value(ZERO), output_field=MONEY)
        back = Coalesce(agg(Sum("amount", filter=Q(kind=LedgerKind.REVERSAL, reverses__kind=kind))), Value(ZERO),
                        output_field=MONEY)
        exprs[str(kind)] = gross - back
    return exprs


def _finish(row: dict[str, Any]) -> dict[str, Any]:
    for kind in MONEY_KINDS:
        row[str(kind)] = Decimal(row[str(kind)] or 0).quantize(Decimal("0.01"))
    # What stays with the bases: disbursed less repaid (a write-off is money not coming back, not money held).
    row["net"] = row[LedgerKind.DISBURSEMENT] - row[LedgerKind.REPAYMENT]
    return row


def ledger_summary(qs: QuerySet[LedgerEntry]) -> dict[str, Any]:
    """The filtered rows' totals: one aggregate query."""
    return _finish(qs.order_by().aggregate(**_sums()))


def ledger_summary_of(lines: list[dict[str, Any]]) -> dict[str, Any]:
    """The summary from the lines of `ledger_totals` (any grouping: every row is in exactly one line), so a page
    showing both reads the rows once."""
    keys = ("n", "n_reversals", *(str(kind) for kind in MONEY_KINDS))
    return _finish({key: sum(line[key] for line in lines) for key in keys})


def ledger_totals(qs: QuerySet[LedgerEntry], group: str) -> list[dict[str, Any]]:
    """The filtered rows' totals per `group` (a key of GROUPS): one GROUP BY query; each line has `key`,
    `label`, `n`, `n_reversals`, the kinds' net amounts and `net`."""
    _label, field, label_field, order = GROUPS[group]
    qs = qs.order_by()
    if field == "money_kind":  # a reversal is counted with the kind of the row it takes back
        qs = qs.annotate(money_kind=Coalesce(F("reverses__kind"), F("kind")))
    fields = (field, label_field) if label_field else (field,)
    extra = tuple(o.lstrip("-") for o in order if o.lstrip("-") not in fields)
    lines = []
    for row in qs.values(*fields, *extra).annotate(**_sums()).order_by(*order):
        row = _finish(dict(row))
        key = row[field]
        label = row[label_field] if label_field else CHOICE_LABELS.get(field, {}).get(key, key)
        lines.append({**row, "key": key, "label": label})
    return _in_choice_order(lines, field)


def _in_choice_order(lines: list[dict[str, Any]], field: str) -> list[dict[str, Any]]:
    """Lines grouped by a choice field in the choices' own order (a handful of lines, not rows)."""
    if field not in CHOICE_LABELS:
        return lines
    rank = list(CHOICE_LABELS[field])
    return sorted(lines, key=lambda line: rank.index(line["key"]) if line["key"] in rank else len(rank))


# ---- the base's page ----------------------------------------------------------------------------------------
def base_ledger(base: Base) -> QuerySet[LedgerEntry]:
    """A base's own rows, newest first, with their reversals (the base's money panel)."""
    return (base.ledger_entries.select_related("reverses", "reversed_by", "created_by")
            .order_by("-occurred_on", "-id"))


def base_ledger_with_totals(base: Base) -> tuple[list[LedgerEntry], list[dict[str, Any]]]:
    """A base's rows (`base_ledger`) and their totals per 资金类别 (the lines of `ledger_totals(…, "support")`)
    in one query: each row carries its category's sums as window aggregates of the same expressions."""
    field = GROUPS["support"][1]
    sums = _sums(over=field)
    entries = list(base_ledger(base).annotate(**{f"total_{key}": expr for key, expr in sums.items()}))
    lines: dict[str, dict[str, Any]] = {}
    for entry in entries:
        key = getattr(entry, field)
        if key not in lines:
            row = _finish({name: getattr(entry, f"total_{name}") for name in sums})
            lines[key] = {**row, field: key, "key": key, "label": CHOICE_LABELS[field].get(key, key)}
    return entries, _in_choice_order(list(lines.values()), field)
