"""Reminders of the annual report and the late rule, run by the periodic sweep (registered in hooks/rounds.py).

For every round with reports open, each base that has not submitted (a draft or a returned report) is reminded
- before the deadline: on the first day with at most N days left, for each N of the round's reminder days (the
  smallest N due is sent, so a sweep that was down on the exact day still catches up and an earlier N is never
  sent late);
- on the day of the deadline;
- once when overdue (the deadline passed, the grace days still running).
Each is keyed by report, kind, deadline and recipient (`remind_once` semantics through `remind_many`): a sweep
that runs twice sends once; a moved deadline reminds again. After the deadline plus grace, every report still
not submitted is marked late (逾期未交) by the system; with the round's late rule it is graded 不合格 for the
reason the round names (`AnnualReport.late_fail_reason`).
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

from pilotbase.models import Role, User
from pilotbase.notifications import Due, remind_many, url_for_ids
from pilotbase.recipients import Kind

from ..models import AnnualReport, EvaluationRound, RoundState
from ..models.report import OPEN_REPORT_STATES
from ..models.round import round_judged_on, round_today
from .report import report_mark_late


def _stage(rnd: EvaluationRound, today: date) -> str | None:
    """Which reminder is due for the round today: "N" (days before), "day", "overdue", or None."""
    left = (rnd.report_deadline - today).days
    if left > 0:
        due = [n for n in rnd.reminder_day_list() if left <= n]
        return str(min(due)) if due else None
    if left == 0:
        return "day"
    return "overdue" if today <= rnd.final_day else None


def report_reminders_sweep(*, today: date | None = None) -> int:
    """Send the due reminders and mark the late reports; returns how many reminders and late marks there were."""
    today = today or round_today()
    rounds = list(EvaluationRound.objects.filter(state=RoundState.REPORTS_OPEN))
    stages = {r.pk: s for r in rounds if (s := _stage(r, today)) is not None}
    late_rounds = [r.pk for r in rounds if today > r.final_day]
    sent = _remind(stages, today) if stages else 0
    marked = 0
    if late_rounds:
        with round_judged_on(today):
            for report in AnnualReport.objects.filter(round_id__in=late_rounds, state__in=OPEN_REPORT_STATES):
                report_mark_late(report=report)
                marked += 1
    return sent + marked


def _remind(stages: dict[int, str], today: date) -> int:
    reports = (
        AnnualReport.objects.filter(round_id__in=stages, state__in=OPEN_REPORT_STATES)
        .select_related("round", "base")
        .order_by("pk")
    )
    users_of: dict[int, list[User]] = {}
    for user in User.objects.filter(
        role=Role.APPLICANT, is_active=True, organization_id__in=reports.values("base__lead_unit_id")
    ).order_by("pk"):
        users_of.setdefault(user.organization_id, []).append(user)
    edit_url = url_for_ids("evaluations:report_edit")

    def due() -> Iterator[Due]:
        for report in reports:
            rnd, stage = report.round, stages[report.round_id]
            context = {
                "report": report,
                "base": report.base,
                "round": rnd,
                "days_left": (rnd.report_deadline - today).days,
            }
            for user in users_of.get(report.base.lead_unit_id, []):
                yield Due(
                    key=f"report-deadline:{report.pk}:{stage}:{rnd.report_deadline.isoformat()}:{user.pk}",
                    recipient=user,
                    kind=Kind.ANNUAL_REPORT_DEADLINE,
                    template="annual_report_deadline",
                    url=edit_url(report.pk),
                    due_on=rnd.report_deadline,
                    context=context,
                )

    return remind_many(due())
