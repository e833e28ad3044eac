"""Who may use a view. The gate is `pilotbase.actions.page` (anonymous → login, not visible → 404, visible but
not allowed → 403); a record is fetched through a scoped selector (what the user may not see does not exist: 404),
and what the user may do with it is the record's own permission (403)."""

from __future__ import annotations

from typing import Any

import rules
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext as _

from pilotbase.actions import Handler
from pilotbase.workflow import WorkflowError, transition_label

from ..models import Application
from ..selectors import applications_readable_by, applications_visible_to


def visible_application(request, pk: int, *, to_read: bool = False) -> Application:
    """What the user may not see does not exist (404). `to_read`: the record page and the PDF, which
    later stages may open to more people (selectors.applications_readable_by, e.g. a seated expert)."""
    scope = applications_readable_by if to_read else applications_visible_to
    qs = scope(request.user).select_related("call", "applicant", "applicant__city", "authority", "industry",
                                            "platform_type")
    return get_object_or_404(qs, pk=pk)


def editable_application(request, pk: int) -> Application:
    """The applicant's own application (404 for those who cannot see it, 403 for those who see but do not own)."""
    application = visible_application(request, pk)
    if not rules.has_perm("applications.edit_application", request.user, application):
        raise PermissionDenied
    return application


def run_named(request: HttpRequest, record: Any, name: str, handlers: dict[str, Handler], *,
              redirect_to: str) -> HttpResponse:
    """`pilotbase.actions.run_action` for a URL that names its transition (…/withdraw/, …/publish/): the
    transition's permission (403), the form of its arguments (its errors back to the page as a message), the
    condition's or the stale-state message, and 已完成：<label> on success."""
    handler = handlers.get(name)
    if handler is None:
        raise Http404
    method = getattr(record, handler.transition or name)
    meta = method._django_fsm
    trans = meta.get_transition(meta.field.get_state(record))
    # Not from this state: whose the action would be still decides between 403 and "not now" (a message).
    candidates = [trans] if trans is not None else list(meta.transitions.values())
    if not any(t.has_perm(record, request.user) for t in candidates):
        raise PermissionDenied(_("您没有权限执行该操作。"))
    data: dict[str, Any] = {}
    if handler.form is not None:
        form = handler.form(request.POST, request.FILES)
        if not form.is_valid():
            messages.error(request, "；".join(
                f"{form.fields[f].label}：{e}" if f in form.fields else str(e)
                for f, errors in form.errors.items() for e in errors))
            return redirect(redirect_to)
        data = form.cleaned_data
    try:
        handler.run(record=record, actor=request.user, expected_state=request.POST.get("expected_state") or None,
                    **data)
    except WorkflowError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("已完成：%(action)s。") % {"action": transition_label(method)})
    return redirect(redirect_to)
