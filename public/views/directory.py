"""The public directory of certified bases (no login): the list with its filters (service kind, 科技创新券 among
them) and each base's page with its public service catalogue.

What shows: a base that is not revoked on the list; any certified base's page (a revoked one says so, with no
catalogue); of the catalogue only entries staff have not hidden, and a contact only when the base made it public.
"""

from __future__ import annotations

from urllib.parse import urlencode

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render, resolve_url
from django.urls import reverse

from evaluations.models import Grade
from pilotbase.keyset import keyset_page, without_page_params
from pilotbase.models import BaseStatus
from reviews.selectors import certification as cert_sel
from sharing import selectors as sharing_sel
from sharing.rules import may_make_request

from .. import selectors as sel
from ..forms import DirectoryFilterForm

PAGE_SIZE = 50


def base_list(request: HttpRequest) -> HttpResponse:
    form = DirectoryFilterForm(request.GET or None, batches=cert_sel.base_batches(public=True), staff=False)
    form.is_valid()  # a bad value drops its own filter only: cleaned_data keeps the valid ones
    filters = getattr(form, "cleaned_data", {})
    bases = sharing_sel.bases_offering(cert_sel.bases_public(filters), kind=filters.get("service_kind") or "",
                                       vouchers=bool(filters.get("vouchers")))
    qs = sel.with_public_services(bases)
    page = keyset_page(qs, request.GET, count=qs.count(), per_page=PAGE_SIZE)  # a deep page seeks, no OFFSET
    return render(request, "public/base_list.html", {"page": page, "form": form, "querystring": without_page_params(request.GET)})


def _request_link(request: HttpRequest, base, offering_pk: int | None = None) -> str:
    """「提交服务需求」: the form for a requester's user, the sign-in page (next= the form) for an anonymous visitor,
    nothing for other roles or a revoked base."""
    if base.state == BaseStatus.REVOKED:
        return ""
    url = reverse("sharing:request_create", args=[base.pk]) + (f"?offering={offering_pk}" if offering_pk else "")
    if not request.user.is_authenticated:
        return f"{resolve_url(settings.LOGIN_URL)}?{urlencode({'next': url})}"
    return url if may_make_request(request.user, base) else ""


def base_detail(request: HttpRequest, pk: int) -> HttpResponse:
    base = sel.base_public_get(pk)
    grade = Grade(base.latest_grade).label if base.latest_grade else ""
    services = list(base.public_services)
    return render(request, "public/base_detail.html", {
        "base": base, "services": services, "grade": grade, "revoked": base.state == BaseStatus.REVOKED,
        "request_url": _request_link(request, base),
        "request_urls": {o.pk: _request_link(request, base, o.pk) for o in services}})
