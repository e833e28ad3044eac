"""The client's address, as far as it can be trusted."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest


def client_ip(request: HttpRequest) -> str:
    """REMOTE_ADDR, or with `PILOTBASE_PROXY_COUNT` = n trusted proxies, the n-th X-Forwarded-For entry
    from the right: the address the outermost trusted proxy saw. Entries further left are written by
    the client and prove nothing, so they are never used."""
    count = int(getattr(settings, "PILOTBASE_PROXY_COUNT", 0) or 0)
    remote = request.META.get("REMOTE_ADDR", "") or "unknown"
    if count <= 0:
        return remote
    hops = [h.strip() for h in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if h.strip()]
    return hops[-count] if len(hops) >= count else remote
