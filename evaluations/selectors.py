"""Reads of 绩效考核 for pages."""

from __future__ import annotations

from django.db.models import QuerySet

from .models import BaseImport


def recent_imports(limit: int = 10) -> QuerySet[BaseImport]:
    return BaseImport.objects.select_related("imported_by").order_by("-imported_at", "-id")[:limit]
