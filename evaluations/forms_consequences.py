"""Forms of 整改 and 摘牌: the arguments of each transition, with Chinese messages next to the field."""

from __future__ import annotations

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from pilotbase.inputs import CleanTextMixin

from .models.consequences import OTHER_REASONS


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


def _text(label, *, help_text="", rows=3, required=True, message=None) -> forms.CharField:
    return forms.CharField(
        label=label,
        widget=forms.Textarea(attrs={"rows": rows}),
        max_length=4000,
        required=required,
        help_text=help_text,
        error_messages={"required": message or _("请填写此项。")},
    )


def _default_deadline():
    from .services.rectification import rectification_default_deadline

    return rectification_default_deadline()


class RectificationOpenForm(CleanTextMixin, forms.Form):
    requirements = _text(
        _("整改要求"),
        rows=5,
        message=_("请填写整改要求。"),
        help_text=_("逐条写明须整改的问题和应达到的要求，基地据此整改并提交整改报告。"),
    )
    deadline = forms.DateField(
        label=_("整改期限"),
        widget=DateInput(),
        initial=_default_deadline,
        error_messages={"required": _("请填写整改期限。"), "invalid": _("请填写有效的日期。")},
        help_text=_("默认一年。"),
    )

    def clean_deadline(self):
        deadline = self.cleaned_data["deadline"]
        if deadline <= timezone.localdate():
            raise forms.ValidationError(_("整改期限应晚于今天。"))
        return deadline


class RectificationOrderForm(RectificationOpenForm):
    year = forms.IntegerField(
        label=_("所属考核年度"),
        min_value=2021,
        max_value=2100,
        initial=lambda: timezone.localdate().year,
        help_text=_("整改未通过的，按该年度考核不合格计。"),
        error_messages={"required": _("请填写所属考核年度。")},
    )
    reason = _text(_("整改原因"), message=_("请填写整改原因。"), help_text=_("例如：监督检查中发现的问题。"))
    field_order = ["year", "reason", "requirements", "deadline"]


class RectificationReportForm(CleanTextMixin, forms.Form):
    report = _text(
        _("整改报告"),
        rows=12,
        message=_("请填写整改报告。"),
        help_text=_("逐条说明整改要求的落实情况；证明材料作为附件上传。"),
    )


class RectificationFileForm(forms.Form):
    file = forms.FileField(
        label=_("附件"),
        help_text=_("PDF、图片、Word 或 Excel，不超过 20 MB。"),
        error_messages={"required": _("请选择要上传的文件。")},
    )


class OpinionForm(CleanTextMixin, forms.Form):
    opinion = _text(_("复核意见"), message=_("请填写复核意见。"))


class ProposeForm(CleanTextMixin, forms.Form):
    opinion = _text(_("提请意见"), message=_("请填写提请意见。"))


class ProposeOtherForm(CleanTextMixin, forms.Form):
    reason_kind = forms.ChoiceField(
        label=_("撤销事由"),
        choices=[("", "——"), *OTHER_REASONS],
        error_messages={"required": _("请选择撤销事由。")},
    )
    reason = _text(
        _("撤销原因"),
        message=_("请填写撤销原因。"),
        help_text=_("写明事实和依据；确认后将显示在证书核验页面。"),
    )


class ConfirmForm(CleanTextMixin, forms.Form):
    revoked_on = forms.DateField(
        label=_("撤销日期"),
        widget=DateInput(),
        initial=timezone.localdate,
        error_messages={"required": _("请填写撤销日期。"), "invalid": _("请填写有效的日期。")},
    )
    plaque_returned_on = forms.DateField(
        label=_("标牌收回日期"),
        widget=DateInput(),
        required=False,
        help_text=_("标牌尚未交回的，可在撤销后登记。"),
        error_messages={"invalid": _("请填写有效的日期。")},
    )
    plaque_return_note = forms.CharField(label=_("标牌收回情况"), max_length=200, required=False)


class DismissForm(CleanTextMixin, forms.Form):
    reason = _text(_("不予撤销理由"), message=_("请填写不予撤销的理由。"))


class PlaqueReturnForm(CleanTextMixin, forms.Form):
    plaque_returned_on = forms.DateField(
        label=_("标牌收回日期"),
        widget=DateInput(),
        error_messages={"required": _("请填写标牌收回日期。"), "invalid": _("请填写有效的日期。")},
    )
    plaque_return_note = forms.CharField(label=_("标牌收回情况"), max_length=200, required=False)
