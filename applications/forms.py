"""Forms only validate input; services write it."""

from __future__ import annotations

import functools
import re

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator
from django.db import models
from django.forms import inlineformset_factory
from django.utils.translation import gettext_lazy as _

from pilotbase.inputs import CleanTextMixin, CleanTextModelForm
from pilotbase.models import City, Industry, Organization, OrgKind
from pilotbase.refcache import ReferenceChoiceField
from pilotbase.validators import validate_phone

from .models import (
    Application,
    ApplicationState,
    Call,
    CheckItem,
    Equipment,
    Partner,
    RequiredAttachment,
    ScoreIndicator,
    TeamMember,
)
from .models.call import parse_reminder_days
from .sections import SECTION_MAP

DATETIME = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")
TEXTAREA = forms.Textarea(attrs={"rows": 4})

# The narrative fields' limits in characters (the columns stay TextField): enough for the notice's 建设方案
# and far below what would stall the PDF (docs/performance.md). The page counts as one types (data-maxlength,
# static/js/portal.js); no HTML maxlength, which would cut a long paste silently.
NARRATIVE_MAX_LENGTH = {
    "summary": 5_000, "pilot_lines": 10_000, "safety_facilities": 5_000, "team_summary": 5_000,
    "internal_rules": 5_000, "service_procedure": 5_000, "fee_standard": 5_000, "services": 5_000,
    "construction_plan": 20_000, "targets": 10_000,
}


class NarrativeLengthValidator(MaxLengthValidator):
    """Counts characters as the page's counter does: a line break is one (browsers send CR LF)."""

    message = _("最多 %(limit_value)s 字，现有 %(show_value)s 字，请删减后再保存。")

    def clean(self, x: str) -> int:
        return len(x.replace("\r\n", "\n"))


class SectionFormBase(CleanTextMixin, forms.ModelForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name, fld in self.fields.items():
            fld.required = False  # a draft may be saved half-filled; completeness is checked on submit
            if name in ("industry", "platform_type") and self.instance.call_id:
                related = getattr(self.instance.call, "industries" if name == "industry" else "platform_types")
                fld.queryset = related.all()
        if "contact_phone" in self.fields:
            self.fields["contact_phone"].validators.append(validate_phone)
        for name, limit in NARRATIVE_MAX_LENGTH.items():
            if name in self.fields:
                self.fields[name].validators.append(NarrativeLengthValidator(limit))
                self.fields[name].widget.attrs["data-maxlength"] = limit


@functools.cache
def section_form_class(section: str) -> type[forms.ModelForm]:
    fields = list(SECTION_MAP[section].fields)
    widgets = {n: TEXTAREA for n in fields if isinstance(Application._meta.get_field(n), models.TextField)}
    return forms.modelform_factory(Application, form=SectionFormBase, fields=fields, widgets=widgets)


_TRAILING_CODE = re.compile(r"[（(]\s*([0-9A-Za-z]{18})\s*[)）]\s*$")


def partner_candidates():
    """The units that may be named as a partner: registered applicant or other units, active."""
    return Organization.objects.filter(kind__in=[OrgKind.APPLICANT, OrgKind.OTHER], is_active=True)


def organization_label(org: Organization) -> str:
    """How a unit is written in the partner field: its full name and, when it has one, its credit code."""
    return f"{org.name}（{org.credit_code}）" if org.credit_code else org.name


class OrganizationSearchInput(forms.TextInput):
    """A text box for a unit, typed by 统一社会信用代码 or full name; portal.js offers matches as the user types
    (data-org-search: the search URL; the suggestions fill the box's own <datalist>). Never a <select> of every
    unit: there are thousands, and the page would carry them all for each row."""

    template_name = "applications/widgets/org_search.html"

    def __init__(self, attrs=None):
        super().__init__({"autocomplete": "off", "maxlength": 140, **(attrs or {})})

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        widget_attrs = context["widget"]["attrs"]
        if widget_attrs.get("id"):
            widget_attrs["list"] = f"{widget_attrs['id']}-list"
        return context


class OrganizationLookupField(forms.ModelChoiceField):
    """A unit from what the user typed: its credit code, its exact full name, or "name（code）" as a suggestion
    fills the box. What was typed stays in the box when it matches nothing."""

    widget = OrganizationSearchInput
    default_error_messages = {
        "invalid_choice": _("未找到该单位：请输入已在平台登记单位的统一社会信用代码或全称（输入两个字以上可从提示中选择）。"
                            "单位尚未登记的，请其先在平台注册。"),
    }

    def prepare_value(self, value):
        if isinstance(value, Organization):
            return organization_label(value)
        if isinstance(value, int) or (isinstance(value, str) and value.isdigit() and len(value) < 18):
            org = self.queryset.filter(pk=int(value)).first()
            return organization_label(org) if org else value
        return value

    def to_python(self, value):
        text = (value or "").strip() if isinstance(value, str) else value
        if text in self.empty_values:
            return None
        if isinstance(text, Organization):
            return text
        text = str(text)
        match = _TRAILING_CODE.search(text)
        code = match.group(1).upper() if match else (text.upper() if len(text) == 18 and text.isalnum() else None)
        org = None
        if code:
            org = self.queryset.filter(credit_code=code).first()
        if org is None:
            org = self.queryset.filter(name=(text[:match.start()].strip() if match else text)).first()
        if org is None:
            raise ValidationError(self.error_messages["invalid_choice"], code="invalid_choice")
        return org


class PartnerForm(CleanTextMixin, forms.ModelForm):
    organization = OrganizationLookupField(queryset=Organization.objects.none(), label=_("共建单位"))

    class Meta:
        model = Partner
        fields = ["organization", "role"]

    def __init__(self, *args, search_url: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organization"].queryset = partner_candidates()
        self.fields["organization"].widget = OrganizationSearchInput()
        if search_url:
            self.fields["organization"].widget.attrs["data-org-search"] = search_url


class ApplicationRowsFormSet(forms.BaseInlineFormSet):
    def clean(self):
        super().clean()
        if getattr(self, "lead_id", None) is None:
            return
        for form in self.forms:
            org = form.cleaned_data.get("organization") if hasattr(form, "cleaned_data") else None
            if org is not None and org.pk == self.lead_id and not form.cleaned_data.get("DELETE"):
                form.add_error("organization", _("牵头单位不能同时作为共建单位。"))


PartnerFormSet = inlineformset_factory(Application, Partner, form=PartnerForm, formset=ApplicationRowsFormSet,
                                       extra=1, can_delete=True)
EquipmentFormSet = inlineformset_factory(Application, Equipment, form=CleanTextModelForm,
                                         fields=["name", "model", "quantity", "original_value", "purpose"],
                                         extra=3, can_delete=True)
TeamFormSet = inlineformset_factory(Application, TeamMember, form=CleanTextModelForm,
                                    fields=["name", "title", "field", "role", "is_fulltime", "is_technical"],
                                    extra=3, can_delete=True)
ROW_FORMSETS = {"partners": PartnerFormSet, "equipment": EquipmentFormSet, "team": TeamFormSet}


OTHER_ATTACHMENT = "other"


class AttachmentForm(CleanTextMixin, forms.Form):
    """One upload: under one of the call's attachment types, or as 其他补充材料 with a name the applicant gives
    (what a return opinion asks for). `cleaned_data["requirement"]` is the RequiredAttachment, or None."""

    requirement = forms.ChoiceField(label=_("附件类别"),
                                    error_messages={"required": _("请选择附件类别。"),
                                                    "invalid_choice": _("请选择附件类别。")})
    title = forms.CharField(label=_("补充材料名称"), max_length=100, required=False,
                            help_text=_("选择“其他补充材料”时填写，例如：近三年对外中试服务合同清单。"))
    file = forms.FileField(label=_("选择文件"), error_messages={"required": _("请选择要上传的文件。"),
                                                              "empty": _("所选文件是空文件，请重新选择。")})

    def __init__(self, *args, application: Application, **kwargs):
        super().__init__(*args, **kwargs)
        self._requirements = {str(r.pk): r for r in application.required_attachments()}
        self.fields["requirement"].choices = [("", _("请选择附件类别")),
                                              *((pk, r.name) for pk, r in self._requirements.items()),
                                              (OTHER_ATTACHMENT, _("其他补充材料（自行命名，可上传多份）"))]

    def clean_requirement(self) -> RequiredAttachment | None:
        value = self.cleaned_data["requirement"]
        return None if value == OTHER_ATTACHMENT else self._requirements[value]

    def clean(self):
        data = super().clean()
        if "requirement" in data and data["requirement"] is None and not data.get("title"):
            self.add_error("title", _("请填写补充材料的名称。"))
        return data


class WithdrawForm(CleanTextMixin, forms.Form):
    comment = forms.CharField(label=_("撤回原因"), widget=forms.Textarea(attrs={"rows": 3}), max_length=2000)


class CallForm(CleanTextMixin, forms.ModelForm):
    # The page shows the fields in these sections (applications/call_form.html), in this order.
    SECTIONS = (
        ("basic", _("基本信息"), ("year", "title", "document_no", "guide")),
        ("dates", _("时间安排"), ("opens_at", "closes_at", "recommendation_deadline", "reminder_days")),
        ("scope", _("受理范围"), ("platform_types", "industries", "batch_number", "max_per_authority")),
        ("thresholds", _("申报条件门槛（选填，提交时核对）"),
         ("min_site_area", "min_equipment_value", "min_fulltime_staff", "min_technical_staff",
          "min_years_registered", "min_outside_projects")),
        ("review", _("评审与公示"), ("notice_working_days", "blind_scoring")),
    )

    class Meta:
        model = Call
        fields = ["year", "title", "document_no", "guide", "opens_at", "closes_at", "recommendation_deadline",
                  "platform_types", "industries", "batch_number", "min_site_area", "min_equipment_value",
                  "min_fulltime_staff", "min_technical_staff", "min_years_registered", "min_outside_projects",
                  "max_per_authority", "reminder_days", "notice_working_days", "blind_scoring"]
        widgets = {"opens_at": DATETIME, "closes_at": DATETIME, "recommendation_deadline": DATETIME,
                   "guide": forms.Textarea(attrs={"rows": 6}),
                   "platform_types": forms.CheckboxSelectMultiple, "industries": forms.CheckboxSelectMultiple}

    def sections(self) -> list[tuple[str, str, list]]:
        return [(key, label, [self[name] for name in names]) for key, label, names in self.SECTIONS]

    def clean_reminder_days(self) -> str:
        return ",".join(str(n) for n in parse_reminder_days(self.cleaned_data["reminder_days"]))

    def clean(self):
        data = super().clean()
        if data.get("opens_at") and data.get("closes_at") and data["closes_at"] <= data["opens_at"]:
            self.add_error("closes_at", _("申报截止时间应晚于开始时间。"))
        if (data.get("closes_at") and data.get("recommendation_deadline")
                and data["recommendation_deadline"] <= data["closes_at"]):
            self.add_error("recommendation_deadline", _("推荐截止时间应晚于申报截止时间。"))
        return data


ORDER_LABEL = {"order": _("序号")}
ORDER_WIDGET = {"order": forms.NumberInput(attrs={"min": 0, "style": "width: 5rem"})}
RequiredAttachmentFormSet = inlineformset_factory(
    Call, RequiredAttachment, form=CleanTextModelForm,
    fields=["name", "help_text", "required", "consortium_only", "allowed_types", "max_size_mb", "order"],  # code: generated
    labels=ORDER_LABEL, widgets=ORDER_WIDGET,
    extra=1, can_delete=True)
ScoreIndicatorFormSet = inlineformset_factory(
    Call, ScoreIndicator, form=CleanTextModelForm, fields=["name", "description", "max_score", "is_veto", "order"],
    labels=ORDER_LABEL, widgets=ORDER_WIDGET, extra=1, can_delete=True)
CheckItemFormSet = inlineformset_factory(Call, CheckItem, form=CleanTextModelForm, fields=["text", "order"],
                                         labels=ORDER_LABEL, widgets=ORDER_WIDGET, extra=1, can_delete=True)
CALL_FORMSETS = (("attachments", _("附件要求"), RequiredAttachmentFormSet),
                 ("indicators", _("评分指标"), ScoreIndicatorFormSet),
                 ("checks", _("形式审查要点"), CheckItemFormSet))


class ApplicationFilterForm(CleanTextMixin, forms.Form):
    q = forms.CharField(label=_("搜索"), required=False,
                        widget=forms.TextInput(attrs={"placeholder": _("基地名称、申报单位或受理编号")}))
    call = forms.ModelChoiceField(label=_("申报批次"), queryset=Call.objects.all(), required=False,
                                  empty_label=_("全部申报批次"))
    city = ReferenceChoiceField(City, label=_("设区市"), required=False, empty_label=_("全部设区市"))
    authority = forms.ModelChoiceField(label=_("推荐单位"), queryset=Organization.objects.filter(kind=OrgKind.AUTHORITY),
                                       required=False, empty_label=_("全部推荐单位"))
    industry = ReferenceChoiceField(Industry, label=_("产业领域"), required=False, empty_label=_("全部产业领域"))
    state = forms.ChoiceField(label=_("状态"), required=False,
                              choices=[("", _("全部状态"))] + [c for c in ApplicationState.choices
                                                             if c[0] not in ("draft", "withdrawn")])
    sort = forms.ChoiceField(label=_("排序"), required=False, choices=[
        ("", _("提交时间（新→旧）")), ("submitted", _("提交时间（旧→新）")), ("acceptance", _("受理编号")),
        ("applicant", _("申报单位")), ("-requested", _("申请财政支持（高→低）"))])
