"""One way a record page runs a transition from a POST, and one gate for pages.

A page lists what the user may do with `pilotbase.workflow.available_transitions(record, user)` and renders it
with `templates/pilotbase/_actions.html` (labels from the declarations, `data-confirm` for irreversible ones).
The POST carries `transition` (the name) and `expected_state` (the state the page showed); `run_action` finds
the page's handler for that name (the service to call and the form of its arguments), and answers:
- a transition the page does not offer, or one the user holds no permission for → 403;
- a form with errors → the page again with the bound form (nothing typed is lost);
- "someone else was faster" or an unmet condition → the condition's own message, back to the page;
- success → "已完成：<label>" (or the handler's own `done` sentence), back to the page (or `redirect_to`).

`page(visible=…, allowed=…)` is the one gate: anonymous → login; not `visible` → 404; `allowed` fails → 403.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import wraps
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _

from .workflow import WorkflowError, transition_label


@dataclass(frozen=True)
class Handler:
    """How a page runs one transition: `run(record=…, actor=…, expected_state=…, **form.cleaned_data)`."""

    run: Callable[..., Any]
    form: type[forms.Form] | None = None
    transition: str = ""  # the model transition checked for permission, when it differs from the action name
    done: str = ""  # the success message when the page says more than "已完成：<label>" (may be lazy; %(action)s)


def _permitted(record: Any, method: Any, user: Any) -> bool:
    """Whose the action is decides 403: the transition from the record's state, or, when there is none from
    this state, any of its transitions (the user then gets the "not now" message, not a 403)."""
    meta = getattr(method, "_django_fsm", None)
    if meta is None:
        return True
    trans = meta.get_transition(meta.field.get_state(record))
    candidates = [trans] if trans is not None else list(meta.transitions.values())
    return any(t.has_perm(record, user) for t in candidates)


def run_action(
    request: HttpRequest, record: Any, handlers: dict[str, Handler], *, redirect_to: str, name: str | None = None,
    args: dict[str, Any] | None = None, stay_on_refusal: bool = False,
) -> tuple[HttpResponse | None, dict[str, forms.Form]]:
    """Run the posted transition. Returns (response, {}) when done, or (None, {name: bound form}) to re-render.

    `name`: the transition a URL names (…/withdraw/, …/publish/) instead of the POST's `transition`; its form is
    then unprefixed and its errors come back as a message on the page (the page holds no bound form). A page's own
    decision form (one form, a choice among transitions) passes the chosen `name` and what it validated as `args`,
    and with `stay_on_refusal` gets (None, {}) back on a refusal, to show its bound form again with the message."""
    named = name is not None
    name = name if named else request.POST.get("transition", "")
    handler = handlers.get(name)
    if handler is None:
        if named:
            raise Http404
        raise PermissionDenied(_("您没有权限执行该操作。"))
    method = getattr(record, handler.transition or name, None)
    if not _permitted(record, method, request.user):
        raise PermissionDenied(_("您没有权限执行该操作。"))
    data: dict[str, Any] = dict(args or {})
    if handler.form is not None:
        form = handler.form(request.POST, request.FILES, **({} if named else {"prefix": name}))
        if not form.is_valid():
            if not named:
                messages.error(request, _("请按提示修改后再提交。"))
                return None, {name: form}
            messages.error(request, "；".join(
                f"{form.fields[f].label}：{e}" if f in form.fields else str(e)
                for f, errors in form.errors.items() for e in errors))
            return redirect(redirect_to), {}
        data.update(form.cleaned_data)
    try:
        handler.run(record=record, actor=request.user, expected_state=request.POST.get("expected_state") or None,
                    **data)
    except WorkflowError as exc:
        messages.error(request, str(exc))
        if stay_on_refusal:
            return None, {}
    else:
        label = transition_label(method) if method is not None else name
        done = str(handler.done) if handler.done else _("已完成：%(action)s。")
        messages.success(request, done % {"action": label})  # `done` may name the action: %(action)s
    return redirect(redirect_to), {}


def page(*, visible: Callable[[Any], bool] | None = None, allowed: Callable[[Any], bool] | None = None) -> Callable:
    """The gate of a page: anonymous → login; not `visible` to the user → 404; visible but not `allowed` → 403."""

    def decorator(view: Callable) -> Callable:
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            if visible is not None and not visible(request.user):
                raise Http404
            if allowed is not None and not allowed(request.user):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        wrapper.page_visible, wrapper.page_allowed = visible, allowed
        return wrapper

    return decorator
