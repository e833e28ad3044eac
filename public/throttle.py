"""Per-address rate limits for the public forms (objections, registrations), counted in the cache.

Only successful submissions count: a visitor correcting a mistyped form is never locked out.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.core.cache import cache
from django.http import HttpRequest

from pilotbase.net import client_ip


@dataclass(frozen=True)
class RateLimit:
    name: str
    limit: int  # successful submissions per address and window
    window: int  # seconds

    def _key(self, request: HttpRequest) -> str:
        return f"public:{self.name}-rate:{client_ip(request)}"

    def exceeded(self, request: HttpRequest) -> bool:
        return (cache.get(self._key(request)) or 0) >= self.limit

    def count(self, request: HttpRequest) -> None:
        key = self._key(request)
        if not cache.add(key, 1, self.window):
            try:
                cache.incr(key)
            except ValueError:  # expired between add and incr
                cache.set(key, 1, self.window)
