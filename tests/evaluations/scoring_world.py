"""A round in 评价打分 for the scoring tests, built through the real services (round_world's personas).

w = world(certified=[date(2023, 5, 1)] * 3)
rnd = scoring_round(w, late=[2])          # reports 0 and 1 accepted, report 2 late (不合格 by the late rule)
ev = score(w, rnd.evaluations.get(base=w.bases[0]), Decimal("92"))
rnd = publish(w, rnd)                     # on notice → published, as of the day the notice's period is over
"""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

from evaluations.models import Evaluation, EvaluationRound
from evaluations.models.round import round_judged_on
from evaluations.services import report as report_svc
from evaluations.services import round as round_svc
from evaluations.services import scoring as svc
from evaluations.services.scoring import ScoreInput


def scoring_round(w, *, late: tuple[int, ...] | list[int] = (), **settings) -> EvaluationRound:
    """Every included base's report accepted by the agency (those numbered in `late` marked late instead), then
    the round enters scoring (staff mode unless `settings` say otherwise)."""
    settings.setdefault("scoring_mode", "staff")
    settings.setdefault("authority_confirms", False)
    rnd = w.open_round(**settings)
    reports = list(rnd.reports.order_by("base_id"))
    for i, report in enumerate(reports):
        if i not in late:
            report_svc.report_accept(report=w.filed(report), actor=w.agency)
    day = rnd.final_day + timedelta(days=1) if late else None
    with round_judged_on(day):
        for i in late:
            report_svc.report_mark_late(report=reports[i])
        round_svc.round_advance(rnd=rnd, actor=w.staff, name="start_scoring")
    return EvaluationRound.objects.get(pk=rnd.pk)


def sheet(rnd: EvaluationRound, value: Decimal | str = Decimal("85"), *, veto: bool = False) -> dict:
    """Every weighted row scored `value`; the veto items hit when `veto`."""
    return {
        ind.pk: ScoreInput(veto=veto) if ind.is_veto else ScoreInput(score=value, comment="")
        for ind in rnd.indicators.all()
    }


def score(w, ev: Evaluation, value: Decimal | str = Decimal("85"), *, veto: bool = False) -> Evaluation:
    return svc.evaluation_score(evaluation=ev, actor=w.agency, entries=sheet(ev.round, value, veto=veto))


def publish(w, rnd: EvaluationRound) -> EvaluationRound:
    """公布考核结果 as of the first day after the results 公示's period (the clock walked as the reminder tests do)."""
    rnd = EvaluationRound.objects.get(pk=rnd.pk)
    with round_judged_on(rnd.notice.ends_on if rnd.notice_id else None):
        return round_svc.round_advance(rnd=rnd, actor=w.staff, name="publish")


QUOTA_TOTALS = ["95", "93", "93", "91", "88", "85", "85", "75", "70"]


def quota_round(w) -> EvaluationRound:
    """Ten bases scored (w has ten), the quotas at work: the last base's report late (不合格 by the late rule), 良好
    capped at 20 % as well as 优秀, so of 95, 93, 93, 91, 88, 85, 85, 75, 70: 95 stays 优秀 (limit 2, the two 93s
    tie for the 2nd place and drop together), the 93s stay 良好 (limit 2), 91 drops two bands (two reasons), and 88
    and the 85s drop to 合格."""
    rnd = scoring_round(w, late=[9])
    rnd.bands.filter(grade="good").update(quota_percent=Decimal("20"))
    pending = rnd.evaluations.filter(state="pending").order_by("base_id")
    for ev, value in zip(pending, QUOTA_TOTALS, strict=True):
        score(w, ev, value)
    return rnd
