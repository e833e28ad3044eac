"""Read-only endpoints of the open-data API (GET only; any other method is 405 with a Chinese message).

Every answer carries an ETag (a hash of its JSON) and Cache-Control: public, max-age=60; a GET with a matching
If-None-Match answers 304 with no body. No Last-Modified, and If-Modified-Since is ignored: not every record the
answers are built from keeps a modification time (a base's or unit's name, a rectification, a hidden catalogue entry),
and a wrong date would make clients keep stale data (docs/api.md says, per endpoint, what is missing).
"""

from __future__ import annotations

import hashlib

from django.db.models import Q
from django.http import HttpResponseNotModified
from django.utils.cache import patch_cache_control
from django.utils.http import parse_etags
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema, inline_serializer
from rest_framework import generics, serializers
from rest_framework.exceptions import NotFound as NotFoundError
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response
from rest_framework.views import APIView

from evaluations.selectors_results import published_results
from pilotbase.models import BaseStatus, City, Industry
from reviews.models import NoticeKind

from . import selectors as sel
from . import serializers as s

ERROR = inline_serializer("Error", fields={"detail": serializers.CharField(help_text="中文说明"),
                                           "code": serializers.CharField(help_text="错误代码")})
NOT_FOUND = OpenApiResponse(ERROR, description="未找到，或尚未公开")
BAD_REQUEST = OpenApiResponse(ERROR, description="参数有误（筛选值不合规定，或含空字符）")
COMMON = {400: BAD_REQUEST, 304: OpenApiResponse(description="未改变（If-None-Match 与 ETag 相同）"),
          429: OpenApiResponse(ERROR, description="请求过于频繁")}


class ConditionalMixin:
    """ETag on every 200 GET; 304 when the client already holds the same representation."""

    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        if request.method not in ("GET", "HEAD") or response.status_code != 200:
            return response
        response.render()
        etag = '"%s"' % hashlib.sha256(response.content).hexdigest()[:32]
        response["ETag"] = etag
        patch_cache_control(response, public=True, max_age=60)
        wanted = request.META.get("HTTP_IF_NONE_MATCH")
        if wanted and (etag in parse_etags(wanted) or wanted.strip() == "*" or f"W/{etag}" in parse_etags(wanted)):
            not_modified = HttpResponseNotModified()
            not_modified["ETag"] = etag
            patch_cache_control(not_modified, public=True, max_age=60)
            return not_modified
        return response


class TextParamsMixin:
    """A NUL character in a query parameter is refused with 400 before any query: PostgreSQL cannot store or compare
    it (psycopg raises, which would be a 500); found by the contract test (tests/public/test_api.py)."""

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        if any("\x00" in value for _key, values in request.query_params.lists() for value in values):
            raise ValidationError({"detail": _("参数中不能含有空字符（NUL）。"), "code": "invalid"})


class ReadOnlyApiView(TextParamsMixin, ConditionalMixin, generics.GenericAPIView):
    http_method_names = ["get", "head", "options"]


def _int_param(request, name: str, label: str, low: int = 1, high: int = 9999) -> int | None:
    raw = (request.query_params.get(name) or "").strip()
    if not raw:
        return None
    if not (raw.isascii() and raw.isdigit()) or not low <= int(raw) <= high:  # "²".isdigit(), but int("²") fails
        raise ValidationError({"detail": _("%(label)s应为 %(low)s–%(high)s 之间的整数。") % {
            "label": label, "low": low, "high": high}, "code": "invalid"})
    return int(raw)


def _code_param(request, name: str, model, label: str) -> str | None:
    raw = (request.query_params.get(name) or "").strip()
    if not raw:
        return None
    if not model.objects.filter(code=raw).exists():
        raise ValidationError({"detail": _("没有代码为“%(code)s”的%(label)s。") % {"code": raw[:40], "label": label},
                               "code": "invalid"})
    return raw


def _integer(low: int, high: int) -> dict:
    """A query parameter's schema with the bounds `_int_param` enforces (outside them: 400)."""
    return {"type": "integer", "minimum": low, "maximum": high}


CODE = {"type": "string", "pattern": r"^[-a-zA-Z0-9_]+$", "maxLength": 40}  # a SlugField (pilotbase.models.reference)
YEAR = _integer(1900, 2999)
BASE_FILTERS = [
    OpenApiParameter("q", OpenApiTypes.STR, description="关键词：基地名称、牵头或共建单位、证书编号（取前 100 个字符）"),
    OpenApiParameter("city", CODE, description="设区市代码（如 nanning），见 city.code；没有该代码时 400"),
    OpenApiParameter("industry", CODE, description="产业领域代码，见 industry.code；没有该代码时 400"),
    OpenApiParameter("status", OpenApiTypes.STR, enum=list(BaseStatus.values), description="基地状态"),
    OpenApiParameter("batch", _integer(1, 999), description="认定批次（第几批）"),
    OpenApiParameter("year", YEAR, description="认定年度"),
]


@extend_schema(tags=["bases"], summary="已认定的中试基地", parameters=BASE_FILTERS,
               description="仍在认定期内的基地（运行中、整改中），最新认定在前，与公开的基地名单相同；"
                           "已撤销认定的基地不在其中，用 status=revoked 单独列出（带撤销日期）。"
                           "每个基地带其对外服务目录的公开条目。",
               responses={200: s.BaseSerializer(many=True), 404: NOT_FOUND, **COMMON})
class BaseList(ReadOnlyApiView, generics.ListAPIView):
    serializer_class = s.BaseSerializer

    def get_queryset(self):
        r = self.request
        status = (r.query_params.get("status") or "").strip()
        if status and status not in BaseStatus.values:
            raise ValidationError({"detail": _("状态应为 active、rectifying 或 revoked。"), "code": "invalid"})
        qs = sel.bases({
            "q": (r.query_params.get("q") or "").strip()[:100],
            "city": _code_param(r, "city", City, _("设区市")),
            "industry": _code_param(r, "industry", Industry, _("产业领域")),
            "status": status,
            "batch": _int_param(r, "batch", _("认定批次"), 1, 999),
            "year": _int_param(r, "year", _("认定年度"), 1900, 2999),
        })
        return qs if status else qs.exclude(state=BaseStatus.REVOKED)


@extend_schema(tags=["bases"], summary="一个中试基地", responses={200: s.BaseSerializer, 404: NOT_FOUND, **COMMON})
class BaseDetail(ReadOnlyApiView, generics.RetrieveAPIView):
    serializer_class = s.BaseSerializer

    def get_object(self):
        return sel.base_get(self.kwargs["pk"])


@extend_schema(tags=["notices"], summary="公示",
               description="公示中和已结束的公示（不含草稿），两类：拟认定名单公示与绩效考核结果公示，最新在前；"
                           "不含任何异议信息。",
               parameters=[OpenApiParameter("status", OpenApiTypes.STR, enum=["published", "closed"],
                                            description="published 公示中 / closed 已结束"),
                           OpenApiParameter("kind", OpenApiTypes.STR, enum=list(NoticeKind.values),
                                            description="certification 拟认定名单公示 / evaluation 绩效考核结果公示"),
                           OpenApiParameter("year", YEAR,
                                            description="年度：拟认定名单按申报年度，考核结果公示按考核年度")],
               responses={200: s.NoticeSerializer(many=True), 404: NOT_FOUND, **COMMON})
class NoticeList(ReadOnlyApiView, generics.ListAPIView):
    serializer_class = s.NoticeSerializer

    def get_queryset(self):
        qs = sel.notices_list()
        status = (self.request.query_params.get("status") or "").strip()
        if status:
            if status not in ("published", "closed"):
                raise ValidationError({"detail": _("状态应为 published 或 closed。"), "code": "invalid"})
            qs = qs.filter(state=status)
        kind = (self.request.query_params.get("kind") or "").strip()
        if kind:
            if kind not in NoticeKind.values:
                raise ValidationError({"detail": _("公示类别应为 certification 或 evaluation。"), "code": "invalid"})
            qs = qs.filter(kind=kind)
        year = _int_param(self.request, "year", _("年度"), 1900, 2999)
        return qs.filter(Q(call__year=year) | Q(evaluation_round__year=year)) if year else qs


@extend_schema(tags=["notices"], summary="一则公示及其拟认定名单",
               responses={200: s.NoticeDetailSerializer, 404: NOT_FOUND, **COMMON})
class NoticeDetail(ReadOnlyApiView, generics.RetrieveAPIView):
    serializer_class = s.NoticeDetailSerializer

    def get_object(self):
        return sel.notice_get(self.kwargs["pk"])


@extend_schema(tags=["results"], summary="已公布的年度绩效考核",
               description="已公布（或其后已结束）的考核年度，最新在前；未公布的年度不出现。",
               responses={200: s.RoundSerializer(many=True), 404: NOT_FOUND, **COMMON})
class ResultList(ReadOnlyApiView, generics.ListAPIView):
    serializer_class = s.RoundSerializer

    def get_queryset(self):
        return sel.rounds()


@extend_schema(tags=["results"], summary="一个年度的考核结果",
               description="公布时的结果：基地、牵头单位、设区市、等次；仅当该年度公布分数时给出总分。"
                           "不含专家、评语或扣分理由。",
               responses={200: s.RoundDetailSerializer, 404: NOT_FOUND, **COMMON})
class ResultDetail(TextParamsMixin, ConditionalMixin, APIView):
    http_method_names = ["get", "head", "options"]

    def get(self, request, year: int):
        rnd = sel.round_get(year)
        table = published_results(rnd)
        data = s.RoundSerializer(rnd).data
        data.update({
            "scores_public": table.scores_public,
            "counts": [{"grade": g, "grade_label": str(label), "count": n} for g, label, n in table.counts],
            "results": [{"no": r.no, "base_name": r.base_name, "lead_unit": r.lead_unit, "city": r.city,
                         "grade": r.grade, "grade_label": str(r.grade_label),
                         "total": None if r.total is None else f"{r.total:.2f}"} for r in table.rows],
        })
        return Response(data)


@extend_schema(tags=["certificates"], summary="按编号核验认定证书",
               description="证书编号如“桂中试认〔2021〕第001号”（URL 编码）。未查到时 404。",
               responses={200: s.CertificateSerializer, 404: NOT_FOUND, **COMMON})
class CertificateDetail(ReadOnlyApiView, generics.RetrieveAPIView):
    serializer_class = s.CertificateSerializer

    def get_object(self):
        return sel.certificate_by_number(self.kwargs["number"])


@extend_schema(exclude=True)
class NotFound(APIView):
    """A path under /api/v1/ that names no endpoint: the JSON 404 of errors.py (any method; the schema omits it)."""

    def get(self, request, *args, **kwargs):
        raise NotFoundError

    post = put = patch = delete = get
