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
            rows = [[display_value(row, c) for c, _l in columns] for row in getattr(application, related).all()]
            tables.append({"key": key, "label": str(label), "columns": [str(lbl) for _c, lbl in columns],
                           "rows": rows})
        sections.append({"key": section.key, "label": str(section.label), "fields": fields, "tables": tables})
    attachments = [
        {"requirement": a.requirement.name, "code": a.requirement.code, "name": a.original_name, "size": a.size,
         "sha256": a.sha256, "content_type": a.content_type}
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


def _flatten(data: dict[str, Any] | None) -> dict[tuple[str, str], tuple[str, str, str]]:
    """{(section key, item key): (section label, item label, text)} for comparison."""
    out: dict[tuple[str, str], tuple[str, str, str]] = {}
    for section in (data or {}).get("sections", []):
        for f in section.get("fields", []):
            out[(section["key"], f["name"])] = (section["label"], f["label"], f["value"])
        for t in section.get("tables", []):
            text = "\n".join("；".join(str(c) for c in row) for row in t.get("rows", []))
            out[(section["key"], "table:" + t["key"])] = (section["label"], t["label"], text)
    files = (data or {}).get("attachments", [])
    if data is not None:
        text = "\n".join(f"{a['requirement']}：{a['name']}" for a in files)
        out[("attachments", "files")] = (_("附件"), _("附件清单"), text)
    return out


def snapshot_diff(old_data: dict[str, Any] | None, new_data: dict[str, Any] | None) -> list[tuple[str, str, str, str]]:
    """(section label, field label, before, after) for every item that differs, in form order."""
    old, new = _flatten(old_data), _flatten(new_data)
    changes = []
    for key in [*new.keys(), *(k for k in old if k not in new)]:
        before = old.get(key, ("", "", ""))
        after = new.get(key, ("", "", ""))
        if before[2] != after[2]:
            section_label = after[0] or before[0]
            item_label = after[1] or before[1]
            changes.append((section_label, item_label, before[2], after[2]))
    return changes
