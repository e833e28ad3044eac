"""A base picked by typing its name: the form field (`BaseLookupField`) and the suggestions its box asks for
(`base_suggestions`). Never a <select> of every base: at national scale 3,000 options were most of a page
(a round's include and exclude boxes 733 KB, the construction proposal 169 KB)."""

from __future__ import annotations

from django import forms
from django.db.models import QuerySet
from django.http import HttpRequest, JsonResponse
from django.utils.translation import gettext_lazy as _

from applications.forms import OrganizationSearchInput
from pilotbase.models import Base

SUGGESTIONS = 15
MIN_QUERY, MAX_QUERY = 2, 60


class BaseLookupField(forms.ModelChoiceField):
    """A base by its full name as typed (the box's suggestions fill it), or its id (a link's ?base=), within the
    queryset; what was typed stays in the box when it matches nothing."""

    widget = OrganizationSearchInput
    default_error_messages = {
        "invalid_choice": _("未找到该基地：请输入基地全称（输入两个字以上可从提示中选择）。"),
    }

    def prepare_value(self, value):
        if isinstance(value, Base):
            return value.name
        if isinstance(value, int) or (isinstance(value, str) and value.isdigit()):
            base = self.queryset.filter(pk=int(value)).only("name").first()
            return base.name if base else value
        return value

    def to_python(self, value):
        text = value.strip() if isinstance(value, str) else value
        if text in self.empty_values:
            return None
        if isinstance(text, Base):
            return text
        base = base_named(str(text), self.queryset)
        if base is None:
            raise forms.ValidationError(self.error_messages["invalid_choice"], code="invalid_choice")
        return base

    def suggest_from(self, url: str) -> None:
        """The box asks `url` for suggestions as the user types (portal.js, data-org-search)."""
        self.widget = OrganizationSearchInput({"data-org-search": url} if url else {})


def base_named(text: str, bases: QuerySet[Base]) -> Base | None:
    """The base of `bases` that `text` names: its id (a link's ?base=) or its full name."""
    text = text.strip()
    if not text:
        return None
    return (bases.filter(pk=int(text)).first() if text.isdigit() else None) or bases.filter(name=text).first()


def base_suggestions(request: HttpRequest, bases: QuerySet[Base]) -> JsonResponse:
    """GET ?q=… → up to 15 of `bases` whose name holds the text (two characters or more), for a lookup box."""
    q = request.GET.get("q", "").strip()[:MAX_QUERY]
    if len(q) < MIN_QUERY:
        return JsonResponse({"results": []})
    found = bases.filter(name__icontains=q).only("name", "city_id").order_by("name")[:SUGGESTIONS]
    return JsonResponse({"results": [{"value": b.name, "name": b.name, "city": str(b.city)} for b in found]})
