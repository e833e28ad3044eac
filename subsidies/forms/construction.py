"""Forms of 建设支持: the budget, the staff's confirmation, the proposal, each transition's arguments and the
spending report; Chinese messages next to the field, amounts typed text parsed by pilotbase.money."""

from __future__ import annotations

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from evaluations.base_lookup import BaseLookupField
from pilotbase.inputs import CleanTextMixin
from pilotbase.models import Base

from ..models import GrantState, SupportKind
from .rewards import AmountField, DateInput, _text

YEAR_ERRORS = {"min_value": _("年度应在2020至2100之间。"), "max_value": _("年度应在2020至2100之间。"),
               "required": _("请填写年度。"), "invalid": _("请填写年度，例如 2026。")}
CONFIRM_CHOICES = [("", _("尚未核实")), ("yes", _("是")), ("no", _("否"))]


def _year_field() -> forms.IntegerField:
    return forms.IntegerField(label=_("预算年度"), min_value=2020, max_value=2100, error_messages=YEAR_ERRORS)


def _not_future(day, message):
    if day is not None and day > timezone.localdate():
        raise forms.ValidationError(message)
    return day


class BudgetForm(CleanTextMixin, forms.Form):
    year = _year_field()
    kind = forms.ChoiceField(label=_("资金类别"), choices=SupportKind.choices[:2], initial=SupportKind.CONSTRUCTION)
    amount = AmountField(label=_("年度预算（元）"), error_messages={"required": _("请填写年度预算。")})
    note = _text(_("说明"), required=False)


class CheckForm(CleanTextMixin, forms.Form):
    cultivation_confirmed = forms.ChoiceField(
        label=_("核实“未获得相关培育支持”"), choices=CONFIRM_CHOICES, required=False,
        help_text=_("是：申报书“未获得相关培育支持”的填报属实；否：核实已获得相关培育支持。"))
    newly_built = forms.ChoiceField(label=_("核实为新建平台"), choices=CONFIRM_CHOICES, required=False)
    note = _text(_("核实说明"), required=False)

    @staticmethod
    def as_bool(value: str) -> bool | None:
        return {"yes": True, "no": False}.get(value)


class ProposeForm(CleanTextMixin, forms.Form):
    base = BaseLookupField(label=_("中试基地"), queryset=Base.objects.none(),
                           help_text=_("输入基地全称，输入两个字以上可从提示中选择。"),
                           error_messages={"required": _("请填写中试基地。"),
                                           "invalid_choice": _("未找到尚无建设支持的该基地：请输入基地全称。")})
    year = _year_field()
    amount = AmountField(label=_("支持金额（元）"), allow_zero=False, help_text=_("例如 3000000。"),
                         error_messages={"required": _("请填写支持金额。")})
    basis = _text(_("建议理由"), rows=3, message=_("请填写建议理由。"))

    def __init__(self, *args, search_url: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["base"].queryset = proposable_bases()
        self.fields["base"].suggest_from(search_url)


def proposable_bases():
    """Bases a construction grant may be proposed for: none yet, not revoked (the eligibility says the rest)."""
    return Base.objects.exclude(construction_grants__isnull=False).exclude(state="revoked").order_by("batch", "name")


class OverrideForm(CleanTextMixin, forms.Form):
    reason = _text(_("超预算理由"), rows=3, message=_("请填写超出预算的理由。"))


class ApproveForm(CleanTextMixin, forms.Form):
    document_no = forms.CharField(label=_("下达文号"), max_length=60, error_messages={"required": _("请填写下达文号。")})
    opinion = _text(_("审批意见"), required=False)
    approved_on = forms.DateField(label=_("批准日期"), widget=DateInput(), initial=timezone.localdate, required=False,
                                  help_text=_("不填则为今天；资金台账按此日期记入。"),
                                  error_messages={"invalid": _("请按 年-月-日 填写日期。")})

    def clean_approved_on(self):
        return _not_future(self.cleaned_data["approved_on"], _("批准日期不能晚于今天。"))


class DisburseForm(CleanTextMixin, forms.Form):
    disbursed_on = forms.DateField(label=_("拨付日期"), widget=DateInput(), initial=timezone.localdate,
                                   error_messages={"required": _("请填写拨付日期。"),
                                                   "invalid": _("请按 年-月-日 填写日期。")})
    amount = AmountField(label=_("拨付金额（元）"), allow_zero=False, error_messages={"required": _("请填写拨付金额。")})
    document_no = forms.CharField(label=_("拨付文号/凭证号"), max_length=60,
                                  error_messages={"required": _("请填写拨付文号或凭证号。")})

    def clean_disbursed_on(self):
        return _not_future(self.cleaned_data["disbursed_on"], _("拨付日期不能晚于今天。"))


class CloseForm(CleanTextMixin, forms.Form):
    note = _text(_("结束说明"), rows=3, message=_("请填写结束说明（建设任务完成情况）。"))


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput())
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        single = super().clean
        if isinstance(data, (list, tuple)):
            return [single(d, initial) for d in data if d]
        return [single(data, initial)] if data else []


class SpendingForm(CleanTextMixin, forms.Form):
    item = forms.CharField(label=_("支出事项"), max_length=200, error_messages={"required": _("请填写支出事项。")})
    amount = AmountField(label=_("金额（元）"), allow_zero=False, error_messages={"required": _("请填写金额。")})
    spent_on = forms.DateField(label=_("支出日期"), widget=DateInput(), initial=timezone.localdate,
                               error_messages={"required": _("请填写支出日期。"), "invalid": _("请按 年-月-日 填写日期。")})
    is_equipment = forms.BooleanField(label=_("购置设备"), required=False)
    equipment = forms.CharField(label=_("设备名称及型号"), max_length=200, required=False)
    note = _text(_("说明"), required=False)
    files = MultipleFileField(label=_("凭证附件"), required=False,
                              help_text=_("发票、合同、设备照片等，PDF、JPG、PNG、Word、Excel，单个不超过20MB。"))

    def clean_spent_on(self):
        return _not_future(self.cleaned_data["spent_on"], _("支出日期不能晚于今天。"))

    def clean(self):
        data = super().clean()
        if data.get("is_equipment") and not (data.get("equipment") or "").strip():
            self.add_error("equipment", _("购置设备的，请填写设备名称及型号。"))
        return data


class GrantFilterForm(forms.Form):
    year = forms.IntegerField(label=_("预算年度"), required=False)
    state = forms.ChoiceField(label=_("状态"), choices=[("", _("全部"))] + list(GrantState.choices), required=False)
    q = forms.CharField(label=_("基地名称"), max_length=60, required=False)
    overdue = forms.BooleanField(label=_("仅看已逾期"), required=False)
