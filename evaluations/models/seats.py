"""The experts mode of scoring: each evaluation's recorded draws and its experts' seats.

The draw is `pilotbase.panels.draw_panel` (the same recorded, conflict-of-interest-aware mechanism as 评估论证), with
the base as the subject (牵头单位, 共建单位, its industry, the commissioned agency); each `EvaluationDraw` keeps the
whole result (seed, criteria, candidates, exclusions and why, notes) so anyone can re-run it. A seat is invited,
accepted with the expert's declaration of no conflict of interest, then submitted with the expert's own sheet
(`EvaluationScore` rows with the seat); or declined with a reason (回避 included), after which the agency may draw a
replacement. The panel score (the round's rule) becomes the evaluation's total (`Evaluation.score_panel`).
"""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_fsm import FSMField, FSMModelMixin, transition

from pilotbase.models import ExpertProfile
from pilotbase.workflow import condition

from ..rules import perm_seat_expert
from .round import RoundState
from .scoring import Evaluation


class EvaluationDraw(models.Model):
    """One random draw of experts for an evaluation, recorded so it can be audited and reproduced from its seed."""

    evaluation = models.ForeignKey(Evaluation, on_delete=models.CASCADE, related_name="draws")
    seed = models.CharField(_("随机种子"), max_length=64)
    criteria = models.JSONField(_("抽取条件"), default=dict)
    candidates = models.JSONField(_("候选专家"), default=list)
    exclusions = models.JSONField(_("回避及排除"), default=list)
    drawn = models.JSONField(_("抽中专家"), default=list)
    notes = models.JSONField(_("说明"), default=list)
    replaces = models.ForeignKey(
        "EvaluationSeat", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    drawn_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    drawn_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("考核专家抽取记录")
        verbose_name_plural = _("考核专家抽取记录")
        ordering = ["drawn_at", "id"]

    def __str__(self) -> str:
        return f"{self.evaluation} · {self.seed}"


class SeatState(models.TextChoices):
    INVITED = "invited", _("已邀请")
    ACCEPTED = "accepted", _("已接受")
    SUBMITTED = "submitted", _("已提交评分")
    DECLINED = "declined", _("已谢绝")


@condition(_("本年度考核不在评价打分阶段。"))
def seat_round_scoring(seat: "EvaluationSeat") -> bool:
    return seat.evaluation.round.state == RoundState.SCORING


class EvaluationSeat(FSMModelMixin, models.Model):
    """One expert's seat on one evaluation, with the expert's own total."""

    evaluation = models.ForeignKey(Evaluation, on_delete=models.CASCADE, related_name="seats")
    expert = models.ForeignKey(ExpertProfile, on_delete=models.PROTECT, related_name="evaluation_seats")
    draw = models.ForeignKey(EvaluationDraw, on_delete=models.PROTECT, related_name="seats")
    state = FSMField(_("状态"), default=SeatState.INVITED, choices=SeatState.choices, protected=True)
    declaration = models.TextField(_("利益关系声明"), blank=True)
    decline_reason = models.TextField(_("谢绝或回避理由"), blank=True)
    total = models.DecimalField(_("总分"), max_digits=6, decimal_places=2, null=True, blank=True)
    veto_hit = models.BooleanField(_("触发一票否决"), default=False)
    comment = models.TextField(_("评分意见"), blank=True)
    accepted_at = models.DateTimeField(null=True, blank=True)
    submitted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("考核专家席位")
        verbose_name_plural = _("考核专家席位")
        ordering = ["evaluation", "id"]
        constraints = [
            models.UniqueConstraint(fields=["evaluation", "expert"], name="evaluation_seat_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.evaluation} · {self.expert}"

    @transition(
        field=state,
        source=SeatState.INVITED,
        target=SeatState.ACCEPTED,
        permission=perm_seat_expert,
        conditions=[seat_round_scoring],
        custom={"label": _("接受邀请并声明无利益关系")},
    )
    def accept(self, *, declaration: str) -> None:
        self.declaration, self.accepted_at = declaration, timezone.now()

    @transition(
        field=state,
        source=[SeatState.INVITED, SeatState.ACCEPTED],
        target=SeatState.DECLINED,
        permission=perm_seat_expert,
        conditions=[seat_round_scoring],
        custom={"label": _("谢绝或回避"), "style": "outline-danger"},
    )
    def decline(self, *, reason: str) -> None:
        self.decline_reason = reason

    @transition(
        field=state,
        source=SeatState.ACCEPTED,
        target=SeatState.SUBMITTED,
        permission=perm_seat_expert,
        conditions=[seat_round_scoring],
        custom={"label": _("提交评分"), "confirm": True},
    )
    def submit(self, *, total, veto_hit: bool, comment: str) -> None:
        self.total, self.veto_hit, self.comment = total, veto_hit, comment
        self.submitted_at = timezone.now()
