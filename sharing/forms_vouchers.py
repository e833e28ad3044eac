"""The filter bar of 创新券使用情况 (staff): delivery year, the base's city, the base. A bad value drops its own
filter only and says so by the field."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from pilotbase.models import Base, City
from pilotbase.refcache import ReferenceChoiceField


class VoucherFilterForm(forms.Form):
    year = forms.TypedChoiceField(label=_("年度"), required=False, coerce=int, empty_value=None,
                                  error_messages={"invalid_choice": _("请从列表中选择年度。")})
    city = ReferenceChoiceField(City, label=_("设区市"), required=False, empty_label=_("全部设区市"),
                                error_messages={"invalid_choice": _("请从列表中选择设区市。")})
    # a link that names a base (?base=<id>) filters; no <select> of every base (3,000 at national scale were most
    # of the page): the rows and the 按基地 table name the bases
    base = forms.ModelChoiceField(label=_("中试基地"), queryset=Base.objects.all(), required=False,
                                  widget=forms.HiddenInput,
                                  error_messages={"invalid_choice": _("请从列表中选择中试基地。")})

    def __init__(self, *args, years: list[int] = (), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["year"].choices = [("", _("全部年度"))] + [(y, _("%(y)s年") % {"y": y}) for y in years]


def voucher_filters(data, *, years: list[int]) -> tuple[VoucherFilterForm, dict, str]:
    """The bound form, the selector's keyword arguments from its valid values, and the query string for the
    export link."""
    form = VoucherFilterForm(data or None, years=years)
    form.is_valid()
    cleaned = getattr(form, "cleaned_data", {})
    filters = {
        "year": cleaned.get("year"),
        "city_id": cleaned["city"].pk if cleaned.get("city") else None,
        "base_id": cleaned["base"].pk if cleaned.get("base") else None,
    }
    params = data.copy()
    for name in PAGE_PARAMS:
        params.pop(name, None)
    return form, filters, params.urlencode()


PAGE_PARAMS = ("page", "base_page")  # the page's two paged tables: by base and year, by base
