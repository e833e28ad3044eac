"""服务需求 pages.

- 提交服务需求 (`request_create`, …/bases/<base>/requests/new/[?offering=<pk>]): a requester's users, to a base not
  revoked (a revoked or unknown base: 404); other roles 404.
- 我的服务需求 (`request_mine`): the requester's unit's requests; 服务需求 (`request_incoming`): the requests to the
  bases the user's unit leads (applicant role); both filter by state. 服务需求管理 (`request_staff_list`, its Excel
  `request_staff_xlsx`): staff, every request with filters (base, city, state, year).
- The request (`request_detail`): both sides and staff (read-only); the actions box offers what the model says the
  user may run now (each side only its own buttons), posted through `run_action`; the request's timeline.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from pilotbase.actions import Handler, page, run_action
from pilotbase.formats import cn_date
from pilotbase.rules import is_applicant, is_requester, is_staff_side
from pilotbase.timeline import record_timeline
from pilotbase.workflow import WorkflowError, page_actions
from pilotbase.xlsx import xlsx_response

from .. import selectors_requests as sel
from ..forms_requests import (
    DeclineForm,
    DeliverForm,
    DisputeForm,
    QuoteForm,
    RefuseForm,
    RequestForm,
    StaffRequestFilterForm,
    StateFilterForm,
    WithdrawForm,
)
from ..services import requests as svc

_involved = is_requester | is_applicant | is_staff_side
ACTIONS = ["quote", "decline", "start", "deliver", "rework", "accept", "refuse", "withdraw", "confirm", "dispute"]


def _h(service, form=None, done=""):
    return Handler(run=lambda *, record, actor, expected_state, **kw: service(
        request=record, actor=actor, expected_state=expected_state, **kw), form=form, done=done)


HANDLERS = {
    "quote": _h(svc.request_quote, QuoteForm, gettext_lazy("已报价，已通知需求方。")),
    "decline": _h(svc.request_decline, DeclineForm, gettext_lazy("已婉拒该需求，已通知需求方。")),
    "start": _h(svc.request_start),
    "deliver": _h(svc.request_deliver, DeliverForm, gettext_lazy("已交付成果，等待需求方确认。")),
    "rework": _h(svc.request_rework),
    "accept": _h(svc.request_accept, done=gettext_lazy("已接受报价，等待基地开始服务。")),
    "refuse": _h(svc.request_refuse, RefuseForm),
    "withdraw": _h(svc.request_withdraw, WithdrawForm),
    "confirm": _h(svc.request_confirm, done=gettext_lazy("已确认完成。")),
    "dispute": _h(svc.request_dispute, DisputeForm),
}


def _detail_url(req) -> str:
    return reverse("sharing:request_detail", args=[req.pk])


@page(visible=is_requester)
def request_create(request: HttpRequest, base: int) -> HttpResponse:
    base = sel.requestable_base(base)
    offering = sel.requestable_offering(base, request.GET.get("offering") or request.POST.get("offering"))
    form = RequestForm(request.POST if request.method == "POST" else None)
    if request.method == "POST":
        if form.is_valid():
            try:
                req = svc.request_create(base=base, actor=request.user, data=form.cleaned_data, offering=offering)
            except ValidationError as exc:
                for field, errors in exc.message_dict.items():
                    for error in errors:
                        form.add_error(field if field in form.fields else None, error)
            except WorkflowError as exc:
                form.add_error(None, str(exc))
            else:
                messages.success(request, _("已提交服务需求%(number)s，基地将于%(due)s前答复。") % {
                    "number": req.number, "due": cn_date(req.reply_due)})
                return redirect(_detail_url(req))
        messages.error(request, _("请按提示修改后再提交。"))
    return render(request, "sharing/request_form.html", {"base": base, "offering": offering, "form": form},
                  status=400 if form.is_bound and form.errors else 200)


def _list(request: HttpRequest, rows, *, title: str, side: str) -> HttpResponse:
    form = StateFilterForm(request.GET or None)
    form.is_valid()
    params = request.GET.copy()
    params.pop("page", None)
    page_obj = Paginator(rows(getattr(form, "cleaned_data", {}).get("state") or ""), 30).get_page(
        request.GET.get("page"))
    return render(request, "sharing/request_list.html", {"page": page_obj, "form": form, "title": title,
                                                         "side": side, "querystring": params.urlencode()})


@page(visible=is_requester)
def request_mine(request: HttpRequest) -> HttpResponse:
    return _list(request, lambda state: sel.requester_requests(request.user, state=state),
                 title=_("我的服务需求"), side="owner")


@page(visible=is_applicant)
def request_incoming(request: HttpRequest) -> HttpResponse:
    return _list(request, lambda state: sel.base_side_requests(request.user, state=state),
                 title=_("服务需求"), side="base")


def _staff_rows(request: HttpRequest):
    form = StaffRequestFilterForm(request.GET or None)
    form.is_valid()
    return form, sel.staff_requests(request.user, getattr(form, "cleaned_data", {}))


@page(visible=is_staff_side)
def request_staff_list(request: HttpRequest) -> HttpResponse:
    form, rows = _staff_rows(request)
    params = request.GET.copy()
    params.pop("page", None)
    page_obj = Paginator(rows, 50).get_page(request.GET.get("page"))
    return render(request, "sharing/request_staff_list.html", {
        "page": page_obj, "form": form, "querystring": params.urlencode()})


@page(visible=is_staff_side)
def request_staff_xlsx(request: HttpRequest) -> HttpResponse:
    _form, rows = _staff_rows(request)
    headers = [_("需求编号"), _("提交时间"), _("需求单位"), _("中试基地"), _("设区市"), _("需求名称"), _("状态"),
               _("预算（元）"), _("报价金额（元）"), _("使用科技创新券"), _("创新券编号"), _("创新券使用金额（元）"),
               _("基地答复期限"), _("交付时间"), _("完成或结束时间")]
    data = ([r.number, r.submitted_at, r.requester.name, r.base.name, str(r.base.city), r.title,
             r.get_state_display(), r.budget, r.quote_amount, _("是") if r.uses_voucher else _("否"),
             r.voucher_number, r.voucher_amount, r.reply_due, r.delivered_at, r.closed_at] for r in rows.iterator())
    return xlsx_response(filename=f"服务需求-{timezone.localdate():%Y%m%d}.xlsx", title=_("服务需求"),
                         headers=headers, rows=data)


def _forms(bound: dict) -> dict:
    forms = {name: h.form(prefix=name) for name, h in HANDLERS.items() if h.form is not None}
    return {**forms, **bound}


@page(visible=_involved)
def request_detail(request: HttpRequest, pk: int) -> HttpResponse:
    req = sel.request_for(request.user, pk)
    bound: dict = {}
    if request.method == "POST":
        response, bound = run_action(request, req, HANDLERS, redirect_to=_detail_url(req))
        if response is not None:
            return response
    actions = page_actions(req, request.user, names=ACTIONS, show_blocked={"accept"})
    return render(request, "sharing/request_detail.html", {
        "req": req, "actions": actions, "forms": _forms(bound), "timeline": record_timeline(req),
        "today": timezone.localdate(), "staff": is_staff_side(request.user),
        "next_step": sel.request_next_step(req), "crumb": sel.request_list_crumb(request.user),
    }, status=400 if bound else 200)
