"""Forms of scoring and grades: the score sheet (one row per indicator of the round) and the confirmation of the
round's grades (one row per scored evaluation). Numbers are taken as text and checked by the services, whose
Chinese messages come back beside each row; nothing typed is lost."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from .models import Evaluation, Grade, RoundIndicator
from .services.scoring import ScoreInput


class ScoreSheetForm(forms.Form):
    comment = forms.CharField(
        label=_("综合评价意见"), required=False, max_length=4000, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, data=None, *, indicators: list[RoundIndicator], evaluation: Evaluation | None = None):
        initial: dict = {}
        if evaluation is not None:
            initial["comment"] = evaluation.comment
            for s in evaluation.scores.filter(seat__isnull=True):
                initial[f"score_{s.indicator_id}"] = "" if s.score is None else f"{s.score.normalize():f}"
                initial[f"veto_{s.indicator_id}"] = s.veto
                initial[f"note_{s.indicator_id}"] = s.comment
        super().__init__(data, initial=initial)
        self.indicators = indicators
        for ind in indicators:
            if ind.is_veto:
                self.fields[f"veto_{ind.pk}"] = forms.BooleanField(
                    label=_("触发一票否决：%(name)s") % {"name": ind.name}, required=False
                )
            else:
                self.fields[f"score_{ind.pk}"] = forms.CharField(
                    label=_("%(name)s得分（满分%(max)s）")
                    % {"name": ind.name, "max": f"{ind.max_score.normalize():f}"},
                    required=False,
                    max_length=20,
                    widget=forms.TextInput(attrs={"inputmode": "decimal", "size": 6}),
                )
            self.fields[f"note_{ind.pk}"] = forms.CharField(
                label=_("%(name)s评分意见") % {"name": ind.name},
                required=False,
                max_length=2000,
                widget=forms.Textarea(attrs={"rows": 1}),
            )

    def rows(self) -> list[tuple]:
        """(indicator, its score or veto field, its comment field) for the template."""
        return [
            (ind, self[f"veto_{ind.pk}" if ind.is_veto else f"score_{ind.pk}"], self[f"note_{ind.pk}"])
            for ind in self.indicators
        ]

    def entries(self) -> dict[int, ScoreInput]:
        data = self.cleaned_data
        return {
            ind.pk: ScoreInput(
                score=None if ind.is_veto else data.get(f"score_{ind.pk}", ""),
                veto=bool(data.get(f"veto_{ind.pk}")) if ind.is_veto else False,
                comment=data.get(f"note_{ind.pk}", ""),
            )
            for ind in self.indicators
        }

    def add_problems(self, problems: dict[int, str]) -> None:
        for pk, message in problems.items():
            self.add_error(f"score_{pk}", message)


class GradeConfirmForm(forms.Form):
    """For each evaluation awaiting confirmation: the grade (the proposal after the quotas unless changed) and the
    reason for a change."""

    def __init__(self, data=None, *, rows: list):
        super().__init__(data)
        self.rows_in = rows
        for row in rows:
            ev = row.evaluation
            if row.placement is None or ev.state != "scored":
                continue
            self.fields[f"grade_{ev.pk}"] = forms.ChoiceField(
                label=_("%(base)s的确认等次") % {"base": ev.base.name},
                choices=Grade.choices,
                initial=row.placement.grade,
            )
            self.fields[f"reason_{ev.pk}"] = forms.CharField(
                label=_("%(base)s调整等次的理由") % {"base": ev.base.name},
                required=False,
                max_length=2000,
                widget=forms.Textarea(attrs={"rows": 1}),
            )

    def field_pair(self, ev: Evaluation) -> tuple | None:
        name = f"grade_{ev.pk}"
        return (self[name], self[f"reason_{ev.pk}"]) if name in self.fields else None

    def changes(self) -> dict[int, tuple[str, str]]:
        out = {}
        for row in self.rows_in:
            pk = row.evaluation.pk
            if f"grade_{pk}" in self.cleaned_data:
                out[pk] = (self.cleaned_data[f"grade_{pk}"], self.cleaned_data.get(f"reason_{pk}", ""))
        return out

    def add_problems(self, problems: dict[int, str]) -> None:
        for pk, message in problems.items():
            self.add_error(f"reason_{pk}", message)


class AmendGradeForm(forms.Form):
    """依异议调整等次: the base's new grade and the reason (both required; the service says the rest in Chinese)."""

    grade = forms.ChoiceField(
        label=_("调整后的等次"), choices=[("", "---------"), *Grade.choices],
        error_messages={"required": _("请选择调整后的等次。")},
    )
    reason = forms.CharField(
        label=_("调整理由"), max_length=2000, widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": _("请填写调整等次的理由。")},
        help_text=_("写明成立的异议和核实情况；理由记入考核记录，公示内容同时更正。"),
    )
