from datetime import date

import pytest

from pilotbase.models import Base
from sharing.services import catalogue as svc
from tests import factories as f

PRIVATE_CONTACT = "韦私密 13907710000"
PUBLIC_CONTACT = "覃公开 0771-5550000"


def make_base(lead_unit, *, name="广西示范新材料科技成果转化中试研究基地", state=None, partner=None) -> Base:
    base = Base.objects.create(name=name, lead_unit=lead_unit, city=f.city(), industry=f.industry(),
                               platform_type=f.platform_type(), batch=1, certified_on=date(2025, 11, 28),
                               **({"state": state} if state else {}))
    if partner is not None:
        base.partner_units.add(partner)
    return base


def offering_data(**over) -> dict:
    data = {"kind": "testing", "title": "材料力学性能检测", "description": "拉伸、弯曲、冲击试验。",
            "equipment": "万能试验机", "capacity": "每月200批次", "lead_time": "5个工作日",
            "fee_standard": "800–2000元/批次", "contact": PRIVATE_CONTACT, "contact_public": False,
            "accepts_vouchers": True, "order": 1}
    return {**data, **over}


def add_offering(base, actor, **over):
    return svc.offering_create(base=base, actor=actor, data=offering_data(**over))


@pytest.fixture
def partner(db, authority_org):
    return f.ApplicantUserFactory(username="partner", organization__authority=authority_org,
                                  organization__name="广西共建伙伴材料有限公司")


@pytest.fixture
def base(db, applicant, partner):
    return make_base(applicant.organization, partner=partner.organization)


# ---- service requests --------------------------------------------------------------------------------------
def request_data(**over) -> dict:
    from datetime import timedelta
    from decimal import Decimal

    from django.utils import timezone

    data = {"title": "复合材料放大试制", "description": "按企业配方放大至50公斤级。", "quantity": "3个批次",
            "wanted_by": timezone.localdate() + timedelta(days=30), "budget": Decimal("50000"),
            "uses_voucher": True, "voucher_number": "GXKJQ-2026-0001", "voucher_amount": Decimal("20000")}
    return {**data, **over}


def make_request(base, requester, **over):
    from sharing.services import requests as req_svc

    return req_svc.request_create(base=base, actor=requester, data=request_data(**over))


@pytest.fixture
def other_requester(db):
    return f.RequesterUserFactory(username="other_requester", organization__name="广西另一需求方有限公司")
