"""基地名录 and the base's page (我的基地).

- The list: staff see every base, an authority its region's, a base's own units their bases; filters, search,
  the per-state counts, pagination and the Excel export of exactly what is filtered.
- The page: certification, certificate, plaque, every year's result, the panels later stages contribute
  through `pilotbase.registry.register_detail_panel(Base, …)` (annual reports, rectifications, revocation),
  and one timeline across the base and the application it was certified from.
Whoever may not see a base gets 404 (`selectors_bases.bases_visible_to`).
"""

from __future__ import annotations

from django.db.models import Exists, OuterRef
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from applications.selectors import applications_readable_by
from pilotbase import registry
from pilotbase.actions import page
from pilotbase.keyset import keyset_page
from pilotbase.rules import is_applicant, is_authority, is_staff_side
from pilotbase.timeline import timeline_of
from pilotbase.xlsx import xlsx_response

from .. import selectors_bases as sel
from ..forms_bases import base_list_filters
from ..models import Grade

PAGE_SIZE = 20
may_list_bases = is_staff_side | is_authority | is_applicant


def _filtered(request: HttpRequest):
    form, filters, querystring = base_list_filters(request.GET, batches=sel.base_batches(request.user))
    return form, sel.base_list(request.user, filters=filters), querystring


@page(visible=may_list_bases)
def base_list(request: HttpRequest) -> HttpResponse:
    """Who: department staff (all), recommending authorities (their region's), a base's units (their own)."""
    form, qs, querystring = _filtered(request)
    counts = sel.base_state_counts(qs)
    total = sum(n for _v, _l, n in counts)  # the per-state counts sum to the total: no second COUNT
    return render(
        request,
        "evaluations/base_list.html",
        {
            "form": form,
            "page": keyset_page(qs, request.GET, count=total, per_page=PAGE_SIZE),  # a deep page seeks, no OFFSET
            "total": total,
            "counts": counts,
            "querystring": querystring,
            "grades": dict(Grade.choices),
            "is_staff": is_staff_side(request.user),
        },
    )


@page(visible=is_applicant)
def base_mine(request: HttpRequest) -> HttpResponse:
    """我的基地: the unit's one base opens directly; a unit with several (or none) gets its list."""
    ids = list(sel.bases_visible_to(request.user).values_list("pk", flat=True)[:2])
    if len(ids) == 1:
        return redirect("evaluations:base_detail", pk=ids[0])
    return redirect("evaluations:base_list")


def _grade_label(value: str | None) -> str:
    return str(dict(Grade.choices).get(value, "")) if value else ""


COLUMNS = [
    gettext_lazy("基地名称"),
    gettext_lazy("牵头单位"),
    gettext_lazy("统一社会信用代码"),
    gettext_lazy("共建单位"),
    gettext_lazy("所在设区市"),
    gettext_lazy("产业领域"),
    gettext_lazy("平台类型"),
    gettext_lazy("认定批次"),
    gettext_lazy("认定日期"),
    gettext_lazy("证书编号"),
    gettext_lazy("证书状态"),
    gettext_lazy("状态"),
    gettext_lazy("标牌颁发日期"),
    gettext_lazy("最近考核年度"),
    gettext_lazy("最近考核等次"),
]


@page(visible=may_list_bases)
def base_export(request: HttpRequest) -> HttpResponse:
    """Exactly the filtered rows, all of them (no pagination); dates as date cells."""
    _form, qs, _qs = _filtered(request)

    def rows():
        for b in qs:
            cert = getattr(b, "certificate", None)
            yield [
                b.name,
                b.lead_unit.name,
                b.lead_unit.credit_code or "",
                "、".join(p.name for p in b.partner_units.all()),
                b.city,
                b.industry,
                b.platform_type,
                b.batch_label,
                b.certified_on,
                cert.number if cert else "",
                cert.get_state_display() if cert else "",
                b.get_state_display(),
                b.plaque_issued_on,
                b.latest_year or "",
                _grade_label(b.latest_grade),
            ]

    return xlsx_response(
        filename=f"基地名录-{timezone.localdate().isoformat()}.xlsx",
        title=_("基地名录"),
        headers=COLUMNS,
        rows=rows(),
        heading=[_("广西科技成果转化中试研究基地名录")],
        widths=(40, 30, 22, 36, 10, 16, 14, 10, 12, 26, 10, 10, 12, 12, 12),
    )


def _panels(request: HttpRequest, base) -> list[str]:
    """The panels other stages register for Base, each rendered with its own context at the top level (its
    template may say `subject`, `base` or `panel.…`) and the request's (user, perms)."""
    return [
        render_to_string(template, {**ctx, "panel": ctx}, request=request)
        for template, ctx in registry.detail_panels_for(request, base)
    ]


@page()
def base_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """The base's page: its lead and partner units' users, its authority and department staff; 404 otherwise."""
    # whether the viewer may open the base's application: read with the base, as its application and call are
    base = sel.base_for(request.user, pk, application_readable=Exists(
        applications_readable_by(request.user).filter(base_id=OuterRef("pk"))))
    application = getattr(base, "application", None)
    certificate = getattr(base, "certificate", None)
    return render(
        request,
        "evaluations/base_detail.html",
        {
            "base": base,
            "partners": list(base.partner_units.all()),
            "application": application,
            "application_readable": application is not None and base.application_readable,
            "certificate": certificate,
            "verify_url": reverse("public:verify", args=[certificate.token]) if certificate else "",
            "results": list(base.evaluation_results.order_by("year")),
            "extra_panels": _panels(request, base),
            "entries": timeline_of(base, viewer=request.user, also=[application] if application else []),
            "is_staff": is_staff_side(request.user),
        },
    )
