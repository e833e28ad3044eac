"""奖补资金下达通知 (the decision notice of a construction grant): an official-layout PDF in Chinese, rendered on
request from the approved grant (its content is the grant's decided values, so it never goes stale)."""

from __future__ import annotations

from django.conf import settings

from pilotbase.documents import html_to_pdf, official_language
from pilotbase.money import amount, capitals

from .models import ConstructionGrant

NOTICE_TEMPLATE = "subsidies/construction_notice_pdf.html"


def notice_title(grant: ConstructionGrant) -> str:
    return "关于下达%s年度中试研究基地建设支持资金的通知" % grant.year


def construction_notice_pdf(grant: ConstructionGrant) -> bytes:
    """The notice: the base, the amount in figures and in capitals (大写), the 下达文号, the two-year use."""
    with official_language():
        context = {
            "grant": grant,
            "title": notice_title(grant),
            "issuer": str(settings.PORTAL_ISSUER),
            "figures": amount(grant.amount),
            "capitals": capitals(grant.amount),
            "approved_on": grant.approved_at.date() if grant.approved_at else None,
        }
    return html_to_pdf(NOTICE_TEMPLATE, context)
