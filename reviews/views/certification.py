"""Staff pages of 公示 and 认定授牌, and the certificate download for the base's own people.

Department staff (and system admins) only; anyone else gets 404 — they must not learn these pages
exist. State changes go through services.certification and report WorkflowError as a message.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from applications.models import Call
from pilotbase.actions import Handler, run_action
from pilotbase.auth import recent_login_required
from pilotbase.models import Base, CertificateState
from pilotbase.rules import is_staff_side
from pilotbase.workflow import WorkflowError, page_actions

from ..forms.certification import CertifyForm, NoticeCreateForm, ObjectionHandleForm, PlaqueForm, base_filters
from ..models import NoticeEntryState, NoticeState, ObjectionState
from ..selectors import certification as sel
from ..services import certification as svc


def _staff_or_404(request: HttpRequest) -> None:
    if not is_staff_side(request.user):
        raise Http404


def _fail(request: HttpRequest, exc: Exception) -> None:
    messages.error(request, str(exc))


@login_required
def notice_list(request: HttpRequest) -> HttpResponse:
    _staff_or_404(request)
    page = Paginator(sel.notices_for_staff().order_by("-starts_on", "-id"), 20).get_page(request.GET.get("page"))
    return render(request, "reviews/certification/notice_list.html", {"page": page})


@login_required
def notice_create(request: HttpRequest) -> HttpResponse:
    _staff_or_404(request)
    calls = list(Call.objects.order_by("-year", "-id"))
    call = next((c for c in calls if str(c.pk) == (request.GET.get("call") or request.POST.get("call"))),
                calls[0] if calls else None)
    candidates = sel.notice_candidates(call=call) if call else sel.notice_candidates(call=Call())
    form = NoticeCreateForm(request.POST or None, candidates=candidates,
                            initial={"title": _("%(year)s年度自治区科技成果转化中试研究基地拟认定名单公示") % {"year": call.year}}
                            if call else None)
    if request.method == "POST" and call and form.is_valid():
        try:
            notice = svc.notice_create(call=call, applications=form.ranked_applications(),
                                       title=form.cleaned_data["title"], body=form.cleaned_data["body"],
                                       starts_on=form.cleaned_data["starts_on"], contact=form.cleaned_data["contact"],
                                       actor=request.user)
        except WorkflowError as exc:
            _fail(request, exc)
        else:
            messages.success(request, _("已生成拟公示名单，请核对后发布。"))
            return redirect("reviews:notice_detail", pk=notice.pk)
    return render(request, "reviews/certification/notice_create.html",
                  {"form": form, "calls": calls, "call": call, "candidates": form.candidates})


# The notice's transitions, each posted to its own URL (…/publish/, …/close/) from the page's actions box.
NOTICE_HANDLERS = {
    "publish": Handler(run=lambda *, record, actor, **_kw: svc.notice_publish(notice=record, actor=actor),
                       done=gettext_lazy("公示已发布，公众可在公示页面查看并提出异议。")),
    "close": Handler(run=lambda *, record, actor, **_kw: svc.notice_close(notice=record, actor=actor),
                     done=gettext_lazy("公示已结束，可以进行认定。")),
}


@login_required
def notice_detail(request: HttpRequest, pk: int) -> HttpResponse:
    notice = sel.notice_for_staff(request.user, pk)
    entries = list(sel.notice_entries_staff(notice))
    listed = sum(1 for e in entries if e.state == NoticeEntryState.LISTED)
    actions = page_actions(notice, request.user, names=list(NOTICE_HANDLERS), show_blocked=True,
                           urls={name: reverse(f"reviews:notice_{name}", args=[notice.pk]) for name in NOTICE_HANDLERS})
    return render(request, "reviews/certification/notice_detail.html", {
        "notice": notice, "entries": entries, "listed": listed, "certify_form": CertifyForm(), "actions": actions,
        "can_certify": notice.state == NoticeState.CLOSED and listed > 0 and not notice.is_evaluation,
    })


def _notice_action(request: HttpRequest, pk: int, name: str) -> HttpResponse:
    notice = sel.notice_for_staff(request.user, pk)
    response, _forms = run_action(request, notice, NOTICE_HANDLERS, name=name,
                                  redirect_to=reverse("reviews:notice_detail", args=[pk]))
    return response


@login_required
@require_POST
def notice_publish(request: HttpRequest, pk: int) -> HttpResponse:
    return _notice_action(request, pk, "publish")


@login_required
@require_POST
def notice_close(request: HttpRequest, pk: int) -> HttpResponse:
    return _notice_action(request, pk, "close")


@login_required
def objection_list(request: HttpRequest) -> HttpResponse:
    _staff_or_404(request)
    state = request.GET.get("state") or ""
    if state not in ObjectionState.values:
        state = ""
    page = Paginator(sel.objections_for_staff(state=state or None), 20).get_page(request.GET.get("page"))
    return render(request, "reviews/certification/objection_list.html",
                  {"page": page, "state": state, "states": ObjectionState.choices,
                   "querystring": f"state={state}" if state else ""})


def _uphold(*, record, actor, resolution, **_kw) -> None:
    svc.objection_uphold(objection=record, actor=actor, resolution=resolution)


def _dismiss(*, record, actor, resolution, **_kw) -> None:
    svc.objection_dismiss(objection=record, actor=actor, resolution=resolution)


OBJECTION_HANDLERS = {"uphold": Handler(run=_uphold, done=gettext_lazy("异议已处理。")),
                      "dismiss": Handler(run=_dismiss, done=gettext_lazy("异议已处理。"))}


@login_required
def objection_handle(request: HttpRequest, pk: int) -> HttpResponse:
    """A page of the stage that owns the notice (the round's page) may send staff here with ?next=<its URL>: the
    handled objection then leads back there (only a path of this site is followed)."""
    objection = sel.objection_for_staff(request.user, pk)
    form = ObjectionHandleForm(request.POST or None, about_base=bool(objection.entry.base_id))
    back = request.POST.get("next") or request.GET.get("next") or ""
    if not url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()},
                                           require_https=request.is_secure()):
        back = ""
    if request.method == "POST" and form.is_valid():  # the decision's choice names the transition
        response, _forms = run_action(request, objection, OBJECTION_HANDLERS, name=form.cleaned_data["decision"],
                                      args={"resolution": form.cleaned_data["resolution"]}, stay_on_refusal=True,
                                      redirect_to=back or reverse("reviews:notice_detail",
                                                                  args=[objection.entry.notice_id]))
        if response is not None:
            return response
    return render(request, "reviews/certification/objection_handle.html",
                  {"objection": objection, "form": form, "next": back})


@login_required
def objection_evidence(request: HttpRequest, pk: int) -> FileResponse:
    objection = sel.objection_for_staff(request.user, pk)
    if not objection.evidence:
        raise Http404
    name = f"异议{objection.pk}证明材料.{objection.evidence.name.rsplit('.', 1)[-1]}"
    return FileResponse(objection.evidence.open("rb"), as_attachment=True, filename=name)


@login_required
@require_POST
@recent_login_required
def cert_run(request: HttpRequest, pk: int) -> HttpResponse:
    """认定 stays a plain service call, not run_action: it is no transition of the notice but a run over its entries
    (each listed entry's `certify`, a Base and a Certificate created), after re-authentication."""
    notice = sel.notice_for_staff(request.user, pk)
    form = CertifyForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("请填写有效的认定日期。"))
        return redirect("reviews:notice_detail", pk=pk)
    try:
        created = svc.certification_run(notice=notice, actor=request.user,
                                        certified_on=form.cleaned_data["certified_on"])
    except WorkflowError as exc:
        _fail(request, exc)
    else:
        if created:
            messages.success(request, _("已认定 %(n)d 个中试基地，证书编号：%(numbers)s。证书PDF正在生成。")
                             % {"n": len(created), "numbers": "、".join(c.number for c in created)})
        else:
            messages.info(request, _("名单中的单位均已认定，无需重复操作。"))
    return redirect("reviews:notice_detail", pk=pk)


@login_required
def cert_base_list(request: HttpRequest) -> HttpResponse:
    _staff_or_404(request)
    form, filters, querystring = base_filters(request.GET, batches=sel.base_batches(public=False), staff=True)
    page = Paginator(sel.bases_for_staff(filters), 30).get_page(request.GET.get("page"))
    return render(request, "reviews/certification/base_list.html",
                  {"page": page, "form": form, "querystring": querystring})



@login_required
def cert_plaque(request: HttpRequest, pk: int) -> HttpResponse:
    """The plaque's own form page: `plaque_record` runs `Base.record_plaque`, but as an edit of the plaque's date and
    recipient (it may be recorded again to correct them, from the record's own state), so it stays a plain service
    call with its form rather than an actions box; the service checks the transition's permission."""
    _staff_or_404(request)
    base = get_object_or_404(Base, pk=pk)
    form = PlaqueForm(request.POST or None, initial={"plaque_issued_on": base.plaque_issued_on,
                                                     "plaque_received_by": base.plaque_received_by})
    if request.method == "POST" and form.is_valid():
        try:
            svc.plaque_record(base=base, issued_on=form.cleaned_data["plaque_issued_on"],
                              received_by=form.cleaned_data["plaque_received_by"], actor=request.user)
        except WorkflowError as exc:
            _fail(request, exc)
        else:
            messages.success(request, _("已登记“%(name)s”的标牌颁发信息。") % {"name": base.name})
            return redirect("reviews:cert_base_list")
    return render(request, "reviews/certification/plaque_form.html", {"base": base, "form": form})


@login_required
@require_POST
def cert_regenerate(request: HttpRequest, pk: int) -> HttpResponse:
    _staff_or_404(request)
    base = get_object_or_404(Base.objects.select_related("certificate"), pk=pk)
    certificate = getattr(base, "certificate", None)
    if certificate is None or certificate.state == CertificateState.REVOKED:
        raise PermissionDenied(_("该证书已撤销，不能重新生成。"))
    svc.certificate_regenerate(certificate=certificate)
    messages.success(request, _("已重新提交证书生成任务。"))
    return redirect("reviews:cert_base_list")


@login_required
def cert_download(request: HttpRequest, pk: int) -> FileResponse:
    """The base's own units, its authority, agency and the department; 404 for everyone else."""
    certificate = sel.certificate_for_download(request.user, pk)
    if not certificate.pdf:
        raise Http404
    return FileResponse(certificate.pdf.open("rb"), content_type="application/pdf", as_attachment=True,
                        filename=f"中试基地认定证书-{certificate.year}-{certificate.sequence:03d}.pdf")
