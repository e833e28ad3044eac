"""Forms of the assessment stage. They validate input; services do the work."""

from __future__ import annotations

from decimal import Decimal

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from applications.models import Application, Call
from pilotbase.inputs import CleanTextMixin
from pilotbase.models import City, ExpertKind, Industry, Organization, OrgKind
from pilotbase.refcache import ReferenceChoiceField

from ..services.assessment import SITE_VISIT_ITEMS


class CommissionForm(CleanTextMixin, forms.Form):
    title = forms.CharField(label=_("委托事项"), max_length=200)
    agency = forms.ModelChoiceField(label=_("第三方机构"), queryset=Organization.objects.none())
    applications = forms.ModelMultipleChoiceField(
        label=_("委托评估的申报"), queryset=Application.objects.none(), widget=forms.CheckboxSelectMultiple,
        help_text=_("仅列出已通过形式审查且尚未委托的申报。"),
    )
    due_on = forms.DateField(label=_("完成期限"), widget=forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"}))
    note = forms.CharField(label=_("委托说明"), required=False, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, call: Call, **kwargs):
        from ..selectors.assessment import applications_commissionable

        super().__init__(*args, **kwargs)
        self.fields["agency"].queryset = Organization.objects.filter(kind=OrgKind.AGENCY, is_active=True)
        self.fields["applications"].queryset = applications_commissionable(call=call)
        self.fields["applications"].label_from_instance = lambda a: f"{a.acceptance_no or '—'} {a} · {a.applicant}"
        self.initial.setdefault("title", f"{call.title}评估论证")

    def clean_due_on(self):
        value = self.cleaned_data["due_on"]
        if value < timezone.localdate():
            raise forms.ValidationError(_("完成期限不能早于今天。"))
        return value


class ExpertFilterForm(CleanTextMixin, forms.Form):
    q = forms.CharField(label=_("搜索"), required=False, max_length=60,
                        widget=forms.TextInput(attrs={"placeholder": _("姓名或工作单位")}))
    kind = forms.ChoiceField(label=_("专家类别"), required=False,
                             choices=[("", _("全部专家类别"))] + ExpertKind.choices)
    industry = ReferenceChoiceField(Industry, active_only=False, label=_("产业领域"), required=False,
                                    empty_label=_("全部产业领域"))
    city = ReferenceChoiceField(City, active_only=False, label=_("所在设区市"), required=False,
                                empty_label=_("全部设区市"))
    available = forms.ChoiceField(label=_("可参加评审"), required=False,
                                  choices=[("", _("全部")), ("1", _("可参加")), ("0", _("暂不可参加"))])

    def filters(self) -> dict:
        self.is_valid()  # a bad value drops its own filter only: cleaned_data keeps the valid ones
        data = getattr(self, "cleaned_data", {})
        available = data.get("available")
        return {"kind": data.get("kind") or "", "industry": data.get("industry"), "city": data.get("city"),
                "available": None if not available else available == "1", "q": (data.get("q") or "").strip()}


class AcceptForm(CleanTextMixin, forms.Form):
    no_conflict = forms.BooleanField(
        label=_("本人承诺与申报单位及其共建单位不存在利益关系，将客观公正地评审"), required=True,
        error_messages={"required": _("接受邀请前须勾选无利益冲突承诺。")},
    )
    declaration = forms.CharField(
        label=_("利益冲突声明"), widget=forms.Textarea(attrs={"rows": 2}),
        initial=_("本人与申报单位及共建单位无任职、合作、亲属等利益关系。"),
        error_messages={"required": _("请填写利益冲突声明。")},
    )


class ReasonForm(CleanTextMixin, forms.Form):
    reason = forms.CharField(label=_("理由"), widget=forms.Textarea(attrs={"rows": 2}),
                             error_messages={"required": _("请填写理由。")})


class ScoreSheetForm(CleanTextMixin, forms.Form):
    """One field per indicator: a score for the scored ones (0..max), yes/no for veto items."""

    opinion = forms.CharField(label=_("评审意见"), required=False, widget=forms.Textarea(attrs={"rows": 4}))
    veto_reason = forms.CharField(label=_("否决理由"), required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, indicators, **kwargs):
        super().__init__(*args, **kwargs)
        self.indicators = list(indicators)
        for ind in self.indicators:
            if ind.is_veto:
                self.fields[f"veto_{ind.pk}"] = forms.TypedChoiceField(
                    label=ind.name, choices=[("0", _("否")), ("1", _("是"))], coerce=lambda v: v == "1",
                    widget=forms.RadioSelect, initial="0", required=False, help_text=ind.description)
            else:
                self.fields[f"score_{ind.pk}"] = forms.DecimalField(
                    label=f"{ind.name}（满分 {ind.max_score} 分）", required=False, max_digits=6, decimal_places=2,
                    min_value=Decimal("0"), max_value=ind.max_score, help_text=ind.description,
                    error_messages={
                        "max_value": _("得分不能超过满分 %(limit_value)s 分。"),
                        "min_value": _("得分不能小于 0 分。"),
                        "invalid": _("请输入数字。"),
                        "max_decimal_places": _("最多保留两位小数。"),
                        "max_digits": _("数字位数过多。"),
                    },
                    widget=forms.NumberInput(attrs={"step": "0.01", "min": "0", "max": str(ind.max_score)}))

    def clean(self):
        data = super().clean()
        if any(data.get(f"veto_{i.pk}") for i in self.indicators if i.is_veto) and not (data.get("veto_reason") or "").strip():
            self.add_error("veto_reason", _("选择否决时须填写否决理由。"))
        return data

    def score_fields(self):
        return [self[f"score_{i.pk}"] for i in self.indicators if not i.is_veto]

    def veto_fields(self):
        return [self[f"veto_{i.pk}"] for i in self.indicators if i.is_veto]

    def scores(self) -> dict[int, Decimal | None]:
        return {i.pk: self.cleaned_data.get(f"score_{i.pk}") for i in self.indicators if not i.is_veto}

    def vetoes(self) -> dict[int, bool]:
        return {i.pk: bool(self.cleaned_data.get(f"veto_{i.pk}")) for i in self.indicators if i.is_veto}


CONCLUSIONS = [("consistent", _("情况属实")), ("concerns", _("基本属实，存在问题")), ("inconsistent", _("与申报不符"))]


class SiteVisitForm(CleanTextMixin, forms.Form):
    visit_date = forms.DateField(label=_("核查日期"), widget=forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"}))
    team = forms.CharField(label=_("核查组成员"), max_length=300)
    findings = forms.CharField(label=_("核查发现"), required=False, widget=forms.Textarea(attrs={"rows": 3}))
    conclusion = forms.ChoiceField(label=_("核查结论"), choices=[("", "—")] + CONCLUSIONS, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for code, label in SITE_VISIT_ITEMS:
            self.fields[f"{code}_ok"] = forms.BooleanField(label=_("%(item)s：符合") % {"item": label}, required=False)
            self.fields[f"{code}_note"] = forms.CharField(label=_("%(item)s：说明") % {"item": label}, required=False,
                                                          max_length=500)

    def item_rows(self):
        return [(label, self[f"{code}_ok"], self[f"{code}_note"]) for code, label in SITE_VISIT_ITEMS]

    def items(self) -> dict:
        return {code: {"ok": self.cleaned_data.get(f"{code}_ok", False), "note": self.cleaned_data.get(f"{code}_note", "")}
                for code, _label in SITE_VISIT_ITEMS}

    @classmethod
    def initial_from(cls, visit) -> dict:
        if visit is None:
            return {"visit_date": timezone.localdate()}
        data = {"visit_date": visit.visit_date, "team": visit.team, "findings": visit.findings,
                "conclusion": visit.conclusion}
        for code, _label in SITE_VISIT_ITEMS:
            data[f"{code}_ok"] = visit.items.get(code, {}).get("ok", False)
            data[f"{code}_note"] = visit.items.get(code, {}).get("note", "")
        return data


class SiteVisitFileForm(CleanTextMixin, forms.Form):
    file = forms.FileField(label=_("照片或文件（JPG、PNG、PDF）"))
    caption = forms.CharField(label=_("说明"), max_length=200, required=False)


class ConcludeForm(CleanTextMixin, forms.Form):
    passed = forms.TypedChoiceField(label=_("评估结论"), coerce=lambda v: v == "1", widget=forms.RadioSelect,
                                    choices=[("1", _("建议通过")), ("0", _("建议不通过"))])
    consensus_opinion = forms.CharField(label=_("专家组综合意见"), widget=forms.Textarea(attrs={"rows": 4}),
                                        error_messages={"required": _("请填写专家组综合意见。")})

    def offer(self, names: set[str]) -> None:
        """Offer only the conclusions the model allows now (`names`: from available_transitions)."""
        self.fields["passed"].choices = [(value, label) for value, label, name in
                                         [("1", _("建议通过"), "conclude_pass"), ("0", _("建议不通过"), "conclude_fail")]
                                         if name in names]
