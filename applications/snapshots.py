"""Freezing an application into JSON at submission, and comparing two frozen versions.

Values are stored as the display strings the user saw (choice labels, unit names, amounts), so an
old snapshot still reads correctly after reference data changes, and the PDF and the diff need
no database.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _

from pilotbase.documents import official_language

from .models import Application
from .sections import SECTIONS, TABLES


def display_value(instance: Any, name: str) -> str:
    value = getattr(instance, name)
    fld = instance._meta.get_field(name)
    if value is None or value == "":
        return ""
    if isinstance(value, bool):
        return _("是") if value else _("否")
    if fld.choices:
        return str(getattr(instance, f"get_{name}_display")())
    if isinstance(value, Decimal):
        return f"{value:,.2f}"
    return str(value)


def field_label(model: type, name: str) -> str:
    return str(model._meta.get_field(name).verbose_name)


def snapshot_build(application: Application) -> dict[str, Any]:
    """Everything the applicant submitted: sections, child rows, partners, attachment metadata.
    Labels are frozen in Chinese, the record's language, even when the applicant reads in English."""
    with official_language():
        return _snapshot(application)


def _snapshot(application: Application) -> dict[str, Any]:
    applicant = application.applicant
    sections = []
    for section in SECTIONS:
        if section.key == "attachments":
            continue
        fields = [{"name": n, "label": field_label(Application, n), "value": display_value(application, n)}
                  for n in section.fields]
        tables = []
        for key in section.tables:
            if key == "partners" and not application.is_consortium:
                continue
            label, related, columns = TABLES[key]
            objs = list(getattr(application, related).all())
            rows = [[display_value(row, c) for c, _l in columns] for row in objs]
            # ids: a row is compared with the same row of the previous version, not with whatever sits at its place
            tables.append({"key": key, "label": str(label), "columns": [str(lbl) for _c, lbl in columns],
                           "rows": rows, "ids": [row.pk for row in objs]})
        sections.append({"key": section.key, "label": str(section.label), "fields": fields, "tables": tables})
    attachments = [
        {"id": a.pk, "requirement": attachment_kind(a), "code": a.requirement.code if a.requirement_id else OTHER_CODE,
         "title": a.title, "name": a.original_name, "size": a.size, "sha256": a.sha256,
         "content_type": a.content_type,
         "uploaded_at": timezone.localtime(a.uploaded_at).isoformat(timespec="seconds") if a.uploaded_at else ""}
        for a in application.attachments.select_related("requirement")
    ]
    return {
        "version": application.version,
        "acceptance_no": application.acceptance_no or "",
        "frozen_at": timezone.localtime().isoformat(timespec="seconds"),
        "call": {"title": application.call.title, "year": application.call.year},
        "applicant": {"name": applicant.name, "credit_code": applicant.credit_code or "",
                      "city": str(applicant.city or ""), "unit_type": applicant.get_unit_type_display()},
        "authority": application.authority.name,
        "sections": sections,
        "attachments": attachments,
    }


OTHER_CODE = "other"


def attachment_kind(attachment: Any) -> str:
    """The attachment's category as listed: its requirement, or 其他补充材料 for one the applicant named."""
    return attachment.requirement.name if attachment.requirement_id else str(_("其他补充材料"))


# ---- what changed between two versions ---------------------------------------------------------------
ADDED, REMOVED, CHANGED, REPLACED = "added", "removed", "changed", "replaced"


def _row_keys(table: dict[str, Any], by_id: bool) -> list[Any]:
    """How a row is recognised in the other version: its id; when a snapshot frozen before ids were kept is
    compared, its first cell (the name) and how often that name came before, so two 张三 stay two rows."""
    if by_id:
        return [("id", i) for i in table["ids"]]
    seen: dict[str, int] = {}
    keys = []
    for row in table.get("rows", []):
        first = str(row[0]) if row else ""
        seen[first] = seen.get(first, 0) + 1
        keys.append(("name", first, seen[first]))
    return keys


def _has_ids(table: dict[str, Any] | None) -> bool:
    return table is None or ("ids" in table and len(table["ids"]) == len(table.get("rows", [])))


def _table_changes(old: dict[str, Any] | None, new: dict[str, Any] | None) -> dict[str, Any] | None:
    """Rows added, removed and changed (each cell with before, after and whether it changed), in the new order
    with the removed rows after; None when the table is the same."""
    ref = new or old or {}
    columns = ref.get("columns", [])
    by_id = _has_ids(old) and _has_ids(new)
    old_rows = dict(zip(_row_keys(old or {}, by_id), (old or {}).get("rows", []), strict=True))
    rows = []
    for key, after in zip(_row_keys(new or {}, by_id), (new or {}).get("rows", []), strict=True):
        before = old_rows.pop(key, None)
        if before is None:
            rows.append({"status": ADDED, "cells": [{"old": "", "new": c, "changed": False} for c in after]})
        elif list(before) != list(after):
            rows.append({"status": CHANGED, "cells": [
                {"old": b, "new": a, "changed": b != a}
                for b, a in zip(_pad(before, columns), _pad(after, columns), strict=True)]})
    for before in old_rows.values():
        rows.append({"status": REMOVED, "cells": [{"old": c, "new": "", "changed": False} for c in before]})
    if not rows:
        return None
    return {"key": ref.get("key", ""), "label": ref.get("label", ""), "columns": columns, "rows": rows}


def _pad(row: list[Any], columns: list[str]) -> list[Any]:
    return list(row) + [""] * (len(columns) - len(row))


def _with_when(attachment: dict[str, Any]) -> dict[str, Any]:
    """The upload time as read (2026年11月28日 14:30); snapshots frozen before it was kept have none."""
    from datetime import datetime

    raw = attachment.get("uploaded_at") or ""
    try:
        at = datetime.fromisoformat(raw)
    except ValueError:
        return {**attachment, "when": ""}
    return {**attachment, "when": f"{at.year}年{at.month}月{at.day}日 {at:%H:%M}"}


def _attachment_changes(old: list[dict[str, Any]], new: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Per category: files added, removed, or replaced (one removed and one added in the same fixed category).
    A file is the same file when it is the same upload (id) or, in snapshots without ids, the same content."""

    def ident(a: dict[str, Any]) -> Any:
        return ("id", a["id"]) if "id" in a else ("sha", a.get("sha256"), a.get("name"))

    mixed = any("id" in a for a in old) != any("id" in a for a in new)  # the first snapshot after the upgrade

    def key(a: dict[str, Any]) -> Any:
        return ("sha", a.get("sha256"), a.get("name")) if mixed else ident(a)

    old, new = [_with_when(a) for a in old], [_with_when(a) for a in new]
    old_keys = {key(a) for a in old}
    new_keys = {key(a) for a in new}
    added = [a for a in new if key(a) not in old_keys]
    removed = [a for a in old if key(a) not in new_keys]
    out = []
    for a in added:
        gone = next((r for r in removed if r.get("code") == a.get("code") and a.get("code") != OTHER_CODE), None)
        if gone is not None:
            removed.remove(gone)
            out.append({"status": REPLACED, "kind": a.get("requirement", ""), "old": gone, "new": a})
        else:
            out.append({"status": ADDED, "kind": a.get("requirement", ""), "old": None, "new": a})
    out += [{"status": REMOVED, "kind": r.get("requirement", ""), "old": r, "new": None} for r in removed]
    return out


def snapshot_changes(old_data: dict[str, Any] | None, new_data: dict[str, Any] | None) -> list[dict[str, Any]]:
    """What changed from one submitted version to the next, per section in form order: the fields that changed
    (before → after), each table's rows added, removed and changed (cell by cell), and the attachments added,
    removed or replaced. A section without changes is left out; the same data gives []."""
    old_sections = {s["key"]: s for s in (old_data or {}).get("sections", [])}
    new_sections = {s["key"]: s for s in (new_data or {}).get("sections", [])}
    out = []
    for key in [*new_sections, *(k for k in old_sections if k not in new_sections)]:
        before, after = old_sections.get(key, {}), new_sections.get(key, {})
        old_fields = {f["name"]: f for f in before.get("fields", [])}
        fields = []
        for f in after.get("fields", []):
            was = old_fields.pop(f["name"], {}).get("value", "")
            if was != f["value"]:
                fields.append({"name": f["name"], "label": f["label"], "old": was, "new": f["value"]})
        fields += [{"name": f["name"], "label": f["label"], "old": f["value"], "new": ""}
                   for f in old_fields.values() if f["value"]]
        old_tables = {t["key"]: t for t in before.get("tables", [])}
        tables = [_table_changes(old_tables.pop(t["key"], None), t) for t in after.get("tables", [])]
        tables += [_table_changes(t, None) for t in old_tables.values()]
        tables = [t for t in tables if t]
        if fields or tables:
            label = (after or before)["label"]
            out.append({"key": key, "label": label, "fields": fields, "tables": tables, "attachments": []})
    if old_data is not None and new_data is not None:
        files = _attachment_changes(old_data.get("attachments", []), new_data.get("attachments", []))
        if files:
            out.append({"key": "attachments", "label": str(_("附件")), "fields": [], "tables": [],
                        "attachments": files})
    return out
