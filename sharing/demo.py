"""Demo data of 开放共享: each demo base's 对外服务目录 (two entries, kept by its lead unit through the catalogue
service, so the public base page, the requester's 提交服务需求 and the staff 服务目录管理 have content), and
服务需求: demo_requester's unit asks demo bases for services, each request taken through the
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
from .services import catalogue as catalogue_svc
from .services import requests as svc

CATALOGUE = [
    {"kind": "scale_up", "title": "中试放大试制", "description": "按企业小试工艺开展公斤级至吨级放大试制，出具中试报告。",
     "equipment": "中试生产线及配套反应、分离设备", "capacity": "每月4个批次", "lead_time": "30个工作日",
     "fee_standard": "按批次报价，3万元起", "contact": "基地服务专员 0771-5550101", "contact_public": True,
     "accepts_vouchers": True, "order": 1},
    {"kind": "testing", "title": "产品性能检验检测", "description": "材料与产品的理化性能、可靠性检测，出具检测报告。",
     "equipment": "万能试验机、环境试验箱", "capacity": "每月200批次", "lead_time": "5个工作日",
     "fee_standard": "800–2000元/批次", "contact": "检测中心 0771-5550102", "contact_public": False,
     "accepts_vouchers": True, "order": 2},
]


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


def seed_catalogue() -> None:
    """Two catalogue entries for each demo base that has none yet (a base keeps what its unit entered)."""
    for base, keeper in _bases_with_keepers():
        if not ServiceOffering.objects.filter(base=base).exists():
            for data in CATALOGUE:
                catalogue_svc.offering_create(base=base, actor=keeper, data=data)


def seed_requests(core: dict) -> None:
    seed_catalogue()
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
