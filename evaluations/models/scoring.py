"""Evaluation: the agency's scoring of one accepted annual report, its proposed grade and the grade staff confirm.

One `Evaluation` per report of a round that reaches scoring (made when the round enters 评价打分): the agency
scores each of the round's indicator rows (`EvaluationScore`: a score for a weighted row, hit or not for a veto
item, a comment), the service computes the total and the grade the bands propose (`evaluations.grading`), and
staff confirm the round's grades in one decision (quotas applied by `grading.round_grades`; a grade changed
from the proposal needs a reason, logged). A report marked late is failed by the system when the round's late
rule is on. Workflow: pending → scored → confirmed (staff may take a confirmation back while the round scores).
"""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_fsm import FSMField, FSMModelMixin, transition

from pilotbase.models import Base
from pilotbase.rules import perm_system
from pilotbase.workflow import condition

from ..rules import perm_evaluation_scorer, perm_round_staff
from .history import Grade
from .report import AnnualReport, ReportState
from .round import EvaluationRound, RoundIndicator, RoundState, ScoringMode


class EvaluationState(models.TextChoices):
    PENDING = "pending", _("待评分")
    SCORED = "scored", _("已评分")
    CONFIRMED = "confirmed", _("等次已确认")


@condition(_("本年度考核不在评价打分阶段。"))
def evaluation_round_scoring(ev: "Evaluation") -> bool:
    return ev.round.state == RoundState.SCORING


@condition(_("本年度考核采用专家评分，不由机构人员直接评分。"))
def evaluation_staff_mode(ev: "Evaluation") -> bool:
    return ev.round.scoring_mode == ScoringMode.STAFF


@condition(_("年度报告尚未受理，不能评分。"))
def evaluation_report_accepted(ev: "Evaluation") -> bool:
    """Accepted, or late in a round that does not fail late reports (scored on what the base has)."""
    report = ev.report
    return report.state == ReportState.ACCEPTED or (
        report.state == ReportState.LATE and not report.late_fail_reason
    )


@condition(_("只有逾期未交且按本年度规则评为不合格的报告才能据此评定。"))
def evaluation_report_late(ev: "Evaluation") -> bool:
    return bool(ev.report.late_fail_reason)


@condition(_("本年度考核由机构人员直接评分，不抽取专家。"))
def evaluation_experts_mode(ev: "Evaluation") -> bool:
    return ev.round.scoring_mode == ScoringMode.EXPERTS


@condition(_("须至少一名专家提交评分，且已接受邀请的专家全部提交、未答复的邀请全部了结。"))
def evaluation_panel_complete(ev: "Evaluation") -> bool:
    states = set(ev.seats.values_list("state", flat=True))
    return "submitted" in states and not states & {"invited", "accepted"}


@condition(_("本年度仍有基地尚未评分，名额须在全部评分后统一确定。"))
def evaluation_round_all_scored(ev: "Evaluation") -> bool:
    return not ev.round.evaluations.filter(state=EvaluationState.PENDING).exists()


@condition(_("本年度考核不在结果公示阶段。"))
def evaluation_round_on_notice(ev: "Evaluation") -> bool:
    return ev.round.state == RoundState.NOTICE


@condition(_("只有针对该基地的公示异议成立后，才能在公布前调整其考核等次。"))
def evaluation_objection_upheld(ev: "Evaluation") -> bool:
    from reviews.models import Objection, ObjectionState

    return ev.round.notice_id is not None and Objection.objects.filter(
        entry__notice_id=ev.round.notice_id, entry__base_id=ev.base_id, state=ObjectionState.UPHELD).exists()


class Evaluation(FSMModelMixin, models.Model):
    """年度绩效评价: one base's scores, total and grade in one round."""

    round = models.ForeignKey(
        EvaluationRound, verbose_name=_("考核年度"), on_delete=models.PROTECT, related_name="evaluations"
    )
    report = models.OneToOneField(
        AnnualReport, verbose_name=_("年度报告"), on_delete=models.PROTECT, related_name="evaluation"
    )
    base = models.ForeignKey(
        Base, verbose_name=_("中试基地"), on_delete=models.PROTECT, related_name="evaluations"
    )
    state = FSMField(
        _("状态"), default=EvaluationState.PENDING, choices=EvaluationState.choices, protected=True
    )
    total = models.DecimalField(_("总分"), max_digits=6, decimal_places=2, null=True, blank=True)
    veto_hit = models.BooleanField(_("触发一票否决"), default=False)
    fail_reason = models.CharField(
        _("直接评为不合格的理由"), max_length=300, blank=True, help_text=_("一票否决项或逾期未交。")
    )
    comment = models.TextField(_("综合评价意见"), blank=True)
    proposed_grade = models.CharField(_("建议等次"), max_length=12, choices=Grade.choices, blank=True)
    placed_grade = models.CharField(_("按名额调整后的等次"), max_length=12, choices=Grade.choices, blank=True)
    quota_note = models.TextField(_("名额调整说明"), blank=True)
    grade = models.CharField(_("确认等次"), max_length=12, choices=Grade.choices, blank=True)
    change_reason = models.TextField(_("调整等次的理由"), blank=True)
    scored_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    scored_at = models.DateTimeField(null=True, blank=True)
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    confirmed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("年度绩效评价")
        verbose_name_plural = _("年度绩效评价")
        ordering = ["round", "base__batch", "base_id"]
        # a round's counts strip (state, COUNT(*)) read from this index alone; the base for the scopes that join it
        indexes = [models.Index(fields=["round", "state", "base"], name="evaluation_round_state")]
        constraints = [
            models.UniqueConstraint(fields=["round", "base"], name="evaluation_round_base_unique"),
            models.CheckConstraint(
                name="evaluation_changed_grade_has_reason",
                condition=models.Q(grade="")
                | models.Q(grade=models.F("placed_grade"))
                | ~models.Q(change_reason=""),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.round.year} {self.base}"

    @property
    def grade_changed(self) -> bool:
        return bool(self.grade) and self.grade != self.placed_grade

    @transition(
        field=state,
        source=[EvaluationState.PENDING, EvaluationState.SCORED],
        target=EvaluationState.SCORED,
        permission=perm_evaluation_scorer,
        conditions=[evaluation_round_scoring, evaluation_staff_mode, evaluation_report_accepted],
        custom={"label": _("提交评分")},
    )
    def score(
        self, *, actor, total, veto_hit: bool, fail_reason: str, proposed_grade: str, comment: str
    ) -> None:
        self.total, self.veto_hit, self.fail_reason = total, veto_hit, fail_reason
        self.proposed_grade, self.comment = proposed_grade, comment
        self.scored_by, self.scored_at = actor, timezone.now()

    @transition(
        field=state,
        source=[EvaluationState.PENDING, EvaluationState.SCORED],
        target=EvaluationState.SCORED,
        permission=perm_evaluation_scorer,
        conditions=[evaluation_round_scoring, evaluation_experts_mode, evaluation_panel_complete],
        custom={"label": _("汇总专家评分")},
    )
    def score_panel(self, *, actor, total, veto_hit: bool, fail_reason: str, proposed_grade: str) -> None:
        self.total, self.veto_hit, self.fail_reason = total, veto_hit, fail_reason
        self.proposed_grade = proposed_grade
        self.scored_by, self.scored_at = actor, timezone.now()

    @transition(
        field=state,
        source=EvaluationState.PENDING,
        target=EvaluationState.SCORED,
        permission=perm_system,
        conditions=[evaluation_round_scoring, evaluation_report_late],
        custom={"label": _("逾期未交，评为不合格")},
    )
    def fail_late(self, *, fail_reason: str) -> None:
        self.total, self.veto_hit, self.fail_reason = None, False, fail_reason
        self.proposed_grade = Grade.FAIL

    @transition(
        field=state,
        source=EvaluationState.SCORED,
        target=EvaluationState.CONFIRMED,
        permission=perm_round_staff,
        conditions=[evaluation_round_scoring, evaluation_round_all_scored],
        custom={"label": _("确认考核等次")},
    )
    def confirm(self, *, actor, placed_grade: str, quota_note: str, grade: str, change_reason: str) -> None:
        self.placed_grade, self.quota_note = placed_grade, quota_note
        self.grade, self.change_reason = grade, change_reason
        self.confirmed_by, self.confirmed_at = actor, timezone.now()

    @transition(
        field=state,
        source=EvaluationState.CONFIRMED,
        target=EvaluationState.CONFIRMED,
        permission=perm_round_staff,
        conditions=[evaluation_round_on_notice, evaluation_objection_upheld],
        custom={"label": _("依异议调整等次"), "style": "outline-danger", "confirm": True},
    )
    def amend_grade(self, *, actor, grade: str, change_reason: str) -> None:
        """依异议调整等次: after an upheld objection on the results notice, staff give the base another grade with a
        reason (kept as the change reason; the notice's line says the new grade) before the results are published."""
        self.grade, self.change_reason = grade, change_reason
        self.confirmed_by, self.confirmed_at = actor, timezone.now()

    @transition(
        field=state,
        source=EvaluationState.CONFIRMED,
        target=EvaluationState.SCORED,
        permission=perm_round_staff,
        conditions=[evaluation_round_scoring],
        custom={"label": _("撤回等次确认"), "style": "outline-secondary"},
    )
    def reopen(self) -> None:
        self.grade, self.change_reason, self.placed_grade, self.quota_note = "", "", "", ""
        self.confirmed_by, self.confirmed_at = None, None


class EvaluationScore(models.Model):
    """One indicator row of an evaluation's score sheet: a score (weighted rows) or a veto hit (veto items)."""

    evaluation = models.ForeignKey(Evaluation, on_delete=models.CASCADE, related_name="scores")
    seat = models.ForeignKey(
        "EvaluationSeat",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="scores",
        help_text=_("专家评分时为该专家的席位；机构人员直接评分时为空。"),
    )
    indicator = models.ForeignKey(
        RoundIndicator, verbose_name=_("考核指标"), on_delete=models.PROTECT, related_name="+"
    )
    score = models.DecimalField(_("得分"), max_digits=6, decimal_places=2, null=True, blank=True)
    veto = models.BooleanField(_("触发一票否决"), default=False)
    comment = models.TextField(_("评分意见"), blank=True)

    class Meta:
        verbose_name = _("指标得分")
        verbose_name_plural = _("指标得分")
        ordering = ["evaluation", "indicator__order", "indicator_id"]
        constraints = [
            models.UniqueConstraint(
                fields=["evaluation", "indicator"],
                condition=models.Q(seat__isnull=True),
                name="evaluation_score_unique",
            ),
            models.UniqueConstraint(fields=["seat", "indicator"], name="evaluation_seat_score_unique"),
            models.CheckConstraint(
                name="evaluation_score_nonnegative",
                condition=models.Q(score__isnull=True) | models.Q(score__gte=0),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.evaluation} {self.indicator}：{self.score}"
