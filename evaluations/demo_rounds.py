"""Demo data of the rounds.

`seed_past_round`: the portal's first round, 2025, walked through its calendar (reports filed in January 2026, one
never filed and marked late, scored by the agency, grades confirmed, the results 公示 and published after its
period) by the people who act in the portal; publishing writes the first batch's 2025 grades (two 优秀). Once:
skipped when the 2025 round exists.

`seed_rounds`: this year's evaluation with the reports open, commissioned to the demo agency, last
year's round copied as the start (the first round gets the notice's defaults), and the bases' reports in every
state the filing can be in (a draft, one being filled in, submitted, confirmed by the authority, returned for
revision, accepted), each put there by the person who acts in the portal. Once: skipped when the year's round
exists."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

STEPS = ["draft", "partial", "submitted", "confirmed", "returned", "accepted"]
# The agency's score (every weighted row, out of 100) for each 2025 grade letter of evaluations.demo.FIRST_BATCH.
SCORES = {"A": Decimal("93"), "B": Decimal("84"), "C": Decimal("71"), "R": Decimal("55"), "F": Decimal("40")}


def _figures(i: int) -> dict:
    return {
        "pilot_projects": 18 + 3 * i,
        "pilot_projects_outside": 10 + 2 * i,
        "clients_in_guangxi": 12 + i,
        "clients_outside_guangxi": 3 + i % 4,
        "results_transferred": 2 + i % 5,
        "new_processes": 1 + i % 3,
        "new_products": 2 + i % 4,
        "staff_fulltime": 25 + i,
        "staff_technical": 15 + i,
        "firms_incubated": i % 3,
        "service_revenue": Decimal(2_400_000 + 310_000 * i),
        "voucher_income": Decimal(150_000 + 20_000 * i),
        "equipment_value_added": Decimal(800_000 + 90_000 * i),
        "investment_attracted": Decimal(5_000_000 + 600_000 * i),
        "service_system": "设立中试服务中心，对外公布服务流程和收费标准，签订服务合同后排期实施。",
        "major_projects": "完成企业委托的中试放大试验和工艺验证，形成可转化的工艺包。",
        "problems": "高层次工艺工程师不足，部分检测需外送。",
        "next_year_plan": "新增中试线一条，扩大区外服务，完善安全环保设施。",
    }


def _last_year(figures: dict) -> dict:
    """A year earlier the bases did a little less (this year's report then shows its change on last year)."""
    def less(value):
        if isinstance(value, bool) or not isinstance(value, int | Decimal):
            return value
        return value * 9 // 10 if isinstance(value, int) else (value * Decimal("0.9")).quantize(Decimal("0.01"))

    return {name: less(value) for name, value in figures.items()}


def _person(org, role: str, username: str):
    from pilotbase.demo import _user
    from pilotbase.models import User

    found = User.objects.filter(organization=org, role=role, is_active=True).order_by("id").first()
    return found or _user(username, role, org, "填报", "专员")


def seed_past_round(core: dict) -> None:
    """The 2025 round, published (see the module's docstring); its dates judged with `round_judged_on`."""
    from pilotbase.models import Base, Role

    from .demo import ROUND_YEAR, G, round_grades
    from .models import EvaluationRound, EvaluationState
    from .models.report import OPEN_REPORT_STATES
    from .models.round import round_judged_on
    from .services import report as report_svc
    from .services import round as round_svc
    from .services import scoring as scoring_svc

    year, grades = ROUND_YEAR, round_grades()
    if EvaluationRound.objects.filter(year=year).exists() or not Base.objects.filter(name__in=grades).exists():
        return
    staff, agency = core["users"]["department"], core["users"]["agency"]
    with round_judged_on(date(year, 12, 1)):
        rnd = round_svc.round_create(
            actor=staff, year=year, title=round_svc.round_title(year), reference_date=date(year, 12, 31),
            report_deadline=date(year + 1, 1, 20), agency=agency.organization, scoring_mode="staff",
            notice_contact="成果转化与区域创新处，电话 0771-5887012",
        )
        rnd = round_svc.round_open_reports(rnd=rnd, actor=staff)
    reports = list(rnd.reports.select_related("base__lead_unit__authority").order_by("base_id"))
    with round_judged_on(date(year + 1, 1, 15)):
        for i, report in enumerate(reports):
            if grades.get(report.base.name) == "F":
                continue  # never filed: marked late after the grace days, 不合格 by the round's late rule
            base_user = _person(report.base.lead_unit, Role.APPLICANT, f"base_{report.base_id}")
            report = report_svc.report_save(report=report, actor=base_user, data=_last_year(_figures(i)))
            report = report_svc.report_submit(report=report, actor=base_user)
            authority = _person(report.base.lead_unit.authority, Role.AUTHORITY, f"authority_{report.base_id}")
            report = report_svc.report_confirm(report=report, actor=authority, opinion="数据经核实，同意报送。")
            report_svc.report_accept(report=report, actor=agency)
    with round_judged_on(rnd.final_day + timedelta(days=1)):
        for report in rnd.reports.filter(state__in=OPEN_REPORT_STATES):
            report_svc.report_mark_late(report=report)
        rnd = round_svc.round_advance(rnd=rnd, actor=staff, name="start_scoring")
        for ev in rnd.evaluations.filter(state=EvaluationState.PENDING).select_related("base"):
            value = SCORES[grades.get(ev.base.name, "C")]
            entries = {
                ind.pk: scoring_svc.ScoreInput(veto=False) if ind.is_veto else scoring_svc.ScoreInput(score=value)
                for ind in rnd.indicators.all()
            }
            scoring_svc.evaluation_score(
                evaluation=ev, actor=agency, entries=entries,
                comment=f"年度报告数据完整，综合评价为{G[grades.get(ev.base.name, 'C')]}。",
            )
        scoring_svc.round_grades_confirm(rnd=rnd, actor=staff)
    with round_judged_on(date(year + 1, 3, 2)):
        rnd = round_svc.round_advance(rnd=rnd, actor=staff, name="open_notice")
    with round_judged_on(rnd.notice.ends_on):
        round_svc.round_advance(rnd=rnd, actor=staff, name="publish")


def seed_rounds(core: dict, *, today: date | None = None) -> None:
    from django.utils import timezone

    from pilotbase.models import Role

    from .models import EvaluationRound
    from .services import report as report_svc
    from .services import round as round_svc

    today = today or timezone.localdate()
    year = today.year
    if EvaluationRound.objects.filter(year=year).exists():
        return
    staff, agency = core["users"]["department"], core["users"]["agency"]
    previous = round_svc.previous_round(year=year)
    initial = round_svc.round_initial(previous=previous, today=today)
    initial.update(
        year=year,
        title=round_svc.round_title(year),
        reference_date=date(year, 12, 31),
        report_deadline=max(today + timedelta(days=30), date(year, 12, 31)),
        agency=agency.organization,
    )
    rnd = round_svc.round_create(actor=staff, copy_from=previous, **initial)
    if not rnd.round_bases.filter(included=True).exists():
        return
    rnd = round_svc.round_open_reports(rnd=rnd, actor=staff)

    for i, report in enumerate(rnd.reports.select_related("base__lead_unit__authority").order_by("base_id")):
        step = STEPS[i % len(STEPS)]
        if step == "draft":
            continue
        base_user = _person(report.base.lead_unit, Role.APPLICANT, f"base_{report.base_id}")
        figures = _figures(i)
        if step == "partial":
            figures = {k: v for k, v in figures.items() if k in ("pilot_projects", "service_revenue")}
        report = report_svc.report_save(report=report, actor=base_user, data=figures)
        if step == "partial":
            continue
        report = report_svc.report_submit(report=report, actor=base_user)
        authority = _person(report.base.lead_unit.authority, Role.AUTHORITY, f"authority_{report.base_id}")
        if step in ("confirmed", "accepted"):
            report = report_svc.report_confirm(
                report=report, actor=authority, opinion="数据经核实，同意报送。"
            )
        if step == "returned":
            report_svc.report_return(
                report=report, actor=authority, reason="区外服务企业数与合同清单不符，请核对。"
            )
        if step == "accepted":
            report_svc.report_accept(report=report, actor=agency)
