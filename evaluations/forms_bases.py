"""The base list's filter bar (基地名录): search, state, city, industry, platform type and batch."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from pilotbase.formats import batch_label
from pilotbase.inputs import CleanTextMixin
from pilotbase.keyset import without_page_params
from pilotbase.models import BaseStatus, City, Industry, PlatformType
from pilotbase.refcache import ReferenceChoiceField


class BaseListFilterForm(CleanTextMixin, forms.Form):
    q = forms.CharField(
        label=_("搜索"),
        required=False,
        max_length=100,
        widget=forms.TextInput(attrs={"placeholder": _("基地名称、牵头或共建单位、证书编号")}),
    )
    state = forms.ChoiceField(
        label=_("状态"), required=False, choices=[("", _("全部状态")), *BaseStatus.choices]
    )
    city = ReferenceChoiceField(City, label=_("设区市"), required=False, empty_label=_("全部设区市"))
    industry = ReferenceChoiceField(Industry, label=_("产业领域"), required=False, empty_label=_("全部产业领域"))
    platform_type = ReferenceChoiceField(
        PlatformType, label=_("平台类型"), required=False, empty_label=_("全部平台类型")
    )
    batch = forms.TypedChoiceField(label=_("认定批次"), required=False, coerce=int, empty_value=None)
    sort = forms.ChoiceField(
        label=_("排序"),
        required=False,
        choices=[
            ("", _("认定批次")),
            ("-certified", _("认定日期（新→旧）")),
            ("name", _("基地名称")),
            ("city", _("设区市")),
        ],
    )

    def __init__(self, *args, batches: list[int] = (), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["batch"].choices = [("", _("全部批次"))] + [(b, batch_label(b)) for b in batches]


def base_list_filters(data, *, batches: list[int]) -> tuple[BaseListFilterForm, dict, str]:
    """The bound form, its valid values (a bad value drops its own filter only) and the query string for
    paging and the export link."""
    form = BaseListFilterForm(data or None, batches=batches)
    form.is_valid()
    return form, getattr(form, "cleaned_data", {}), without_page_params(data)
