"""Scoring and grades through the services: evaluations made as the round enters scoring, the agency's direct
scoring with its validation, the proposed grade (bands, veto, late rule), the confirmation of the round's grades
(quotas, a changed grade needs a reason, logged) and what publishing writes."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied

from evaluations.models import (
    EvaluationResult,
    EvaluationState,
    Grade,
    Rectification,
    ResultSource,
    RoundIndicator,
)
from evaluations.models.round import round_judged_on
from evaluations.services import round as round_svc
from evaluations.services import scoring as svc
from evaluations.services.scoring import GradeProblems, ScoreInput, ScoreProblems
from pilotbase.models import Notification, TransitionLog
from pilotbase.workflow import WorkflowError, blocked_reasons
from tests import factories as f

from .round_world import world
from .scoring_world import publish, quota_round, score, scoring_round, sheet

pytestmark = pytest.mark.django_db
CERTIFIED = date(2023, 5, 1)


def _evals(rnd):
    return list(rnd.evaluations.select_related("base", "round").order_by("base_id"))


def test_start_scoring_makes_one_evaluation_per_report_and_fails_the_late_one():
    w = world(certified=[CERTIFIED] * 3)
    rnd = scoring_round(w, late=[2])
    evs = _evals(rnd)
    assert [(e.base, e.state) for e in evs] == [
        (w.bases[0], EvaluationState.PENDING),
        (w.bases[1], EvaluationState.PENDING),
        (w.bases[2], EvaluationState.SCORED),
    ]
    late = evs[2]
    assert (late.proposed_grade, late.fail_reason, late.total) == (Grade.FAIL, "未按时提交", None)
    assert TransitionLog.objects.filter(transition="fail_late", record_id=late.pk, actor=None).count() == 1
    assert svc.evaluations_create(rnd=rnd) == []  # once


def test_a_late_report_without_the_late_rule_is_scored_like_any_other():
    w = world(certified=[CERTIFIED])
    rnd = scoring_round(w, late=[0], late_fails=False)
    ev = _evals(rnd)[0]
    assert ev.state == EvaluationState.PENDING
    assert score(w, ev, Decimal("70")).proposed_grade == Grade.PASS


@pytest.mark.parametrize(
    "value, grade",
    [
        ("90", Grade.EXCELLENT),
        ("89.99", Grade.GOOD),
        ("80", Grade.GOOD),
        ("60", Grade.PASS),
        ("55.5", Grade.RECTIFY),
        ("49.99", Grade.FAIL),
    ],
)
def test_proposed_grade_follows_the_bands(value, grade):
    w = world(certified=[CERTIFIED])
    rnd = scoring_round(w)
    ev = score(w, _evals(rnd)[0], value)
    assert (ev.state, ev.total, ev.proposed_grade, ev.veto_hit) == (
        EvaluationState.SCORED,
        Decimal(value),
        grade,
        False,
    )
    assert ev.scores.count() == rnd.indicators.count()


def test_a_veto_item_hit_forces_fail_whatever_the_score():
    w = world(certified=[CERTIFIED])
    rnd = scoring_round(w)
    ev = score(w, _evals(rnd)[0], "98", veto=True)
    assert (ev.total, ev.proposed_grade, ev.veto_hit) == (Decimal("98.00"), Grade.FAIL, True)
    assert ev.fail_reason == "一票否决：重大安全或环境事故"
    assert ev.scores.get(indicator__is_veto=True).veto is True


def test_total_is_weighted_by_the_round():
    w = world(certified=[CERTIFIED])
    rnd = scoring_round(w)
    rows = list(rnd.indicators.filter(is_veto=False).order_by("order"))  # weights 10, 30, 30, 20, 10
    entries = {r.pk: ScoreInput(score=s) for r, s in zip(rows, ["100", "90", "80", "70", "60"], strict=True)}
    ev = svc.evaluation_score(
        evaluation=_evals(rnd)[0], actor=w.agency, entries=entries, comment=" 总体良好 "
    )
    assert ev.total == Decimal("81.00")  # 10 + 27 + 24 + 14 + 6
    assert ev.comment == "总体良好"


def test_score_sheet_problems_are_named_per_row_and_nothing_is_saved():
    w = world(certified=[CERTIFIED])
    rnd = scoring_round(w)
    rows = list(rnd.indicators.filter(is_veto=False).order_by("order"))
    entries = {
        rows[0].pk: ScoreInput(score=""),
        rows[1].pk: ScoreInput(score="abc"),
        rows[2].pk: ScoreInput(score="100.01"),
        rows[3].pk: ScoreInput(score="80.125"),
        rows[4].pk: ScoreInput(score="-1"),
    }
    ev = _evals(rnd)[0]
    with pytest.raises(ScoreProblems) as exc:
        svc.evaluation_score(evaluation=ev, actor=w.agency, entries=entries)
    assert exc.value.problems == {
        rows[0].pk: "请为此项评分。",
        rows[1].pk: "请填写数字。",
        rows[2].pk: "得分应在0至100分之间。",
        rows[3].pk: "得分最多保留两位小数。",
        rows[4].pk: "得分应在0至100分之间。",
    }
    ev.refresh_from_db()
    assert (ev.state, ev.scores.count()) == (EvaluationState.PENDING, 0)


def test_a_float_score_is_refused():
    w = world(certified=[CERTIFIED])
    rnd = scoring_round(w)
    with pytest.raises(TypeError):
        svc.evaluation_score(evaluation=_evals(rnd)[0], actor=w.agency, entries=sheet(rnd, 85.0))


def test_a_row_with_its_own_full_marks():
    w = world(certified=[CERTIFIED])
    rnd = scoring_round(w)
    row = rnd.indicators.filter(is_veto=False).order_by("order").first()
    RoundIndicator.objects.filter(pk=row.pk).update(max_score=Decimal(10))  # a sheet set so before scoring
    entries = sheet(rnd, "9")
    problems, _scores = svc.score_problems(
        list(rnd.indicators.all()), {**entries, row.pk: ScoreInput(score="11")}
    )
    assert problems == {row.pk: "得分应在0至10分之间。"}


# ---- the guard of scoring: who, in which round ------------------------------------------------------------
@pytest.mark.parametrize(
    "who, allowed",
    [("agency", True), ("other_agency", False), ("staff", False), ("base", False), ("authority", False)],
)
def test_who_may_score(who, allowed):
    w = world(certified=[CERTIFIED])
    rnd = scoring_round(w)
    ev = _evals(rnd)[0]
    actor = {
        "agency": w.agency,
        "other_agency": f.AgencyUserFactory(),
        "staff": w.staff,
        "base": w.base_user(ev.base),
        "authority": w.authority_user(ev.base),
    }[who]
    if allowed:
        assert (
            svc.evaluation_score(evaluation=ev, actor=actor, entries=sheet(rnd)).state
            == EvaluationState.SCORED
        )
    else:
        with pytest.raises(PermissionDenied):
            svc.evaluation_score(evaluation=ev, actor=actor, entries=sheet(rnd))


def test_the_experts_mode_is_not_scored_directly():
    w = world(certified=[CERTIFIED])
    rnd = scoring_round(w, scoring_mode="experts")
    ev = _evals(rnd)[0]
    assert blocked_reasons(ev, "score") == ["本年度考核采用专家评分，不由机构人员直接评分。"]
    with pytest.raises(WorkflowError, match="专家评分"):
        svc.evaluation_score(evaluation=ev, actor=w.agency, entries=sheet(rnd))


def test_scoring_again_replaces_the_sheet_until_confirmed():
    w = world(certified=[CERTIFIED])
    rnd = scoring_round(w)
    ev = score(w, _evals(rnd)[0], "70")
    ev = score(w, ev, "91")
    assert (ev.total, ev.proposed_grade, ev.scores.count()) == (Decimal("91.00"), Grade.EXCELLENT, 6)
    round_svc_confirm = svc.round_grades_confirm(rnd=rnd, actor=w.staff)
    assert [e.state for e in round_svc_confirm] == [EvaluationState.CONFIRMED]
    with pytest.raises(WorkflowError, match="等次已确认"):
        score(w, ev, "50")


# ---- staff confirm the round's grades --------------------------------------------------------------------
def test_confirmation_waits_for_every_base_to_be_scored():
    w = world(certified=[CERTIFIED] * 2)
    rnd = scoring_round(w)
    first, second = _evals(rnd)
    score(w, first)
    assert blocked_reasons(first, "confirm") == ["本年度仍有基地尚未评分，名额须在全部评分后统一确定。"]
    with pytest.raises(WorkflowError, match="尚未评分"):
        svc.round_grades_confirm(rnd=rnd, actor=w.staff)
    score(w, second)
    assert blocked_reasons(first, "confirm") == []


def test_confirmation_applies_the_quota_and_explains_it():
    w = world(certified=[CERTIFIED] * 5)
    rnd = scoring_round(w)
    for ev, value in zip(_evals(rnd), ["95", "93", "91", "85", "70"], strict=True):
        score(w, ev, value)
    rows = svc.round_placements(rnd, _evals(rnd))
    assert [r.placement.grade for r in rows] == [
        Grade.EXCELLENT,
        Grade.GOOD,
        Grade.GOOD,
        Grade.GOOD,
        Grade.PASS,
    ]
    done = svc.round_grades_confirm(rnd=rnd, actor=w.staff)
    assert [(e.proposed_grade, e.placed_grade, e.grade) for e in done][:3] == [
        (Grade.EXCELLENT, Grade.EXCELLENT, Grade.EXCELLENT),
        (Grade.EXCELLENT, Grade.GOOD, Grade.GOOD),
        (Grade.EXCELLENT, Grade.GOOD, Grade.GOOD),
    ]
    assert done[1].quota_note == (
        "优秀名额上限为参评基地的20%（5个基地，至多1个）；本基地在优秀中排第2名（总分93.00），调整为良好"
    )
    assert (done[0].quota_note, done[0].confirmed_by) == ("", w.staff)


def test_confirmation_stores_each_placement_as_the_quotas_place_it():
    """确认考核等次 stores on each evaluation its grade after the quotas and their explanation, which a confirmed
    round's page reads (`stored_placements`) instead of placing the whole round again: the same as the quotas give
    over the round (ties, a base dropped two bands, a late base failed: its reason is its fail_reason, no note)."""
    w = world(certified=[CERTIFIED] * 10)
    rnd = quota_round(w)
    computed = svc.round_placements(rnd, _evals(rnd))
    svc.round_grades_confirm(rnd=rnd, actor=w.staff)
    stored = svc.stored_placements(_evals(rnd))

    def shown(p):
        return (p.grade, p.explanation if p.grade != p.proposed else "")

    assert [(r.evaluation.pk, shown(r.placement)) for r in stored] == [
        (r.evaluation.pk, shown(r.placement)) for r in computed
    ]
    assert [r.placement.grade for r in stored] == [
        Grade.EXCELLENT, Grade.GOOD, Grade.GOOD, Grade.PASS, Grade.PASS, Grade.PASS, Grade.PASS, Grade.PASS,
        Grade.PASS, Grade.FAIL,
    ]
    dropped_twice = stored[3]
    assert dropped_twice.placement.reasons == [computed[3].placement.explanation] and len(
        computed[3].placement.reasons
    ) == 2
    assert (stored[9].evaluation.fail_reason, stored[9].placement.reasons) == ("未按时提交", [])


def test_changing_a_proposed_grade_needs_a_reason_and_is_logged():
    w = world(certified=[CERTIFIED] * 2)
    rnd = scoring_round(w)
    first, second = _evals(rnd)
    score(w, first, "85"), score(w, second, "75")
    with pytest.raises(GradeProblems) as exc:
        svc.round_grades_confirm(rnd=rnd, actor=w.staff, changes={first.pk: (Grade.PASS, "  ")})
    assert exc.value.problems == {first.pk: "确认等次与建议等次不同，请填写调整理由。"}
    assert rnd.evaluations.filter(state=EvaluationState.CONFIRMED).count() == 0  # nothing confirmed
    done = svc.round_grades_confirm(
        rnd=rnd,
        actor=w.staff,
        changes={first.pk: (Grade.PASS, "服务收入数据经核查存在虚报"), second.pk: (Grade.PASS, "")},
    )
    assert [(e.placed_grade, e.grade, e.change_reason) for e in done] == [
        (Grade.GOOD, Grade.PASS, "服务收入数据经核查存在虚报"),
        (Grade.PASS, Grade.PASS, ""),
    ]
    log = TransitionLog.objects.get(transition="confirm", record_id=first.pk)
    assert (log.comment, log.actor) == (
        "建议等次“良好”，确认为“合格”。理由：服务收入数据经核查存在虚报",
        w.staff,
    )
    assert TransitionLog.objects.get(transition="confirm", record_id=second.pk).comment == ""


def test_only_staff_confirm_and_a_confirmation_can_be_taken_back():
    w = world(certified=[CERTIFIED])
    rnd = scoring_round(w)
    ev = score(w, _evals(rnd)[0], "85")
    with pytest.raises(PermissionDenied):
        svc.round_grades_confirm(rnd=rnd, actor=w.agency)
    (ev,) = svc.round_grades_confirm(rnd=rnd, actor=w.staff)
    ev = svc.evaluation_reopen(evaluation=ev, actor=w.staff)
    assert (ev.state, ev.grade, ev.confirmed_by) == (EvaluationState.SCORED, "", None)


# ---- 公示 and publication ---------------------------------------------------------------------------------
def _confirmed_round(w, values, **changes):
    rnd = scoring_round(w)
    for ev, value in zip(_evals(rnd), values, strict=True):
        score(w, ev, value)
    svc.round_grades_confirm(rnd=rnd, actor=w.staff, changes=changes.get("changes"))
    return rnd


def test_notice_and_publication_need_every_grade_confirmed():
    w = world(certified=[CERTIFIED] * 2)
    rnd = scoring_round(w)
    first, second = _evals(rnd)
    score(w, first), score(w, second)
    rnd.refresh_from_db()
    assert blocked_reasons(rnd, "open_notice") == ["仍有参评基地的考核等次尚未确认。"]
    svc.round_grades_confirm(rnd=rnd, actor=w.staff)
    rnd.refresh_from_db()
    assert blocked_reasons(rnd, "open_notice") == []


def test_publishing_writes_each_base_result_and_tells_the_base(django_capture_on_commit_callbacks):
    w = world(certified=[CERTIFIED] * 3)
    rnd = _confirmed_round(w, ["95", "55", "30"])
    EvaluationResult.objects.create(base=w.bases[0], year=rnd.year, grade=Grade.PASS)  # an earlier row
    rnd = round_svc.round_advance(rnd=rnd, actor=w.staff, name="open_notice")
    with django_capture_on_commit_callbacks(execute=True):
        rnd = publish(w, rnd)
    results = EvaluationResult.objects.filter(year=rnd.year).order_by("base_id")
    assert [(r.base, r.grade, r.source) for r in results] == [
        (w.bases[0], Grade.GOOD, ResultSource.EVALUATED),  # 优秀 ≤ 20 % of 3 bases: none
        (w.bases[1], Grade.RECTIFY, ResultSource.EVALUATED),
        (w.bases[2], Grade.FAIL, ResultSource.EVALUATED),
    ]
    told = Notification.objects.filter(kind="evaluation.result").order_by("recipient__organization_id")
    assert [(n.recipient, n.title) for n in told] == [
        (w.base_user(b), f"{rnd.year}年度绩效考核结果：“{b.name}”为{g}")
        for b, g in zip(w.bases, ["良好", "整改", "不合格"], strict=True)
    ]
    rec = Rectification.objects.get()
    assert (rec.base, rec.result, rec.state) == (w.bases[1], results[1], "open")
    w.bases[1].refresh_from_db()
    assert w.bases[1].state == "rectifying"


def test_publication_is_refused_while_a_grade_is_taken_back():
    w = world(certified=[CERTIFIED])
    rnd = _confirmed_round(w, ["85"])
    rnd = round_svc.round_advance(rnd=rnd, actor=w.staff, name="open_notice")
    with round_judged_on(rnd.notice.ends_on):  # the notice's period is over
        assert blocked_reasons(rnd, "publish") == []
    assert EvaluationResult.objects.filter(year=rnd.year).count() == 0  # nothing written before publication
