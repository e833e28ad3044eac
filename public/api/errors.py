"""Errors as JSON with a Chinese message: {"detail": "…", "code": "…"}.

DRF's own messages come translated (its zh_Hans catalogue, the portal's language is zh-hans); the ones a reader of
this API meets most are worded here in full sentences.
"""

from __future__ import annotations

import math

from django.http import Http404
from django.utils.translation import gettext as _
from rest_framework import exceptions
from rest_framework.views import exception_handler as drf_exception_handler


def exception_handler(exc, context):
    if isinstance(exc, Http404):
        exc = exceptions.NotFound()
    if isinstance(exc, exceptions.NotFound) and str(exc.detail) == str(exceptions.NotFound.default_detail):
        exc = exceptions.NotFound(_("未找到该记录，或它尚未公开。"))
    elif isinstance(exc, exceptions.Throttled):
        wait = math.ceil(exc.wait) if exc.wait is not None else 60
        # the wait set after: given to Throttled(), DRF appends its own "预计 N 秒后可用。" to the sentence
        exc = exceptions.Throttled(detail=_("请求过于频繁，请 %(seconds)s 秒后再试。") % {"seconds": wait})
        exc.wait = wait  # the Retry-After header
    elif isinstance(exc, exceptions.MethodNotAllowed):
        exc = exceptions.MethodNotAllowed(context["request"].method, detail=_("开放数据接口只读，仅支持 GET 请求。"))
    response = drf_exception_handler(exc, context)
    if response is not None and isinstance(response.data, dict) and "detail" in response.data:
        detail = response.data["detail"]
        response.data = {"detail": str(detail), "code": getattr(detail, "code", "error")}
    return response
