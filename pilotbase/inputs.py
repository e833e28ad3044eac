"""Untrusted input made safe at the door: text typed into forms, and the query parameters of every list.

**Text** (`clean_text`, `CleanTextMixin`): control characters have no meaning in what people type here; they
arrive by copying from Word or PDF (vertical tab for a manual line break, form feed for a page break) or from
scripts. Left in, they break exports (xlsx cannot hold them), e-mail headers (a carriage return) and
PostgreSQL (which refuses NUL in text). Forms therefore *strip* them rather than refuse: the characters are
invisible, so a refusal would ask the user to find something they cannot see. Multi-line fields keep tab and
line breaks (a vertical tab or form feed becomes a line break); single-line fields turn tab and line breaks
into a space. When a redisplayed form (invalid for another reason) shows a cleaned field, a note beside it
says what was removed, so nothing changes without the user being told.

**Query parameters** (`int_param`, `choice_param`, `text_param`): a list page reads every filter through
these, so no value a user (or a crawler) types reaches the database as an error: ids are integers within
the database's integer range, choices are checked against the allowed values, text has no NUL or control
characters and a bounded length. A bad value is ignored (the filter is off), never a 500."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

# C0 controls except tab, line feed and carriage return; DEL; C1 controls; the two non-characters XML refuses.
_CONTROL_RE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ufffe\uffff]")
_PAGE_BREAKS_RE = re.compile("[\x0b\x0c]")  # Word's manual line break, a PDF's page break
_LINE_BREAKS_RE = re.compile("[\t\r\n]+")
DB_INT_MAX = 2**31 - 1  # PostgreSQL `integer` (and the ids of `serial` keys); SQLite holds more, never less
TEXT_PARAM_MAX = 200  # a search term longer than this is a paste accident or an attack, not a search


def clean_text(value: str, *, multiline: bool = True) -> str:
    """`value` without control characters; single-line text has tab and line breaks turned into spaces."""
    if multiline:
        value = _PAGE_BREAKS_RE.sub("\n", value)
    else:
        value = _LINE_BREAKS_RE.sub(" ", value)
    return _CONTROL_RE.sub("", value)


class CleanTextMixin:
    """Put first in a form's bases: ``class MyForm(CleanTextMixin, forms.Form)``. Every text field's submitted
    value is cleaned before validation (so `required`, `max_length` and `clean_<field>` see the cleaned text,
    and a redisplayed form shows it)."""

    text_cleaned_note = _("已删除无法保存的不可见控制字符（常见于从 Word 或 PDF 复制的文字），请核对。")

    def full_clean(self):
        if self.is_bound and not getattr(self, "_text_cleaned", False):
            self._text_cleaned = True
            self.data = self._clean_text_data(self.data)
        super().full_clean()

    def _clean_text_data(self, data):
        text_fields = {self.add_prefix(name): (name, isinstance(field.widget, forms.Textarea))
                       for name, field in self.fields.items()
                       if isinstance(field, forms.CharField) and not field.disabled}
        changed: dict[str, Any] = {}
        for key, (name, multiline) in text_fields.items():
            if key not in data:
                continue
            values = data.getlist(key) if hasattr(data, "getlist") else data[key]
            listed = isinstance(values, list | tuple)
            items = list(values) if listed else [values]
            cleaned = [clean_text(v, multiline=multiline) if isinstance(v, str) else v for v in items]
            if cleaned != items:
                changed[key] = cleaned if (listed or hasattr(data, "getlist")) else cleaned[0]
                field = self.fields[name]
                field.help_text = f"{field.help_text} {self.text_cleaned_note}".strip()
        if not changed:
            return data
        data = data.copy()  # request.POST is immutable: clean a copy
        for key, value in changed.items():
            if hasattr(data, "setlist"):
                data.setlist(key, value)
            else:
                data[key] = value
        return data


class CleanTextForm(CleanTextMixin, forms.Form):
    pass


class CleanTextModelForm(CleanTextMixin, forms.ModelForm):
    pass


# ---- query parameters -----------------------------------------------------------------------------------------
def int_param(params: Mapping[str, Any], name: str, *, minimum: int = 1, maximum: int = DB_INT_MAX) -> int | None:
    """An id or a number from the query string, or None when it is missing, not an integer or out of range."""
    return parse_int(params.get(name), minimum=minimum, maximum=maximum)


def parse_int(value: Any, *, minimum: int = 1, maximum: int = DB_INT_MAX) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        number = value
    else:
        text = str(value or "").strip()
        if not re.fullmatch(r"[+-]?\d{1,19}", text, flags=re.ASCII):  # never int() a 10,000-digit string
            return None
        number = int(text)
    return number if minimum <= number <= maximum else None


def parse_ints(values: Iterable[Any], *, minimum: int = 1, maximum: int = DB_INT_MAX) -> list[int]:
    """The valid integers among `values` (e.g. ``request.POST.getlist("id")``), the others dropped."""
    return [n for n in (parse_int(v, minimum=minimum, maximum=maximum) for v in values) if n is not None]


def choice_param(params: Mapping[str, Any], name: str, choices: Iterable[str], default: str = "") -> str:
    value = params.get(name)
    return value if isinstance(value, str) and value in set(choices) else default


def text_param(params: Mapping[str, Any], name: str, *, max_length: int = TEXT_PARAM_MAX) -> str:
    """A search term: single-line, without control characters (PostgreSQL refuses NUL), trimmed and bounded."""
    value = params.get(name)
    return clean_text(value, multiline=False).strip()[:max_length] if isinstance(value, str) else ""
