"""Service requests in any state for the voucher and annual-report tests, moved only by the model's declared
transitions through `pilotbase.workflow.transition_run` (the base's user quotes, starts and delivers; the
requester's user accepts, confirms or disputes):

    req = make_request(base, base_user, requester, to="confirmed", voucher=Decimal("3000"), delivered_at=...)
"""

from __future__ import annotations

from datetime import datetime, timedelta
from decimal import Decimal

from django.utils import timezone

from pilotbase.workflow import record_refresh, transition_run
from sharing.models import ServiceRequest
from tests import factories as f

# the transitions that take a new request to each state, with who runs them ("base" or "requester")
PATHS = {
    "submitted": [],
    "quoted": [("quote", "base")],
    "accepted": [("quote", "base"), ("accept", "requester")],
    "in_progress": [("quote", "base"), ("accept", "requester"), ("start", "base")],
    "delivered": [("quote", "base"), ("accept", "requester"), ("start", "base"), ("deliver", "base")],
    "confirmed": [("quote", "base"), ("accept", "requester"), ("start", "base"), ("deliver", "base"),
                  ("confirm", "requester")],
    "disputed": [("quote", "base"), ("accept", "requester"), ("start", "base"), ("deliver", "base"),
                 ("dispute", "requester")],
}


def requester_in(city: str | None, *, name: str | None = None):
    """A requester enterprise's user; `city` a City code (in Guangxi) or None (outside Guangxi)."""
    org = {"organization__city": f.city(city) if city else None}
    if name:
        org["organization__name"] = name
    return f.RequesterUserFactory(**org)


def local(year: int, month: int = 6, day: int = 15, hour: int = 12, minute: int = 0) -> datetime:
    return timezone.make_aware(datetime(year, month, day, hour, minute))


def make_request(base, base_user, requester, *, to: str = "delivered", voucher: Decimal | None = None,
                 quote: Decimal = Decimal("10000.00"), delivered_at: datetime | None = None,
                 title: str = "碳酸钙改性中试放大") -> ServiceRequest:
    today = timezone.localdate()
    req = ServiceRequest.objects.create(
        base=base, requester=requester.organization, created_by=requester, title=title,
        description="改性碳酸钙放大到每批50公斤。", quantity="3个批次", wanted_by=today + timedelta(days=60),
        uses_voucher=voucher is not None, voucher_number="GXKJQ-2026-0001" if voucher is not None else "",
        voucher_amount=voucher, reply_due=today + timedelta(days=10),
    )
    args = {
        "quote": {"amount": quote, "note": "含材料费。", "valid_until": today + timedelta(days=30)},
        "deliver": {"note": "已交付中试报告。", "confirm_due": today + timedelta(days=15)},
        "dispute": {"reason": "指标未达到。"},
    }
    for name, side in PATHS[to]:
        actor = base_user if side == "base" else requester
        req = transition_run(instance=req, name=name, actor=actor, args=args.get(name))
    if delivered_at is not None:
        ServiceRequest.objects.filter(pk=req.pk).update(delivered_at=delivered_at)
        record_refresh(req)
    return req
