"""Who may use a view: not visible → 404 (scoped selectors), visible but not allowed → 403."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps

import rules
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404

from ..models import Application
from ..selectors import applications_readable_by, applications_visible_to


def rule_required(rule: str) -> Callable:
    """Anonymous → login page; signed in without the rule → 403."""

    def decorator(view: Callable) -> Callable:
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            if not rules.has_perm(rule, request.user):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        wrapper.required_rule = rule
        return wrapper

    return decorator


def visible_application(request, pk: int, *, to_read: bool = False) -> Application:
    """What the user may not see does not exist (404). `to_read`: the record page and the PDF, which
    later stages may open to more people (selectors.applications_readable_by, e.g. a seated expert)."""
    scope = applications_readable_by if to_read else applications_visible_to
    qs = scope(request.user).select_related("call", "applicant", "applicant__city", "authority", "industry",
                                            "platform_type")
    return get_object_or_404(qs, pk=pk)


def editable_application(request, pk: int) -> Application:
    application = visible_application(request, pk)
    if not rules.has_perm("applications.edit_application", request.user, application):
        raise PermissionDenied
    return application
