"""Forms of 初审推荐 and 形式审查: they carry input; the services decide."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from pilotbase.inputs import CleanTextMixin

from ..models import FormalCheck, Recommendation

# The decisions that record an opinion (退回 and 不予推荐 must say why; 拟推荐 gives the reviewer's view).
OPINION_REQUIRED = frozenset({"recommend", "return", "decline"})


class DecisionForm(CleanTextMixin, forms.Form):
    """The authority's decision. Its choices are what the model allows the user now (the page passes them in,
    from `available_transitions`), each labelled with its transition's declared label."""

    action = forms.ChoiceField(label=_("审核结论"), widget=forms.RadioSelect)
    opinion = forms.CharField(
        label=_("初审意见"), required=False, max_length=2000,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("对照申报条件（能力条件、人才队伍、管理机制）提出意见；退回或不予推荐时必须填写理由。"),
    )
    requested_materials = forms.CharField(
        label=_("需补充的材料"), required=False, max_length=1000, widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("退回修改时可填写，例如：近三年对外中试服务合同清单；申报单位在“其他补充材料”中上传。"),
    )
    expected_state = forms.CharField(widget=forms.HiddenInput)

    def __init__(self, *args, choices: list[tuple[str, str]], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["action"].choices = choices

    @property
    def asks_materials(self) -> bool:
        return any(value == "return" for value, _label in self.fields["action"].choices)

    @property
    def asks_opinion(self) -> bool:
        return any(value in OPINION_REQUIRED for value, _label in self.fields["action"].choices)

    def clean(self):
        data = super().clean()
        if data.get("action") in OPINION_REQUIRED and not (data.get("opinion") or "").strip():
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
    """The department's conclusion; its choices come from the model (`available_transitions`), as above."""

    action = forms.ChoiceField(label=_("审查结论"), widget=forms.RadioSelect)
    opinion = forms.CharField(label=_("审查意见"), required=False, max_length=2000,
                              widget=forms.Textarea(attrs={"rows": 4}))
    expected_state = forms.CharField(widget=forms.HiddenInput)

    def __init__(self, *args, check: FormalCheck, items: list, choices: list[tuple[str, str]], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["action"].choices = choices
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
