"""The service catalogue's signed-in pages.

- 对外服务目录 of a base (`base_offerings`): its lead unit's users (active or rectifying base) add, edit and delete
  entries; staff read them and hide or show one with a reason. Everyone else: 404.
- The entry's form (`offering_create`, `offering_edit`) and the delete confirmation: the base's keepers; staff
  403 (they may read, not write the base's catalogue).
- 隐藏服务 / 恢复公开 (`offering_hide`, `offering_unhide`, POST): staff, through `run_action` (the declared
  transitions); the base's keepers 403.
- 服务目录管理 (`offering_list`): staff, every base's entries with filters.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from pilotbase.actions import Handler, page, run_action
from pilotbase.rules import is_applicant, is_staff_side
from pilotbase.workflow import page_actions

from .. import selectors as sel
from ..forms import OfferingFilterForm, OfferingForm, ReasonForm
from ..rules import may_keep_catalogue
from ..services import catalogue as svc

_keeper_or_staff = is_applicant | is_staff_side

VISIBILITY_HANDLERS = {
    "hide": Handler(run=lambda *, record, actor, expected_state, reason: svc.offering_hide(
        offering=record, actor=actor, reason=reason, expected_state=expected_state),
        form=ReasonForm, done=_("已隐藏该服务，公开页面不再显示。")),
    "unhide": Handler(run=lambda *, record, actor, expected_state, reason: svc.offering_unhide(
        offering=record, actor=actor, reason=reason, expected_state=expected_state),
        form=ReasonForm, done=_("已恢复公开该服务。")),
}


def _catalogue_url(base) -> str:
    return reverse("sharing:base_offerings", args=[base.pk])


@page(visible=_keeper_or_staff)
def base_offerings(request: HttpRequest, base: int) -> HttpResponse:
    base = sel.catalogue_base_for(request.user, base)
    offerings = list(sel.base_offerings(base))
    staff = is_staff_side(request.user)
    rows = []
    for o in offerings:
        actions = page_actions(o, request.user, names=["hide", "unhide"],
                               urls={"hide": reverse("sharing:offering_hide", args=[o.pk]),
                                     "unhide": reverse("sharing:offering_unhide", args=[o.pk])}) if staff else []
        reason = ReasonForm(auto_id=f"id_%s_{o.pk}")
        rows.append({"offering": o, "actions": actions, "forms": {"hide": reason, "unhide": reason}})
    return render(request, "sharing/base_offerings.html", {
        "base": base, "rows": rows, "may_edit": may_keep_catalogue(request.user, base), "staff": staff,
    })


def _form_page(request, *, base, form, offering=None) -> HttpResponse:
    return render(request, "sharing/offering_form.html", {"base": base, "form": form, "offering": offering},
                  status=400 if form.is_bound and form.errors else 200)


@page(visible=_keeper_or_staff)
def offering_create(request: HttpRequest, base: int) -> HttpResponse:
    base = sel.catalogue_base_for(request.user, base)
    if not may_keep_catalogue(request.user, base):
        raise PermissionDenied
    form = OfferingForm(request.POST if request.method == "POST" else None)
    if request.method == "POST":
        if form.is_valid():
            svc.offering_create(base=base, actor=request.user, data=form.cleaned_data)
            messages.success(request, _("已添加服务。"))
            return redirect(_catalogue_url(base))
        messages.error(request, _("请按提示修改后再提交。"))
    return _form_page(request, base=base, form=form)


@page(visible=_keeper_or_staff)
def offering_edit(request: HttpRequest, pk: int) -> HttpResponse:
    offering = sel.offering_for(request.user, pk)
    if not may_keep_catalogue(request.user, offering.base):
        raise PermissionDenied
    form = OfferingForm(request.POST if request.method == "POST" else None, instance=offering)
    if request.method == "POST":
        if form.is_valid():
            svc.offering_update(offering=offering, actor=request.user, data=form.cleaned_data)
            messages.success(request, _("已保存修改。"))
            return redirect(_catalogue_url(offering.base))
        messages.error(request, _("请按提示修改后再提交。"))
    return _form_page(request, base=offering.base, form=form, offering=offering)


@page(visible=_keeper_or_staff)
def offering_delete(request: HttpRequest, pk: int) -> HttpResponse:
    offering = sel.offering_for(request.user, pk)
    if not may_keep_catalogue(request.user, offering.base):
        raise PermissionDenied
    if request.method == "POST":
        base = offering.base
        svc.offering_delete(offering=offering, actor=request.user)
        messages.success(request, _("已删除服务“%(title)s”。") % {"title": offering.title})
        return redirect(_catalogue_url(base))
    return render(request, "sharing/offering_delete.html", {"offering": offering, "base": offering.base})


def _visibility(request: HttpRequest, pk: int, name: str) -> HttpResponse:
    offering = sel.offering_for(request.user, pk)
    response, _forms = run_action(request, offering, VISIBILITY_HANDLERS, name=name,
                                  redirect_to=_catalogue_url(offering.base))
    return response


@page(visible=_keeper_or_staff)
@require_POST
def offering_hide(request: HttpRequest, pk: int) -> HttpResponse:
    return _visibility(request, pk, "hide")


@page(visible=_keeper_or_staff)
@require_POST
def offering_unhide(request: HttpRequest, pk: int) -> HttpResponse:
    return _visibility(request, pk, "unhide")


@page(visible=is_staff_side)
def offering_list(request: HttpRequest) -> HttpResponse:
    form = OfferingFilterForm(request.GET or None)
    form.is_valid()
    filters = getattr(form, "cleaned_data", {})
    params = request.GET.copy()
    params.pop("page", None)
    page_obj = Paginator(sel.offerings_for_staff(filters), 50).get_page(request.GET.get("page"))
    return render(request, "sharing/offering_list.html", {"page": page_obj, "form": form,
                                                          "querystring": params.urlencode()})
