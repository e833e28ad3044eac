"""Page-number pagination: ?page=N&page_size=M (at most 100), with the total count and next/previous links."""

from __future__ import annotations

from rest_framework.pagination import PageNumberPagination


class ApiPagination(PageNumberPagination):
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 100
