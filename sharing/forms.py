"""Forms of 开放共享: a catalogue entry (the base's lead unit), a reason to hide or show one (staff), staff's filter of
every entry. Validation only, Chinese messages by the field; the services do the work."""

from __future__ import annotations

from django import forms
from django.utils.functional import lazy
from django.utils.translation import gettext_lazy as _

from pilotbase.inputs import CleanTextMixin

from .models import OfferingState, ServiceKind, ServiceOffering


def _required(label) -> dict:
    return {"required": lazy(lambda: str(_("请填写%(label)s。")) % {"label": label}, str)()}


class OfferingForm(CleanTextMixin, forms.ModelForm):
    class Meta:
        model = ServiceOffering
        fields = ["kind", "title", "description", "equipment", "capacity", "lead_time", "fee_standard", "contact",
                  "contact_public", "accepts_vouchers", "order"]
        widgets = {
            "description": forms.Textarea(attrs={"rows": 4}),
            "equipment": forms.Textarea(attrs={"rows": 3}),
            "fee_standard": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].error_messages.update({"required": _("请选择服务类型。"),
                                                    "invalid_choice": _("请从列表中选择服务类型。")})
        for name in ("title", "description", "fee_standard", "contact"):
            self.fields[name].error_messages.update(_required(self.fields[name].label))
        for name in ("title", "capacity", "lead_time", "contact"):
            limit = self.fields[name].max_length
            self.fields[name].error_messages["max_length"] = lazy(
                lambda label=self.fields[name].label, limit=limit: str(_("%(label)s不能超过%(n)s个字。"))
                % {"label": label, "n": limit}, str)()
        self.fields["order"].error_messages.update({"invalid": _("排序请填写0或正整数。"),
                                                     "min_value": _("排序请填写0或正整数。"),
                                                     "max_value": _("排序数字过大。")})
        self.fields["order"].required = False

    def clean_order(self):
        return self.cleaned_data.get("order") or 0


class ReasonForm(CleanTextMixin, forms.Form):
    reason = forms.CharField(label=_("理由"), max_length=500, widget=forms.Textarea(attrs={"rows": 2}),
                             error_messages={"required": _("请填写理由。")})


class OfferingFilterForm(CleanTextMixin, forms.Form):
    q = forms.CharField(label=_("搜索"), required=False,
                        widget=forms.TextInput(attrs={"placeholder": _("基地名称或服务名称")}))
    kind = forms.ChoiceField(label=_("服务类型"), required=False, choices=[("", _("全部服务类型")), *ServiceKind.choices])
    state = forms.ChoiceField(label=_("公开状态"), required=False, choices=[("", _("全部")), *OfferingState.choices])
