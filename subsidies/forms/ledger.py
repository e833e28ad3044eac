"""The ledger list's filter bar (资金台账): base search, budget year, city, industry, platform type, support, kind,
and the grouping of the totals."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from pilotbase.inputs import CleanTextMixin
from pilotbase.models import City, Industry, PlatformType
from pilotbase.refcache import ReferenceChoiceField

from ..models import LedgerKind, SupportKind
from ..selectors.ledger import GROUPS


class LedgerFilterForm(CleanTextMixin, forms.Form):
    q = forms.CharField(label=_("搜索"), required=False, max_length=100,
                        widget=forms.TextInput(attrs={"placeholder": _("基地名称、牵头单位、文号/凭证号")}))
    year = forms.TypedChoiceField(label=_("预算年度"), required=False, coerce=int, empty_value=None)
    city = ReferenceChoiceField(City, label=_("设区市"), required=False, empty_label=_("全部设区市"))
    industry = ReferenceChoiceField(Industry, label=_("产业领域"), required=False, empty_label=_("全部产业领域"))
    platform_type = ReferenceChoiceField(PlatformType, label=_("平台类型"), required=False,
                                         empty_label=_("全部平台类型"))
    support = forms.ChoiceField(label=_("资金类别"), required=False, choices=[("", _("全部资金类别")),
                                                                          *SupportKind.choices])
    kind = forms.ChoiceField(label=_("台账类别"), required=False, choices=[("", _("全部台账类别")), *LedgerKind.choices])
    group = forms.ChoiceField(label=_("合计分组"), required=False,
                              choices=[(key, label) for key, (label, *_rest) in GROUPS.items()])

    def __init__(self, *args, years: list[int] = (), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["year"].choices = [("", _("全部年度"))] + [(y, str(y)) for y in years]


def ledger_filters(data, *, years: list[int]) -> tuple[LedgerFilterForm, dict, str, str]:
    """The bound form, its valid values (a bad value drops its own filter only), the totals' grouping and the
    query string for paging and the export link."""
    form = LedgerFilterForm(data or None, years=years)
    form.is_valid()
    cleaned = getattr(form, "cleaned_data", {})
    params = data.copy()
    params.pop("page", None)
    return form, cleaned, cleaned.get("group") or "year", params.urlencode()
