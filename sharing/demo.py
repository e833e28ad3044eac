"""Demo data of 开放共享 (服务需求): demo_requester's unit asks demo bases for services, each request taken through the
services to a different state, so the lists, the detail page and the dashboards have content: one awaiting the
base's answer, one quoted, one declined, one in progress, and one delivered with a 科技创新券 and confirmed (moved
into the year of the latest evaluation round when that is another year, so the base's report has voucher income)."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

from django.utils import timezone

from pilotbase.models import Base, Role, User

from .models import ServiceOffering, ServiceRequest
from .rules import KEEPING_STATES
from .services import requests as svc


def _data(title: str, *, voucher: tuple[str, str] | None = None, budget: str = "50000") -> dict:
    return {"title": title, "description": f"{title}：请基地按企业提供的样品和指标要求开展服务，并出具报告。",
            "quantity": "3个批次", "wanted_by": timezone.localdate() + timedelta(days=60), "budget": Decimal(budget),
            "uses_voucher": voucher is not None, "voucher_number": voucher[0] if voucher else "",
            "voucher_amount": Decimal(voucher[1]) if voucher else None}


def _bases_with_keepers() -> list[tuple[Base, User]]:
    out = []
    for base in Base.objects.filter(state__in=KEEPING_STATES).order_by("pk")[:10]:
        keeper = User.objects.filter(organization_id=base.lead_unit_id, role=Role.APPLICANT, is_active=True).first()
        if keeper is not None:
            out.append((base, keeper))
    return out


def seed_requests(core: dict) -> None:
    requester = core["users"].get("requester")
    if requester is None or ServiceRequest.objects.filter(requester_id=requester.organization_id).exists():
        return
    pairs = _bases_with_keepers()
    if not pairs:
        return
    today = timezone.localdate()

    def on(i: int):
        return pairs[i % len(pairs)]

    def make(i: int, title: str, **kw) -> tuple[ServiceRequest, User]:
        base, keeper = on(i)
        offering = ServiceOffering.objects.filter(base=base, hidden=False).order_by("order", "pk").first()
        return svc.request_create(base=base, actor=requester, data=_data(title, **kw), offering=offering), keeper

    make(0, "新型复合材料小试样品放大试制")
    req, keeper = make(1, "电池正极材料工艺验证", voucher=("GXKJQ-2026-0101", "20000"))
    svc.request_quote(request=req, actor=keeper, amount=Decimal("45000"), valid_until=today + timedelta(days=15),
                      note="含3个批次试制及检测报告。")
    req, keeper = make(2, "农产品深加工中试线试运行", budget="200000")
    svc.request_decline(request=req, actor=keeper, reason="本基地中试线档期已满，建议下季度再联系。")
    req, keeper = make(0, "高分子材料性能检测", budget="30000")
    svc.request_quote(request=req, actor=keeper, amount=Decimal("28000"), valid_until=today + timedelta(days=10))
    svc.request_accept(request=req, actor=requester)
    svc.request_start(request=req, actor=keeper)
    req, keeper = make(1, "催化剂中试放大及成果熟化", voucher=("GXKJQ-2026-0088", "30000"), budget="80000")
    svc.request_quote(request=req, actor=keeper, amount=Decimal("76000"), valid_until=today + timedelta(days=10))
    svc.request_accept(request=req, actor=requester)
    svc.request_start(request=req, actor=keeper)
    svc.request_deliver(request=req, actor=keeper, note="已完成3个批次放大试验，交付试验报告和工艺包。")
    svc.request_confirm(request=req, actor=requester)
    _into_latest_round_year(req)


def _into_latest_round_year(req: ServiceRequest) -> None:
    """The confirmed request's dates in the latest evaluation round's year (the report that counts it)."""
    from evaluations.models import EvaluationRound

    year = EvaluationRound.objects.order_by("-year").values_list("year", flat=True).first()
    if year is None or year == timezone.localdate().year:
        return
    shift = timedelta(days=365 * (timezone.localdate().year - year))
    fields = ("submitted_at", "quoted_at", "accepted_at", "started_at", "delivered_at", "closed_at")
    ServiceRequest.objects.filter(pk=req.pk).update(
        **{name: getattr(req, name) - shift for name in fields if getattr(req, name)})
