"""Who may use a view. The gate is `pilotbase.actions.page` (anonymous → login, not visible → 404, visible but
not allowed → 403); a record is fetched through a scoped selector (what the user may not see does not exist: 404),
and what the user may do with it is the record's own permission (403)."""

from __future__ import annotations

import rules
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404

from ..models import Application
from ..selectors import applications_readable_by, applications_visible_to


def visible_application(request, pk: int, *, to_read: bool = False) -> Application:
    """What the user may not see does not exist (404). `to_read`: the record page and the PDF, which
    later stages may open to more people (selectors.applications_readable_by, e.g. a seated expert)."""
    scope = applications_readable_by if to_read else applications_visible_to
    qs = scope(request.user).select_related("call", "applicant", "authority")
    return get_object_or_404(qs, pk=pk)


def editable_application(request, pk: int) -> Application:
    """The applicant's own application (404 for those who cannot see it, 403 for those who see but do not own)."""
    application = visible_application(request, pk)
    if not rules.has_perm("applications.edit_application", request.user, application):
        raise PermissionDenied
    return application
