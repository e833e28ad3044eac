"""Forms of the round and the annual report pages. Forms check the input's shape; the services hold the rules
(`indicator_problems`, `band_problems`, `figure_problems`), whose messages the forms put next to the fields."""

from __future__ import annotations

from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _

from pilotbase.models import Base, City, Organization, OrgKind
from pilotbase.refcache import ReferenceChoiceField

from .base_lookup import BaseLookupField
from .models import AnnualReport, EvaluationRound, Grade, ReportState
from .models.report import COUNT_FIELDS, MONEY_FIELDS, NARRATIVE_FIELDS
from .selectors_rounds import NOT_FILED
from .services.report import figure_problems, parse_money
from .services.round import BandRow, IndicatorRow, band_problems, indicator_problems

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class RoundForm(forms.ModelForm):
    class Meta:
        model = EvaluationRound
        fields = [
            "year",
            "title",
            "reference_date",
            "report_deadline",
            "grace_days",
            "reminder_days",
            "agency",
            "authority_confirms",
            "scoring_mode",
            "panel_size",
            "panel_rule",
            "late_fails",
            "late_reason",
            "scores_public",
            "note",
            "notice_working_days",
            "notice_contact",
        ]
        widgets = {"reference_date": DATE, "report_deadline": DATE, "note": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["agency"].queryset = Organization.objects.filter(kind=OrgKind.AGENCY, is_active=True)
        if self.instance.pk:
            self.fields.pop("year")

    def validate_unique(self) -> None:
        """The service says when the year exists already (in Chinese, with the year)."""


class RoundOpenSettingsForm(forms.ModelForm):
    """What may still change once the reports are open."""

    class Meta:
        model = EvaluationRound
        fields = ["report_deadline", "grace_days", "reminder_days", "note", "notice_working_days", "notice_contact"]
        widgets = {"report_deadline": DATE, "note": forms.Textarea(attrs={"rows": 3})}


class IndicatorForm(forms.Form):
    name = forms.CharField(label=_("指标名称"), max_length=100, required=False)
    description = forms.CharField(label=_("评分要点"), max_length=300, required=False)
    weight = forms.DecimalField(label=_("权重"), max_digits=5, decimal_places=2, min_value=0, required=False)
    max_score = forms.DecimalField(
        label=_("满分"),
        max_digits=6,
        decimal_places=2,
        min_value=Decimal("0.01"),
        initial=100,
        required=False,
    )
    is_veto = forms.BooleanField(label=_("一票否决项"), required=False)

    def row(self) -> IndicatorRow | None:
        d = self.cleaned_data
        if not (d.get("name") or "").strip():
            return None
        return IndicatorRow(
            name=d["name"],
            weight=d.get("weight") or Decimal(0),
            max_score=d.get("max_score") or Decimal(100),
            is_veto=d.get("is_veto", False),
            description=d.get("description", ""),
        )


class _RowsFormSet(forms.BaseFormSet):
    problems_of = None

    def rows(self) -> list:
        return [r for r in (form.row() for form in self.forms) if r is not None]

    def clean(self) -> None:
        if any(self.errors):
            return
        problems = type(self).problems_of(self.rows())
        if problems:
            raise forms.ValidationError(problems)


class _IndicatorFormSet(_RowsFormSet):
    problems_of = staticmethod(indicator_problems)


IndicatorFormSet = forms.formset_factory(IndicatorForm, formset=_IndicatorFormSet, extra=2)


class BandForm(forms.Form):
    grade = forms.ChoiceField(label=_("等次"), choices=[("", "—"), *Grade.choices], required=False)
    min_score = forms.DecimalField(
        label=_("最低分"), max_digits=6, decimal_places=2, min_value=0, required=False
    )
    quota_percent = forms.DecimalField(
        label=_("比例上限（%）"), max_digits=5, decimal_places=2, min_value=0, max_value=100, required=False
    )

    def clean(self):
        d = super().clean()
        if d.get("grade") and d.get("min_score") is None:
            self.add_error("min_score", _("请填写该等次的最低分。"))
        return d

    def row(self) -> BandRow | None:
        d = self.cleaned_data
        if not d.get("grade"):
            return None
        return BandRow(grade=d["grade"], min_score=d["min_score"], quota_percent=d.get("quota_percent"))


class _BandFormSet(_RowsFormSet):
    problems_of = staticmethod(band_problems)


BandFormSet = forms.formset_factory(BandForm, formset=_BandFormSet, extra=1)


class RoundBaseForm(forms.Form):
    base = BaseLookupField(label=_("中试基地"), queryset=Base.objects.none())
    reason = forms.CharField(
        label=_("调整理由"),
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=1000,
        error_messages={"required": _("请填写调整理由。")},
    )

    def __init__(self, *args, bases=None, search_url: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["base"].queryset = bases if bases is not None else Base.objects.all()
        self.fields["base"].suggest_from(search_url)


# ---- the annual report ------------------------------------------------------------------------------------
class MoneyField(forms.CharField):
    """Yuan as typed (thousands separators allowed) → Decimal; the typed text comes back on an error."""

    def to_python(self, value):
        value = super().to_python(value)
        try:
            return parse_money(value)
        except ValueError:
            raise forms.ValidationError(_("请填写金额（元），例如 1250000.00。"), code="invalid") from None


class ReportForm(forms.ModelForm):
    class Meta:
        model = AnnualReport
        fields = (
            [name for name, _label in COUNT_FIELDS]
            + [name for name, _label in MONEY_FIELDS]
            + NARRATIVE_FIELDS
        )
        widgets = {name: forms.Textarea(attrs={"rows": 5}) for name in NARRATIVE_FIELDS}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name, label in MONEY_FIELDS:
            initial = getattr(self.instance, name)
            self.fields[name] = MoneyField(
                label=label,
                required=False,
                initial=initial,
                widget=forms.TextInput(attrs={"inputmode": "decimal"}),
            )
            if initial is not None and not self.is_bound:
                self.initial[name] = f"{initial:f}"
        for name, _label in COUNT_FIELDS:
            field = self.fields[name]
            field.widget.attrs.update({"min": 0, "inputmode": "numeric"})
            field.error_messages["min_value"] = _("不能为负数。")
            field.error_messages["invalid"] = _("请填写整数。")

    def clean(self):
        data = super().clean()
        for name, message in figure_problems(
            {k: data.get(k) for k in self.fields if k not in self.errors}
        ).items():
            if name not in self.errors:
                self.add_error(name, message)
        return data

    def _post_clean(self):
        """Values go to the model through the service (report_save), not here."""


class ReturnForm(forms.Form):
    reason = forms.CharField(
        label=_("退回理由"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
        error_messages={"required": _("请填写退回理由。")},
        help_text=_("基地在修改页面可见。"),
    )


class ConfirmForm(forms.Form):
    opinion = forms.CharField(
        label=_("推荐单位意见"), widget=forms.Textarea(attrs={"rows": 2}), max_length=2000, required=False
    )


class ReportFilterForm(forms.Form):
    state = forms.ChoiceField(
        label=_("状态"),
        required=False,
        choices=[("", _("全部状态")), (NOT_FILED, _("尚未提交")), *ReportState.choices],
    )
    city = ReferenceChoiceField(
        City, active_only=False, label=_("设区市"), required=False, empty_label=_("全部设区市")
    )
    q = forms.CharField(
        label=_("搜索"),
        required=False,
        max_length=60,
        widget=forms.TextInput(attrs={"placeholder": _("基地或牵头单位名称")}),
    )


class ReportFileForm(forms.Form):
    file = forms.FileField(
        label=_("附件"),
        help_text=_("PDF、图片、Word 或 Excel，不超过 20 MB，例如服务合同、财务报表、证明材料。"),
        error_messages={"required": _("请选择要上传的文件。")},
    )
