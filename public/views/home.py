"""The portal's front door for anonymous visitors, and the public page of a call."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone

from .. import selectors as sel


def home(request: HttpRequest) -> HttpResponse:
    """Signed-in users go to their dashboard; visitors see open calls, notices, the directory and sign-up."""
    if request.user.is_authenticated:
        return redirect("dashboard")
    return render(request, "public/home.html", {
        "calls": list(sel.calls_current()), "notices": sel.notices_latest(), "now": timezone.now(),
    })


def call_detail(request: HttpRequest, pk: int) -> HttpResponse:
    call = sel.call_public_get(pk)
    return render(request, "public/call_detail.html", {
        "call": call, "attachments": list(call.required_attachments.all()), "now": timezone.now(),
        "platform_types": list(call.platform_types.all()), "industries": list(call.industries.all()),
    })
