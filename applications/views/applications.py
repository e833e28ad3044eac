"""The applicant's pages: my applications, the section form, completeness, submit, withdraw; the record page."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from pilotbase import registry
from pilotbase.actions import Handler, page, run_action
from pilotbase.rules import is_applicant, is_authority, is_staff_side
from pilotbase.timeline import timeline_of
from pilotbase.workflow import WorkflowError, can_run

from .. import selectors, services
from ..forms import ROW_FORMSETS, AttachmentForm, WithdrawForm, section_form_class
from ..models import Application
from ..models.application import SUPPLEMENTARY_MAX_MB, SUPPLEMENTARY_TYPES
from ..sections import SECTION_MAP, SECTIONS, TABLES, section_after
from ._access import editable_application, visible_application


@page(allowed=is_applicant)
def my_applications(request: HttpRequest) -> HttpResponse:
    rows = [{"application": a, "next": selectors.application_next_step(a)}
            for a in selectors.my_applications(request.user)]
    return render(request, "applications/my_list.html", {"rows": rows})


def _progress(application: Application, missing: list) -> list[dict]:
    by_section: dict[str, int] = {}
    for m in missing:
        by_section[m.section] = by_section.get(m.section, 0) + 1
    return [{"section": s, "missing": by_section.get(s.key, 0)} for s in SECTIONS]


def _row_formsets(application: Application, section: str, data=None) -> list[tuple[str, str, object]]:
    out = []
    for key in SECTION_MAP[section].tables:
        kwargs = {"form_kwargs": {"search_url": reverse("applications:partner_search", args=[application.pk])}
                  } if key == "partners" else {}
        fs = ROW_FORMSETS[key](data, instance=application, prefix=key, **kwargs)
        fs.lead_id = application.applicant_id
        out.append((key, TABLES[key][0], fs))
    return out


@page()
def application_edit(request: HttpRequest, pk: int, section: str) -> HttpResponse:
    """One section of the form. On errors the bound form is shown again: nothing typed is lost."""
    if section not in SECTION_MAP:
        raise Http404
    application = editable_application(request, pk)
    if not application.is_editable:
        messages.info(request, _("申报已提交，当前不能修改。"))
        return redirect("applications:detail", pk=pk)
    from_completeness = request.GET.get("next") == "completeness"
    form_class = section_form_class(section) if SECTION_MAP[section].fields else None
    data = request.POST if request.method == "POST" else None
    form = form_class(data, instance=application) if form_class else None
    formsets = _row_formsets(application, section, data)
    if request.method == "POST" and form is not None:
        if form.is_valid() and all(fs.is_valid() for _k, _l, fs in formsets):
            try:
                with transaction.atomic():
                    services.application_update_section(application=application, section=section,
                                                        data=form.cleaned_data, actor=request.user)
                    for _k, _l, fs in formsets:
                        services.application_rows_save(application=application, formset=fs, actor=request.user)
            except (WorkflowError, ValidationError) as exc:
                messages.error(request, "；".join(getattr(exc, "messages", [str(exc)])))
            else:
                messages.success(request, _("“%(section)s”已保存。") % {"section": SECTION_MAP[section].label})
                if "save_next" in request.POST and from_completeness:
                    return redirect("applications:completeness", pk=pk)
                nxt = section_after(section) if "save_next" in request.POST else section
                url = reverse("applications:edit", args=[pk, nxt or section])
                return redirect(f"{url}?{FROM_COMPLETENESS}" if from_completeness else url)
        # On errors the page's error summary (applications/_form_errors.html) lists them: no second banner.
    return render(request, "applications/edit.html", edit_page_context(
        application, section, form=form, formsets=formsets, from_completeness=from_completeness))


def edit_page_context(application: Application, section: str, *, form=None, formsets=(), attachment_form=None,
                      from_completeness: bool = False) -> dict:
    """Everything applications/edit.html needs for one section (also the attachment upload's error page)."""
    missing = services.application_completeness(application)
    attachments_page = section == "attachments"
    return {
        "application": application, "section": SECTION_MAP[section], "form": form, "formsets": formsets,
        "progress": _progress(application, missing), "call": application.call,
        "attachment_form": (attachment_form or AttachmentForm(application=application)) if attachments_page else None,
        "requirements": application.required_attachments() if attachments_page else None,
        "supplementary_types": ",".join(SUPPLEMENTARY_TYPES), "supplementary_max_mb": SUPPLEMENTARY_MAX_MB,
        "attachments": application.attachments.select_related("requirement") if attachments_page else None,
        "from_completeness": from_completeness, "return_log": selectors.application_return_log(application),
        "next_section": section_after(section),
        "has_errors": bool(form is not None and form.errors) or any(fs.total_error_count() for _k, _l, fs in formsets),
    }


FROM_COMPLETENESS = "next=completeness"


def _back_to_completeness(url: str) -> str:
    """A section link from the completeness page: its 保存并继续 comes back here (the anchor kept last)."""
    path, hash_, anchor = url.partition("#")
    return f"{path}?{FROM_COMPLETENESS}{hash_}{anchor}"


@page()
def application_completeness(request: HttpRequest, pk: int) -> HttpResponse:
    application = editable_application(request, pk)
    missing = services.application_completeness(application)
    failed = services.application_eligibility(application)
    fix_links = [(m, _back_to_completeness(m.url)) for m in missing]
    return render(request, "applications/completeness.html", {
        "application": application, "missing": missing, "fix_links": fix_links, "failed": failed,
        "progress": _progress(application, missing), "call": application.call})


@page()
@require_POST
def application_submit(request: HttpRequest, pk: int) -> HttpResponse:
    application = editable_application(request, pk)
    try:
        result = services.application_submit(application=application, actor=request.user,
                                             expected_state=request.POST.get("expected_state") or None)
    except WorkflowError as exc:
        messages.error(request, str(exc))
        return redirect("applications:completeness", pk=pk)
    messages.success(request, _("申报已提交，受理编号：%(no)s。推荐单位将进行初审。") % {"no": result.acceptance_no})
    return redirect("applications:detail", pk=pk)


def _withdraw(*, record: Application, actor, comment: str, **_kw) -> None:
    services.application_withdraw(application=record, actor=actor, comment=comment)


# The record page's actions box posts to a URL per action (the withdraw box keeps its folded markup).
HANDLERS = {"withdraw": Handler(run=_withdraw, form=WithdrawForm)}


@page()
@require_POST
def application_withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    application = visible_application(request, pk)
    return run_action(request, application, HANDLERS, name="withdraw",
                      redirect_to=reverse("applications:detail", args=[pk]))[0]


@page()
def application_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """The record page: read-only sections, timeline, attachments, actions, and panels of later stages."""
    application = visible_application(request, pk, to_read=True)
    is_owner = request.user.has_perm("applications.edit_application", application)
    old, new = selectors.snapshot_latest_pair(application)
    context = {
        "application": application, "next": selectors.application_next_step(application),
        "entries": timeline_of(application, viewer=request.user),
        "attachments": application.attachments.select_related("requirement"),
        "partners": application.partners.select_related("organization"),
        "equipment": application.equipment.all(), "team": application.team.all(),
        "sections": [s for s in SECTIONS if s.fields],
        "is_owner": is_owner,
        "can_submit": is_owner and application.is_editable,
        "can_withdraw": can_run(application, "withdraw", request.user),  # the folded box of HANDLERS["withdraw"]
        "withdraw_form": WithdrawForm(),
        "changes": selectors.snapshot_changes(old, new) if old else [],
        "extra_panels": registry.detail_panels_for(request, application),
    }
    return render(request, "applications/detail.html", context)


@page(allowed=is_applicant | is_authority | is_staff_side)
def application_list_redirect(request: HttpRequest) -> HttpResponse:
    return redirect("applications:mine" if is_applicant(request.user) else "applications:list")
