"""Reads of 科技创新券 and of the outside-client figures the annual report takes from the portal.

What counts: requests in `DELIVERED_REQUEST_STATES` (delivered or confirmed: the work was done; a disputed
delivery is not yet done, nor is anything before delivery), in the calendar year of `delivered_at` in local
time (Asia/Shanghai: a delivery at 2026-01-01 00:30 local is in 2026 although it is 2025 in UTC).

Per base and year (`base_year_figures`, for the annual report's pre-fill):
- **voucher income** (其中：科技创新券收入): the sum of `voucher_amount` of those requests paid with vouchers;
- **pilot projects for outside units** (其中：为外单位完成): the number of those requests;
- **client enterprises in / outside Guangxi** (服务区内 / 区外企业): distinct requester organisations. The rule: a
  requester organisation with a `city` is in Guangxi (every `City` is one of Guangxi's 14 设区市), one without a
  city is outside Guangxi.

Voucher use for staff (`voucher_usage`): the voucher-paid requests among them, by base and year with the base's
city, and the totals per base, per city and per year (`VoucherUsage`). Staff only: the selectors take no user,
the page that calls them is gated to the department and the system admin.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from typing import Any

from django.db.models import Count, Q, QuerySet, Sum
from django.db.models.functions import ExtractYear
from django.utils import timezone

from .models import DELIVERED_REQUEST_STATES, ServiceRequest

ZERO = Decimal("0.00")


def year_bounds(year: int) -> tuple[datetime, datetime]:
    """The local calendar year as aware instants [start, end)."""
    return (timezone.make_aware(datetime(year, 1, 1)), timezone.make_aware(datetime(year + 1, 1, 1)))


def delivered_requests() -> QuerySet[ServiceRequest]:
    """The requests whose work was done (delivered or confirmed) and that have a delivery time."""
    return ServiceRequest.objects.filter(state__in=DELIVERED_REQUEST_STATES, delivered_at__isnull=False)


def delivered_in(year: int) -> QuerySet[ServiceRequest]:
    start, end = year_bounds(year)
    return delivered_requests().filter(delivered_at__gte=start, delivered_at__lt=end)


@dataclass(frozen=True)
class BaseFigures:
    """A base's year as the portal recorded it."""

    voucher_income: Decimal = ZERO
    pilot_projects_outside: int = 0
    clients_in_guangxi: int = 0
    clients_outside_guangxi: int = 0

    def as_report_values(self) -> dict[str, Any]:
        """The annual report's fields (`AnnualReport` column names) with these values."""
        return {"voucher_income": self.voucher_income, "pilot_projects_outside": self.pilot_projects_outside,
                "clients_in_guangxi": self.clients_in_guangxi,
                "clients_outside_guangxi": self.clients_outside_guangxi}


def base_year_figures(base_ids: Iterable[int], year: int) -> dict[int, BaseFigures]:
    """Each base's figures of `year` (one query for any number of bases); a base with no delivered request gets
    zeros, so its report is pre-filled with 0 rather than left blank."""
    ids = list(base_ids)
    rows = (
        delivered_in(year).filter(base_id__in=ids).values("base_id")
        .annotate(
            projects=Count("id"),
            vouchers=Sum("voucher_amount", filter=Q(uses_voucher=True)),
            inside=Count("requester_id", distinct=True, filter=Q(requester__city__isnull=False)),
            outside=Count("requester_id", distinct=True, filter=Q(requester__city__isnull=True)),
        )
        .order_by()
    )
    found = {
        r["base_id"]: BaseFigures(voucher_income=(r["vouchers"] or ZERO).quantize(ZERO),
                                  pilot_projects_outside=r["projects"], clients_in_guangxi=r["inside"],
                                  clients_outside_guangxi=r["outside"])
        for r in rows
    }
    return {pk: found.get(pk, BaseFigures()) for pk in ids}


def report_prefill(base_ids: Iterable[int], year: int) -> dict[int, dict[str, Any]]:
    """The provider sharing registers for the annual report (`pilotbase.registry.register_report_prefill`):
    per base, the report fields the portal knows for `year`."""
    return {pk: figures.as_report_values() for pk, figures in base_year_figures(base_ids, year).items()}


# ---- staff: voucher use by base, city and year ------------------------------------------------------------------
@dataclass(frozen=True)
class UsageRow:
    year: int
    base_id: int
    base_name: str
    city_id: int
    city_name: str
    city_order: int
    requests: int
    voucher_amount: Decimal
    quote_amount: Decimal


@dataclass
class Total:
    key: Any
    label: str
    requests: int = 0
    voucher_amount: Decimal = ZERO
    quote_amount: Decimal = ZERO

    def add(self, row: UsageRow) -> None:
        self.requests += row.requests
        self.voucher_amount += row.voucher_amount
        self.quote_amount += row.quote_amount


@dataclass
class VoucherUsage:
    """The rows (one per base and year, newest year first, then by city and base) and their totals."""

    rows: list[UsageRow]
    by_base: list[Total] = field(default_factory=list)
    by_city: list[Total] = field(default_factory=list)
    by_year: list[Total] = field(default_factory=list)
    total: Total = field(default_factory=lambda: Total(None, ""))


def _totals(rows: list[UsageRow], key, label) -> list[Total]:
    out: dict[Any, Total] = {}
    for row in rows:
        out.setdefault(key(row), Total(key(row), label(row))).add(row)
    return list(out.values())


def voucher_usage(*, year: int | None = None, city_id: int | None = None,
                  base_id: int | None = None) -> VoucherUsage:
    """Voucher-paid delivered or confirmed requests, filtered by delivery year (local), the base's city and the
    base: one query, the totals summed from its rows."""
    qs = delivered_requests().filter(uses_voucher=True)
    if year:
        start, end = year_bounds(year)
        qs = qs.filter(delivered_at__gte=start, delivered_at__lt=end)
    if city_id:
        qs = qs.filter(base__city_id=city_id)
    if base_id:
        qs = qs.filter(base_id=base_id)
    grouped = (
        qs.annotate(year=ExtractYear("delivered_at"))  # in the current time zone (Asia/Shanghai)
        .values("year", "base_id", "base__name", "base__city_id", "base__city__name", "base__city__order")
        .annotate(requests=Count("id"), vouchers=Sum("voucher_amount"), quotes=Sum("quote_amount"))
        .order_by("-year", "base__city__order", "base__city_id", "base__name")
    )
    rows = [
        UsageRow(year=r["year"], base_id=r["base_id"], base_name=r["base__name"], city_id=r["base__city_id"],
                 city_name=r["base__city__name"], city_order=r["base__city__order"], requests=r["requests"],
                 voucher_amount=(r["vouchers"] or ZERO).quantize(ZERO),
                 quote_amount=(r["quotes"] or ZERO).quantize(ZERO))
        for r in grouped
    ]
    usage = VoucherUsage(rows=rows)
    usage.by_base = sorted(_totals(rows, lambda r: r.base_id, lambda r: r.base_name), key=lambda t: t.label)
    usage.by_city = _totals(sorted(rows, key=lambda r: (r.city_order, r.city_id)), lambda r: r.city_id,
                            lambda r: r.city_name)
    usage.by_year = _totals(rows, lambda r: r.year, lambda r: str(r.year))
    for row in rows:
        usage.total.add(row)
    return usage


def voucher_years() -> list[int]:
    """The years with a delivered voucher-paid request (newest first), for the filter."""
    return list(
        delivered_requests().filter(uses_voucher=True).annotate(year=ExtractYear("delivered_at"))
        .values_list("year", flat=True).distinct().order_by("-year")
    )
