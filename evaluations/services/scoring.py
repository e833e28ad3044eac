"""Scoring and grades of a round: the evaluations made as the round enters 评价打分, the agency's direct scoring
(the round's staff mode), staff's confirmation of the round's grades (quotas from `grading.round_grades`; a grade
changed from the proposal needs a reason, logged), and the results written when the round is published.

Every state change goes through `transition_run`. The pure rules (total, bands, veto, quotas) are in
`evaluations.grading`; this module reads the round's rows, calls them and stores what they return.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from django.urls import reverse
from django.utils.translation import gettext as _

from pilotbase.models import User
from pilotbase.notifications import notify
from pilotbase.recipients import Kind, unit_users
from pilotbase.workflow import WorkflowError, decided, transition_run

from .. import grading
from ..models import (
    AnnualReport,
    Evaluation,
    EvaluationResult,
    EvaluationRound,
    EvaluationScore,
    EvaluationState,
    Grade,
    ResultSource,
    RoundIndicator,
)
from ..models.report import SETTLED_REPORT_STATES

TWO = Decimal("0.01")


class ScoreProblems(WorkflowError):
    """A score sheet that cannot be saved: `problems` maps an indicator's pk to its message (in Chinese)."""

    def __init__(self, problems: dict[int, str]):
        self.problems = problems
        super().__init__(_("评分表尚有未填或有误的内容，请按提示修改后再提交。"))


class GradeProblems(WorkflowError):
    """Grades that cannot be confirmed: `problems` maps an evaluation's pk to its message."""

    def __init__(self, problems: dict[int, str]):
        self.problems = problems
        super().__init__(_("调整建议等次须填写理由，请按提示补充后再确认。"))


@dataclass(frozen=True)
class ScoreInput:
    """What the scorer entered for one indicator row: a score (text or Decimal) or, for a veto item, hit or not."""

    score: Any = None
    veto: bool = False
    comment: str = ""


def _url(ev: Evaluation) -> str:
    return reverse("evaluations:evaluation_detail", args=[ev.pk])


# ---- the round enters scoring ---------------------------------------------------------------------------------
def evaluations_create(*, rnd: EvaluationRound) -> list[Evaluation]:
    """One evaluation per settled report of the round (idempotent); a report the round's late rule fails is failed
    by the system at once (不合格, the round's reason)."""
    have = set(rnd.evaluations.values_list("report_id", flat=True))
    reports = [
        r
        for r in AnnualReport.objects.filter(round=rnd, state__in=SETTLED_REPORT_STATES).select_related(
            "round"
        )
        if r.pk not in have
    ]
    Evaluation.objects.bulk_create([Evaluation(round=rnd, report=r, base_id=r.base_id) for r in reports])
    created = list(
        Evaluation.objects.filter(round=rnd, report__in=reports).select_related(
            "report__round", "round", "base"
        )
    )
    for ev in created:
        reason = ev.report.late_fail_reason
        if reason:
            transition_run(
                instance=ev, name="fail_late", actor=None, subject=ev.base, args={"fail_reason": reason}
            )
    return created


# ---- the agency scores directly -------------------------------------------------------------------------------
def _decimal(value: Any) -> Decimal | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, float):
        raise TypeError("a score must be a Decimal or text, not a float")
    try:
        number = value if isinstance(value, Decimal) else Decimal(str(value).strip())
    except InvalidOperation:
        raise ValueError from None
    if not number.is_finite():
        raise ValueError
    return number


def score_problems(
    indicators: list[RoundIndicator], entries: Mapping[int, ScoreInput]
) -> tuple[dict[int, str], dict[int, Decimal]]:
    """Every weighted row scored with a number between 0 and its full marks, at most two decimals.

    Returns (problems by indicator pk, the scores as Decimal by indicator pk)."""
    problems: dict[int, str] = {}
    scores: dict[int, Decimal] = {}
    for ind in indicators:
        if ind.is_veto:
            continue
        raw = entries.get(ind.pk, ScoreInput()).score
        try:
            value = _decimal(raw)
        except ValueError:
            problems[ind.pk] = _("请填写数字。")
            continue
        if value is None:
            problems[ind.pk] = _("请为此项评分。")
        elif value < 0 or value > ind.max_score:
            problems[ind.pk] = _("得分应在0至%(max)s分之间。") % {"max": f"{ind.max_score.normalize():f}"}
        elif value != value.quantize(TWO):
            problems[ind.pk] = _("得分最多保留两位小数。")
        else:
            scores[ind.pk] = value
    return problems, scores


def _veto_reason(hit: list[RoundIndicator]) -> str:
    return _("一票否决：%(names)s") % {"names": "、".join(i.name for i in hit)} if hit else ""


@decided
def evaluation_score(
    *,
    evaluation: Evaluation,
    actor: User,
    entries: Mapping[int, ScoreInput],
    comment: str = "",
    expected_state: str | None = None,
) -> Evaluation:
    """提交评分 (the agency, the round's staff mode): every weighted indicator scored within its full marks; the
    total by the round's weights, a veto item hit forces 不合格, the proposed grade by the round's bands. The
    agency may score again until staff confirm the grade."""
    rnd = evaluation.round
    indicators = list(rnd.indicators.all())
    problems, scores = score_problems(indicators, entries)
    if problems:
        raise ScoreProblems(problems)
    hit = [i for i in indicators if i.is_veto and entries.get(i.pk, ScoreInput()).veto]
    total = grading.total_score(scores, indicators)
    proposed = grading.grade_propose(total, grading.bands_from(rnd.bands.all()), vetoed=bool(hit))
    evaluation = transition_run(
        instance=evaluation,
        name="score",
        actor=actor,
        subject=evaluation.base,
        expected_state=expected_state,
        args={
            "total": total,
            "veto_hit": bool(hit),
            "fail_reason": _veto_reason(hit),
            "proposed_grade": proposed,
            "comment": comment.strip(),
        },
    )
    evaluation.scores.filter(seat__isnull=True).delete()
    EvaluationScore.objects.bulk_create(
        EvaluationScore(
            evaluation=evaluation,
            indicator=ind,
            score=None if ind.is_veto else scores[ind.pk],
            veto=ind.is_veto and entries.get(ind.pk, ScoreInput()).veto,
            comment=entries.get(ind.pk, ScoreInput()).comment.strip(),
        )
        for ind in indicators
    )
    return evaluation


# ---- staff confirm the round's grades -------------------------------------------------------------------------
@dataclass
class GradeRow:
    """A line of the confirmation page: the evaluation and its place after the quotas."""

    evaluation: Evaluation
    placement: grading.Placement | None  # None while some base is not scored yet


def round_placements(rnd: EvaluationRound, evaluations: list[Evaluation] | None = None) -> list[GradeRow]:
    """The round's evaluations with their grades after the quotas (`grading.round_grades`), once every one is
    scored; before that each row's placement is None."""
    evaluations = evaluations if evaluations is not None else list(rnd.evaluations.select_related("base"))
    if not evaluations or any(ev.state == EvaluationState.PENDING for ev in evaluations):
        return [GradeRow(ev, None) for ev in evaluations]
    entries = [grading.Entry(key=ev.pk, total=ev.total, forced_fail=ev.fail_reason) for ev in evaluations]
    placements = grading.round_grades(entries, grading.bands_from(rnd.bands.all()))
    return [GradeRow(ev, p) for ev, p in zip(evaluations, placements, strict=True)]


def stored_placements(evaluations: Iterable[Evaluation]) -> list[GradeRow]:
    """Confirmed evaluations with the placement their confirmation stored: `Evaluation.confirm` keeps the grade
    after the quotas (`placed_grade`) and, when the quotas changed it, their explanation (`quota_note`), computed by
    `round_placements` over the whole round in the decision of 确认考核等次. A confirmed round's page reads these
    for its page of rows instead of placing the round's thousands of evaluations again on every request. A
    forced 不合格's reason is the evaluation's `fail_reason`, which the page shows beside the proposal."""
    return [
        GradeRow(
            ev,
            grading.Placement(
                key=ev.pk,
                total=ev.total,
                proposed=ev.proposed_grade,
                grade=Grade(ev.placed_grade),
                reasons=[ev.quota_note] if ev.quota_note else [],
            ),
        )
        for ev in evaluations
    ]


def _change_comment(placed: str, grade: str, reason: str) -> str:
    return _("建议等次“%(placed)s”，确认为“%(grade)s”。理由：%(reason)s") % {
        "placed": Grade(placed).label,
        "grade": Grade(grade).label,
        "reason": reason,
    }


@decided
def round_grades_confirm(
    *, rnd: EvaluationRound, actor: User, changes: Mapping[int, tuple[str, str]] | None = None
) -> list[Evaluation]:
    """确认考核等次 for every scored evaluation of the round, in one decision. `changes` maps an evaluation's pk
    to (grade, reason): a grade other than the proposal after the quotas needs a reason (logged as the
    transition's comment and kept on the evaluation)."""
    changes = changes or {}
    rnd = EvaluationRound.objects.select_for_update().get(pk=rnd.pk)
    rows = round_placements(rnd)
    if not rows:
        raise WorkflowError(_("本年度考核尚无评价记录。"))
    if any(r.placement is None for r in rows):
        raise WorkflowError(_("本年度仍有基地尚未评分，名额须在全部评分后统一确定。"))
    problems: dict[int, str] = {}
    plan = []
    for row in rows:
        ev, placed = row.evaluation, row.placement.grade
        if ev.state != EvaluationState.SCORED:
            continue
        grade, reason = changes.get(ev.pk, (placed, ""))
        grade, reason = grade or placed, (reason or "").strip()
        if grade not in Grade.values:
            problems[ev.pk] = _("请选择考核等次。")
        elif grade != placed and not reason:
            problems[ev.pk] = _("确认等次与建议等次不同，请填写调整理由。")
        plan.append((ev, row.placement, grade, reason if grade != placed else ""))
    if problems:
        raise GradeProblems(problems)
    done = []
    for ev, placement, grade, reason in plan:
        done.append(
            transition_run(
                instance=ev,
                name="confirm",
                actor=actor,
                subject=ev.base,
                comment=_change_comment(placement.grade, grade, reason) if reason else "",
                args={
                    "placed_grade": placement.grade,
                    "quota_note": placement.explanation if placement.grade != placement.proposed else "",
                    "grade": grade,
                    "change_reason": reason,
                },
            )
        )
    return done


def evaluation_reopen(
    *, evaluation: Evaluation, actor: User, expected_state: str | None = None
) -> Evaluation:
    """撤回等次确认: the evaluation is scored again and its grade waits for the next confirmation."""
    return transition_run(
        instance=evaluation,
        name="reopen",
        actor=actor,
        subject=evaluation.base,
        expected_state=expected_state,
    )


# ---- the round is published ----------------------------------------------------------------------------------
def _requirements(ev: Evaluation) -> str:
    notes = [s.comment for s in ev.scores.select_related("indicator") if s.comment]
    text = "\n".join(filter(None, [ev.comment, *notes]))
    return text or _("请针对%(year)s年度绩效考核中发现的问题制定并落实整改措施，按期提交整改报告。") % {
        "year": ev.round.year
    }


def round_results_write(*, rnd: EvaluationRound) -> list[EvaluationResult]:
    """The published round's confirmed grades as the bases' results for its year (source evaluated; a row for that
    year from before is replaced); each base is told its result; a 整改 grade opens the rectification (the
    portal's decision, through the rectification service) unless the base cannot take one now (the rectification
    list then shows the grade to staff)."""
    from .rectification import rectification_open

    results = []
    for ev in rnd.evaluations.filter(state=EvaluationState.CONFIRMED).select_related("base", "round"):
        result, _created = EvaluationResult.objects.update_or_create(
            base=ev.base,
            year=rnd.year,
            defaults={"grade": ev.grade, "source": ResultSource.EVALUATED, "base_import": None},
        )
        results.append(result)
        notify(
            recipients=unit_users(ev.base, partners=False),
            kind=Kind.EVALUATION_RESULT,
            template="evaluation_result",
            url=_url(ev),
            context={"round": rnd, "evaluation": ev, "base": ev.base, "grade": ev.get_grade_display()},
        )
        if ev.grade == Grade.RECTIFY:
            try:
                rectification_open(result=result, actor=None, requirements=_requirements(ev))
            except WorkflowError:
                pass  # already opened, or the base is rectifying: staff see the grade on the rectification list
    return results
