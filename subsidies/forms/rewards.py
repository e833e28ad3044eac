"""Forms of 运行奖补: the year's settings and the arguments of each transition, Chinese messages next to the field.
Amounts are typed text parsed by pilotbase.money.parse_amount (a Decimal, never a float)."""

from __future__ import annotations

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from pilotbase.inputs import CleanTextMixin
from pilotbase.money import parse_amount

from ..models.rewards import RewardGrade


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


class AmountField(forms.CharField):
    """An amount in yuan ('200000', '1,200,000.00') → Decimal with two places."""

    def __init__(self, *, allow_zero: bool = True, **kwargs):
        self.allow_zero = allow_zero
        kwargs.setdefault("max_length", 20)
        kwargs.setdefault("widget", forms.TextInput(attrs={"inputmode": "decimal"}))
        super().__init__(**kwargs)

    def clean(self, value):
        value = super().clean(value)
        if value in ("", None):
            return None
        return parse_amount(value, allow_zero=self.allow_zero)


def _text(label, *, required=True, rows=2, message=None, help_text="") -> forms.CharField:
    return forms.CharField(label=label, widget=forms.Textarea(attrs={"rows": rows}), max_length=2000,
                           required=required, help_text=help_text,
                           error_messages={"required": message or _("请填写此项。")})


class RewardYearForm(CleanTextMixin, forms.Form):
    evaluation_year = forms.TypedChoiceField(label=_("考核年度"), coerce=int, choices=())
    year = forms.IntegerField(label=_("预算年度"), min_value=2020, max_value=2100,
                              error_messages={"min_value": _("年度应在2020至2100之间。"),
                                              "max_value": _("年度应在2020至2100之间。")})
    min_grade = forms.ChoiceField(label=_("最低考核等次"), choices=RewardGrade.choices, initial=RewardGrade.GOOD,
                                  help_text=_("达到此等次及以上的基地方可享受运行奖补。"))
    budget = AmountField(label=_("年度预算（元）"), help_text=_("例如 3000000；合计超出预算须登记超预算说明。"),
                         error_messages={"required": _("请填写年度预算。")})
    tier_excellent = AmountField(label=_("优秀档奖补金额（元）"), required=False)
    tier_good = AmountField(label=_("良好档奖补金额（元）"), required=False)
    tier_pass = AmountField(label=_("合格档奖补金额（元）"), required=False,
                            help_text=_("不设的档次留空；最低等次以下的档次不发放。"))
    note = _text(_("说明"), required=False)

    def __init__(self, *args, years: list[int] | None = None, fixed_year: int | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        if fixed_year is not None:
            self.fields["evaluation_year"].choices = [(fixed_year, fixed_year)]
            self.fields["evaluation_year"].disabled = True
            self.fields["evaluation_year"].initial = fixed_year
        else:
            self.fields["evaluation_year"].choices = [(y, _("%(year)s年度") % {"year": y}) for y in (years or [])]
            self.fields["evaluation_year"].error_messages["invalid_choice"] = _("请选择有考核结果的年度。")

    def tiers(self) -> dict:
        data = self.cleaned_data
        return {g: data.get(f"tier_{g}") for g in RewardGrade.values}


class AdjustForm(CleanTextMixin, forms.Form):
    amount = AmountField(label=_("奖补金额（元）"), error_messages={"required": _("请填写金额。")})
    reason = _text(_("调整理由"), message=_("请填写调整理由。"))


class OverrideForm(CleanTextMixin, forms.Form):
    reason = _text(_("超预算理由"), rows=3, message=_("请填写超出预算的理由。"))


class ApproveForm(CleanTextMixin, forms.Form):
    document_no = forms.CharField(label=_("下达文号"), max_length=60, required=False)
    opinion = _text(_("审批意见"), required=False)
    approved_on = forms.DateField(label=_("批准日期"), widget=DateInput(), initial=timezone.localdate, required=False,
                                  help_text=_("不填则为今天；资金台账按此日期记入。"),
                                  error_messages={"invalid": _("请按 年-月-日 填写日期。")})

    def clean_approved_on(self):
        day = self.cleaned_data["approved_on"]
        if day is not None and day > timezone.localdate():
            raise forms.ValidationError(_("批准日期不能晚于今天。"))
        return day


class ReturnForm(CleanTextMixin, forms.Form):
    opinion = _text(_("退回意见"), message=_("请填写退回意见。"))


class DisburseForm(CleanTextMixin, forms.Form):
    disbursed_on = forms.DateField(label=_("拨付日期"), widget=DateInput(), initial=timezone.localdate,
                                   error_messages={"required": _("请填写拨付日期。"),
                                                   "invalid": _("请按 年-月-日 填写日期。")})
    document_no = forms.CharField(label=_("文号/凭证号"), max_length=60,
                                  error_messages={"required": _("请填写拨付文号或凭证号。")})

    def clean_disbursed_on(self):
        day = self.cleaned_data["disbursed_on"]
        if day > timezone.localdate():
            raise forms.ValidationError(_("拨付日期不能晚于今天。"))
        return day
