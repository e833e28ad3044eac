"""The experts mode of scoring: the agency draws a panel for an evaluation (pilotbase.panels, recorded), each expert
accepts with a declaration of no conflict of interest or declines (回避 included) and submits an own sheet, and the
agency combines the submitted totals by the round's panel rule into the evaluation's total and proposal.

Every state change goes through `transition_run`; the sheet is checked like the staff mode's (`score_problems`).
"""

from __future__ import annotations

from collections.abc import Mapping

from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils.translation import gettext as _

from pilotbase.expert_pool import expert_facts
from pilotbase.models import User
from pilotbase.notifications import notify
from pilotbase.panels import BASE_NOUNS, SubjectFacts, draw_panel, panel_score, seed_new
from pilotbase.recipients import Kind
from pilotbase.rules import is_agency
from pilotbase.workflow import WorkflowError, decided, transition_run

from .. import grading
from ..models import (
    Evaluation,
    EvaluationDraw,
    EvaluationScore,
    EvaluationSeat,
    RoundState,
    ScoringMode,
    SeatState,
)
from ..rules import is_round_agency
from .scoring import ScoreInput, ScoreProblems, score_problems

OPEN_SEATS = (SeatState.INVITED, SeatState.ACCEPTED, SeatState.SUBMITTED)


def base_facts(evaluation: Evaluation) -> SubjectFacts:
    """The base as the draw sees it: lead unit, partners, industry, experts already seated, the agency."""
    base = evaluation.base
    return SubjectFacts(
        lead_id=base.lead_unit_id,
        nouns=BASE_NOUNS,
        partner_ids=frozenset(base.partner_units.values_list("pk", flat=True)),
        industry_id=base.industry_id,
        seated=frozenset(evaluation.seats.values_list("expert_id", flat=True)),
        agency_id=evaluation.round.agency_id,
    )


def _check_agency(evaluation: Evaluation, actor: User) -> None:
    if not (is_agency(actor) and is_round_agency(actor, evaluation.round)):
        raise PermissionDenied(_("您没有权限执行该操作。"))
    rnd = evaluation.round
    if rnd.scoring_mode != ScoringMode.EXPERTS:
        raise WorkflowError(_("本年度考核由机构人员直接评分，不抽取专家。"))
    if rnd.state != RoundState.SCORING:
        raise WorkflowError(_("本年度考核不在评价打分阶段。"))


def _record(
    evaluation: Evaluation, result, actor: User, replaces: EvaluationSeat | None = None
) -> EvaluationDraw:
    draw = EvaluationDraw.objects.create(
        evaluation=evaluation,
        seed=result.seed,
        criteria=result.criteria,
        candidates=result.candidates,
        exclusions=result.exclusions,
        drawn=result.drawn,
        notes=result.notes,
        replaces=replaces,
        drawn_by=actor,
    )
    seats = EvaluationSeat.objects.bulk_create(
        [EvaluationSeat(evaluation=evaluation, expert_id=e, draw=draw) for e in result.drawn]
    )
    for seat in EvaluationSeat.objects.filter(pk__in=[s.pk for s in seats]).select_related("expert__user"):
        notify(
            recipients=[seat.expert.user],
            kind=Kind.EVALUATION_INVITED,
            template="evaluation_seat_invited",
            url=reverse("evaluations:seat_detail", args=[seat.pk]),
            context={"round": evaluation.round, "base": evaluation.base},
        )
    return draw


@decided
def evaluation_panel_draw(
    *, evaluation: Evaluation, actor: User, size: int | None = None, seed: str | None = None
) -> EvaluationDraw:
    """抽取专家 for one base: the round's panel size (or `size`), recorded with its seed; each drawn expert invited."""
    evaluation = Evaluation.objects.select_for_update().select_related("round", "base").get(pk=evaluation.pk)
    _check_agency(evaluation, actor)
    if evaluation.seats.filter(state__in=OPEN_SEATS).exists():
        raise WorkflowError(_("本基地已抽取专家；谢绝的席位可单独补抽。"))
    result = draw_panel(
        expert_facts(), base_facts(evaluation), seed or seed_new(), size or evaluation.round.panel_size
    )
    if not result.drawn:
        raise WorkflowError(_("没有符合条件的专家可以抽取。"))
    return _record(evaluation, result, actor)


@decided
def evaluation_seat_redraw(*, seat: EvaluationSeat, actor: User, seed: str | None = None) -> EvaluationDraw:
    """补抽: one expert of the declined expert's kind, recorded like any draw."""
    evaluation = (
        Evaluation.objects.select_for_update().select_related("round", "base").get(pk=seat.evaluation_id)
    )
    _check_agency(evaluation, actor)
    seat = EvaluationSeat.objects.select_related("expert").get(pk=seat.pk)
    if seat.state != SeatState.DECLINED:
        raise WorkflowError(_("只有谢绝或回避的席位可以补抽。"))
    if EvaluationDraw.objects.filter(replaces=seat).exists():
        raise WorkflowError(_("该席位已补抽过。"))
    result = draw_panel(expert_facts(), base_facts(evaluation), seed or seed_new(), kind=seat.expert.kind)
    if not result.drawn:
        raise WorkflowError("；".join(result.notes) or _("没有符合条件的专家可以抽取。"))
    return _record(evaluation, result, actor, replaces=seat)


def seat_accept(
    *,
    seat: EvaluationSeat,
    actor: User,
    no_conflict: bool,
    declaration: str = "",
    expected_state: str | None = None,
) -> EvaluationSeat:
    """接受邀请: only with the declaration that the expert has no conflict of interest with the base (回避 otherwise)."""
    if not no_conflict:
        raise WorkflowError(_("请确认与本基地的牵头单位、共建单位无利益关系；有利益关系的，请选择回避。"))
    text = declaration.strip() or _("本人确认与该基地的牵头单位、共建单位无利益关系。")
    return transition_run(
        instance=seat,
        name="accept",
        actor=actor,
        subject=seat.evaluation.base,
        expected_state=expected_state,
        args={"declaration": text},
    )


def seat_decline(
    *, seat: EvaluationSeat, actor: User, reason: str, expected_state: str | None = None
) -> EvaluationSeat:
    """谢绝或回避, with the reason (a conflict of interest is said here)."""
    if not reason.strip():
        raise WorkflowError(_("请填写谢绝或回避的理由。"))
    return transition_run(
        instance=seat,
        name="decline",
        actor=actor,
        subject=seat.evaluation.base,
        comment=reason.strip(),
        expected_state=expected_state,
        args={"reason": reason.strip()},
    )


@decided
def seat_submit(
    *,
    seat: EvaluationSeat,
    actor: User,
    entries: Mapping[int, ScoreInput],
    comment: str = "",
    expected_state: str | None = None,
) -> EvaluationSeat:
    """提交评分 (the seat's expert): the sheet checked as in the staff mode; the expert's total kept on the seat."""
    rnd = seat.evaluation.round
    indicators = list(rnd.indicators.all())
    problems, scores = score_problems(indicators, entries)
    if problems:
        raise ScoreProblems(problems)
    hit = [i for i in indicators if i.is_veto and entries.get(i.pk, ScoreInput()).veto]
    seat = transition_run(
        instance=seat,
        name="submit",
        actor=actor,
        subject=seat.evaluation.base,
        expected_state=expected_state,
        args={
            "total": grading.total_score(scores, indicators),
            "veto_hit": bool(hit),
            "comment": comment.strip(),
        },
    )
    EvaluationScore.objects.bulk_create(
        EvaluationScore(
            evaluation_id=seat.evaluation_id,
            seat=seat,
            indicator=ind,
            score=None if ind.is_veto else scores[ind.pk],
            veto=ind.is_veto and entries.get(ind.pk, ScoreInput()).veto,
            comment=entries.get(ind.pk, ScoreInput()).comment.strip(),
        )
        for ind in indicators
    )
    return seat


@decided
def evaluation_panel_score(
    *, evaluation: Evaluation, actor: User, expected_state: str | None = None
) -> Evaluation:
    """汇总专家评分 (the agency): the submitted totals by the round's rule (mean, or trimmed with 5 or more); a veto
    item any submitted expert marked forces 不合格 (the seats say who); the proposal by the bands."""
    rnd = evaluation.round
    seats = list(evaluation.seats.filter(state=SeatState.SUBMITTED))
    if not seats:
        raise WorkflowError(_("暂不能执行“汇总专家评分”：还没有专家提交评分。"))
    total = panel_score([s.total for s in seats], rule=rnd.panel_rule)
    vetoes = sorted(
        {
            sc.indicator.name
            for sc in EvaluationScore.objects.filter(seat__in=seats, veto=True).select_related("indicator")
        }
    )
    proposed = grading.grade_propose(total, grading.bands_from(rnd.bands.all()), vetoed=bool(vetoes))
    return transition_run(
        instance=evaluation,
        name="score_panel",
        actor=actor,
        subject=evaluation.base,
        expected_state=expected_state,
        args={
            "total": total,
            "veto_hit": bool(vetoes),
            "fail_reason": _("一票否决：%(names)s") % {"names": "、".join(vetoes)} if vetoes else "",
            "proposed_grade": proposed,
        },
    )
