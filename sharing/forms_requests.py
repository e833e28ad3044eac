"""Forms of 服务需求: the request (the requester), each transition's arguments (quote, decline, deliver, refuse,
withdraw, dispute), the lists' filters. Messages in Chinese beside the field; the services check again."""

from __future__ import annotations

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from pilotbase.inputs import CleanTextMixin
from pilotbase.models import Base, City
from pilotbase.refcache import ReferenceChoiceField

from .models import RequestState, ServiceRequest
from .services.requests import request_problems

DATE = forms.DateInput(attrs={"type": "date"})
MONEY = {"invalid": _("请填写金额（元），例如 12000 或 12000.50。"), "min_value": _("金额不能为负数。"),
         "max_digits": _("金额过大。"), "max_decimal_places": _("金额最多保留两位小数。"),
         "max_whole_digits": _("金额过大。")}
DAY = {"invalid": _("请填写有效的日期，例如 2026-12-31。")}


class RequestForm(CleanTextMixin, forms.ModelForm):
    class Meta:
        model = ServiceRequest
        fields = ["title", "description", "quantity", "wanted_by", "budget", "uses_voucher", "voucher_number",
                  "voucher_amount"]
        widgets = {"description": forms.Textarea(attrs={"rows": 5}), "wanted_by": DATE}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("title", "description", "quantity"):
            label = self.fields[name].label
            self.fields[name].error_messages["required"] = _("请填写%(label)s。") % {"label": label}
        self.fields["title"].error_messages["max_length"] = _("需求名称不能超过100个字。")
        self.fields["quantity"].error_messages["max_length"] = _("数量或规模不能超过100个字。")
        self.fields["voucher_number"].error_messages["max_length"] = _("创新券编号不能超过40个字符。")
        self.fields["wanted_by"].error_messages.update({"required": _("请填写期望完成日期。"), **DAY})
        for name in ("budget", "voucher_amount"):
            self.fields[name].error_messages.update(MONEY)
        self.fields["voucher_number"].help_text = _("使用科技创新券时填写。")

    def clean(self):
        data = super().clean()
        for name, message in request_problems(data, today=timezone.localdate()).items():
            if name not in self.errors:  # a field's own message (required, invalid) says it first
                self.add_error(name, message)
        return data


class QuoteForm(CleanTextMixin, forms.Form):
    amount = forms.DecimalField(label=_("报价金额（元）"), max_digits=14, decimal_places=2, min_value=0,
                                error_messages={"required": _("请填写报价金额。"), **MONEY})
    valid_until = forms.DateField(label=_("报价有效期至"), widget=DATE,
                                  error_messages={"required": _("请填写报价有效期。"), **DAY})
    note = forms.CharField(label=_("报价说明"), required=False, max_length=2000,
                           widget=forms.Textarea(attrs={"rows": 3}))

    def clean_valid_until(self):
        value = self.cleaned_data["valid_until"]
        if value < timezone.localdate():
            raise forms.ValidationError(_("报价有效期不能早于今天。"))
        return value


def _reason_form(label, required_message, *, required=True):
    class ReasonForm(CleanTextMixin, forms.Form):
        reason = forms.CharField(label=label, required=required, max_length=2000,
                                 widget=forms.Textarea(attrs={"rows": 2}),
                                 error_messages={"required": required_message,
                                                 "max_length": _("不能超过2000个字。")})

    return ReasonForm


DeclineForm = _reason_form(_("婉拒的理由"), _("请填写婉拒的理由。"))
RefuseForm = _reason_form(_("不接受报价的理由"), _("请填写不接受报价的理由。"))
WithdrawForm = _reason_form(_("撤回说明（可不填）"), "", required=False)
DisputeForm = _reason_form(_("异议内容"), _("请填写异议内容。"))


class DeliverForm(CleanTextMixin, forms.Form):
    note = forms.CharField(label=_("交付说明"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3}),
                           error_messages={"required": _("请填写交付说明。"), "max_length": _("不能超过2000个字。")})


STATE_CHOICES = [("", _("全部")), ("open", _("进行中")), *RequestState.choices]


class StateFilterForm(forms.Form):
    state = forms.ChoiceField(label=_("状态"), required=False, choices=STATE_CHOICES)


class StaffRequestFilterForm(CleanTextMixin, forms.Form):
    """The base is found by the search (its name); `base` stays for links that name one (?base=<id>), a hidden
    field: a <select> of every base was 3,000 options, most of the page at national scale."""

    q = forms.CharField(label=_("搜索"), required=False, max_length=100,
                        widget=forms.TextInput(attrs={"placeholder": _("需求编号、名称、需求单位或中试基地")}))
    base = forms.ModelChoiceField(label=_("中试基地"), required=False, queryset=Base.objects.all(),
                                  widget=forms.HiddenInput)
    city = ReferenceChoiceField(City, active_only=False, label=_("设区市"), required=False,
                                empty_label=_("全部设区市"))
    state = forms.ChoiceField(label=_("状态"), required=False, choices=STATE_CHOICES)
    year = forms.IntegerField(label=_("年度"), required=False, min_value=2000, max_value=2100,
                              error_messages={"invalid": _("请填写四位年份。"), "min_value": _("请填写四位年份。"),
                                              "max_value": _("请填写四位年份。")})
