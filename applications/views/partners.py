"""The partner picker's suggestions: units matching what the applicant typed, for one application it may edit."""

from __future__ import annotations

from django.db.models import Q
from django.http import HttpRequest, JsonResponse
from django.views.decorators.http import require_GET

from pilotbase.actions import page

from ..forms import organization_label, partner_candidates
from ._access import editable_application

SUGGESTIONS = 15
MIN_QUERY, MAX_QUERY = 2, 60


@require_GET
@page()
def partner_search(request: HttpRequest, pk: int) -> JsonResponse:
    """GET ?q=… → up to 15 units by name (any part) or credit code (its start), the lead unit left out. Only the
    application's own editors ask (404 for anyone who cannot see it, 403 for those who see but may not edit)."""
    application = editable_application(request, pk)
    q = request.GET.get("q", "").strip()[:MAX_QUERY]
    if len(q) < MIN_QUERY:
        return JsonResponse({"results": []})
    found = (partner_candidates().exclude(pk=application.applicant_id)
             .filter(Q(name__icontains=q) | Q(short_name__icontains=q) | Q(credit_code__startswith=q.upper()))
             .order_by("name")[:SUGGESTIONS])
    return JsonResponse({"results": [{"value": organization_label(org), "name": org.name,
                                      "code": org.credit_code or "", "city": org.city.name if org.city else ""}
                                     for org in found]})
