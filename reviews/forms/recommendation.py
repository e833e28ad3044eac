"""Forms of 初审推荐 and 形式审查: they carry input; the services decide."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from pilotbase.inputs import CleanTextMixin

from ..models import FormalCheck, Recommendation, RecommendationState

DECISIONS = {
    "recommend": _("拟推荐"),
    "return": _("退回修改"),
    "decline": _("不予推荐"),
    "reconsider": _("撤销拟推荐"),
    "forward": _("报送科技厅"),
}


def allowed_decisions(recommendation: Recommendation, user) -> list[str]:
    """The actions the authority may take on this record now — and only those."""
    if user.organization_id != recommendation.authority_id or user.role != "authority":
        return []
    app_state = recommendation.application.state
    if recommendation.state == RecommendationState.PENDING and app_state == "submitted":
        return ["recommend", "return", "decline"]
    batch = recommendation.batch
    if recommendation.state == RecommendationState.RECOMMENDED and batch is not None:
        return ["forward"] if batch.state == "submitted" else ["reconsider"]
    return []


class DecisionForm(CleanTextMixin, forms.Form):
    action = forms.ChoiceField(label=_("审核结论"), widget=forms.RadioSelect)
    opinion = forms.CharField(
        label=_("初审意见"), required=False, max_length=2000,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("对照申报条件（能力条件、人才队伍、管理机制）提出意见；退回或不予推荐时必须填写理由。"),
    )
    expected_state = forms.CharField(widget=forms.HiddenInput)

    def __init__(self, *args, actions: list[str], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["action"].choices = [(a, DECISIONS[a]) for a in actions]

    def clean(self):
        data = super().clean()
        if data.get("action") in {"recommend", "return", "decline"} and not (data.get("opinion") or "").strip():
            self.add_error("opinion", _("请填写初审意见。"))
        return data


class LetterForm(CleanTextMixin, forms.Form):
    letter = forms.FileField(label=_("推荐函（盖章扫描件）"),
                             help_text=_("PDF、JPG 或 PNG，不超过 10 MB；须加盖推荐单位公章。"))


class PriorityForm(CleanTextMixin, forms.Form):
    """Number inputs, one per recommended application (1 = recommended first)."""

    def __init__(self, *args, recommendations: list[Recommendation], **kwargs):
        super().__init__(*args, **kwargs)
        self.recommendations = recommendations
        for rec in recommendations:
            self.fields[f"p{rec.pk}"] = forms.IntegerField(
                label=str(rec.application), min_value=1, max_value=max(len(recommendations), 1),
                initial=rec.priority, widget=forms.NumberInput(attrs={"class": "form-control form-control-sm",
                                                                      "style": "width:5rem"}))

    def ordered_ids(self) -> list[int]:
        pairs = [(self.cleaned_data[f"p{r.pk}"], r.priority or 0, r.pk) for r in self.recommendations]
        return [pk for _p, _old, pk in sorted(pairs)]


class FormalCheckForm(CleanTextMixin, forms.Form):
    action = forms.ChoiceField(label=_("审查结论"), widget=forms.RadioSelect, choices=[
        ("pass", _("形式审查通过")), ("return", _("退回补正")), ("reject", _("形式审查不通过"))])
    opinion = forms.CharField(label=_("审查意见"), required=False, max_length=2000,
                              widget=forms.Textarea(attrs={"rows": 4}))
    expected_state = forms.CharField(widget=forms.HiddenInput)

    def __init__(self, *args, check: FormalCheck, items: list, **kwargs):
        super().__init__(*args, **kwargs)
        self.items = items
        saved = check.results or {}
        for item in items:
            prev = saved.get(str(item.pk), {})
            self.fields[f"ok_{item.pk}"] = forms.ChoiceField(
                label=item.text, widget=forms.RadioSelect, choices=[("1", _("符合")), ("0", _("不符合"))],
                initial=None if prev.get("ok") is None else ("1" if prev["ok"] else "0"))
            self.fields[f"note_{item.pk}"] = forms.CharField(
                label=_("说明"), required=False, max_length=500, initial=prev.get("note", ""),
                widget=forms.TextInput(attrs={"class": "form-control form-control-sm"}))

    def item_rows(self):
        return [(item, self[f"ok_{item.pk}"], self[f"note_{item.pk}"]) for item in self.items]

    def results(self) -> dict[str, dict]:
        return {str(i.pk): {"ok": self.cleaned_data[f"ok_{i.pk}"] == "1", "note": self.cleaned_data[f"note_{i.pk}"]}
                for i in self.items}
