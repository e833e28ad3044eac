"""The 500 handler. A database that is down or restarting answers 503 with Retry-After: the request's transaction
was rolled back, so nothing of it was saved, and the next request reconnects by itself (CONN_HEALTH_CHECKS). Any
other error gets the portal's 500 page. Both pages are static templates: no query, no context processor (the
database may be what failed)."""

import sys

from django.db import InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse
from django.template import loader

RETRY_AFTER_SECONDS = 10


def server_error(request: HttpRequest) -> HttpResponse:
    unavailable = isinstance(sys.exc_info()[1], OperationalError | InterfaceError)
    status = 503 if unavailable else 500
    response = HttpResponse(loader.get_template(f"{status}.html").render(), status=status)
    if unavailable:
        response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response
