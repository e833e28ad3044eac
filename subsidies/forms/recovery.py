"""Forms of 追回: opening a recovery and the arguments of each transition, Chinese messages next to the field, the
input kept. Amounts are typed text parsed by pilotbase.money.parse_amount (a Decimal, never a float)."""

from __future__ import annotations

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from pilotbase.inputs import CleanTextMixin

from .rewards import AmountField, DateInput, _text

DATE_ERRORS = {"required": _("请填写日期。"), "invalid": _("请按 年-月-日 填写日期。")}


def _date(label, **kwargs) -> forms.DateField:
    return forms.DateField(label=label, widget=DateInput(), error_messages=DATE_ERRORS, **kwargs)


class RecoveryOpenForm(CleanTextMixin, forms.Form):
    revocation = forms.ModelChoiceField(label=_("撤销认定"), queryset=None,
                                        error_messages={"required": _("请选择撤销认定。"),
                                                        "invalid_choice": _("请选择待追回的撤销认定。")})
    period_from = _date(_("资金期间起"), help_text=_("默认自认定之日起。"))
    period_to = _date(_("资金期间止"), help_text=_("默认至撤销之日。"))
    amount = AmountField(label=_("应缴回金额（元）"), required=False, allow_zero=False,
                         help_text=_("留空则按资金台账核算期间内拨付的资金（扣除冲正）；填写其他金额须写明理由。"))
    amount_reason = _text(_("金额调整理由"), required=False)
    due_on = _date(_("缴回期限"))
    reason = _text(_("追回理由"), rows=3, message=_("请填写追回理由。"))

    def __init__(self, *args, revocations=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["revocation"].queryset = revocations
        self.fields["revocation"].label_from_instance = lambda r: f"{r.base.name}（{r.revoked_on or ''}）"

    def clean(self):
        data = super().clean()
        start, end = data.get("period_from"), data.get("period_to")
        if start and end and start > end:
            self.add_error("period_to", _("截止日期不能早于起始日期。"))
        if data.get("due_on") and data["due_on"] < timezone.localdate():
            self.add_error("due_on", _("缴回期限不能早于今天。"))
        return data


class RepaymentForm(CleanTextMixin, forms.Form):
    amount = AmountField(label=_("缴回金额（元）"), allow_zero=False, error_messages={"required": _("请填写缴回金额。")})
    paid_on = _date(_("缴回日期"), initial=timezone.localdate)
    document_no = forms.CharField(label=_("缴款凭证号"), max_length=60,
                                  error_messages={"required": _("请填写缴款凭证号。")})

    def clean_paid_on(self):
        day = self.cleaned_data["paid_on"]
        if day > timezone.localdate():
            raise forms.ValidationError(_("缴回日期不能晚于今天。"))
        return day


class RecoveryAdjustForm(CleanTextMixin, forms.Form):
    amount = AmountField(label=_("应缴回金额（元）"), allow_zero=False, error_messages={"required": _("请填写金额。")})
    due_on = _date(_("缴回期限"))
    reason = _text(_("调整理由"), message=_("请填写金额调整理由。"))


class WriteOffForm(CleanTextMixin, forms.Form):
    reason = _text(_("核销理由"), rows=3, message=_("请填写核销理由。"))


class OpinionForm(CleanTextMixin, forms.Form):
    opinion = _text(_("审批意见"), required=False)


class RejectForm(CleanTextMixin, forms.Form):
    opinion = _text(_("退回意见"), message=_("请填写退回意见。"))
