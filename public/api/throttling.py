"""Rate limit for anonymous use of the API: PILOTBASE_API_RATE requests per client address (default 120/min).

DRF's throttles count in Django's default cache (Redis in production, so every worker shares the count). The rate is
read from the settings on each request (DRF binds its THROTTLE_RATES when the class is defined, which tests and
operators could not change), and the address is the portal's own `client_ip` (behind PILOTBASE_PROXY_COUNT proxies),
the same one the public forms' limits use (public/throttle.py).
"""

from __future__ import annotations

from django.conf import settings
from rest_framework.throttling import AnonRateThrottle

from pilotbase.net import client_ip


class AnonymousApiThrottle(AnonRateThrottle):
    scope = "public-api"

    def get_rate(self) -> str:
        return settings.PILOTBASE_API_RATE

    def get_ident(self, request) -> str:
        return client_ip(request)

    def get_cache_key(self, request, view) -> str:
        return self.cache_format % {"scope": self.scope, "ident": self.get_ident(request)}

