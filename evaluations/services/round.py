"""年度绩效考核: a round's settings, its indicator rows and grade bands, which bases are in it, and its phases.

Writes only; every state change of a round goes through `pilotbase.workflow.transition_run`. A round is set up
in draft (settings, rows, bases) and starts as a copy of last year's (`round_initial`, `round_create(copy_from=)`);
opening the reports creates one draft `AnnualReport` per included base, pre-filled with what the portal knows of
its year (`services.report_prefill`), and tells the base. Including or
excluding a base needs a reason; the `RoundBase` row keeps who, when and why.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from pilotbase.models import Base, User
from pilotbase.notifications import notify
from pilotbase.recipients import Kind, agency_users, unit_users
from pilotbase.rules import is_staff_side
from pilotbase.workflow import WorkflowError, decided, transition_run

from ..models import (
    AnnualReport,
    EvaluationRound,
    GradeBand,
    ReportState,
    RoundBase,
    RoundIndicator,
    RoundState,
)
from ..models.history import Grade
from ..models.round import default_included
from .report_prefill import report_new_prefilled, reports_new

# The settings a round has besides its year and dates, copied from last year's round.
SETTINGS = (
    "grace_days",
    "reminder_days",
    "agency",
    "authority_confirms",
    "scoring_mode",
    "panel_size",
    "panel_rule",
    "late_fails",
    "late_reason",
    "scores_public",
    "note",
    "notice_working_days",
    "notice_contact",
)
# What staff may still change once the reports are open (the bases are filing against the rest).
OPEN_SETTINGS = ("report_deadline", "grace_days", "reminder_days", "note", "notice_working_days", "notice_contact")
GRADE_ORDER = [Grade.EXCELLENT, Grade.GOOD, Grade.PASS, Grade.RECTIFY, Grade.FAIL]

# The notice's default indicator system (practice elsewhere; a setting of each round, edited before opening).
DEFAULT_INDICATORS = [
    ("基础条件", "场地、设备、人员等中试条件的保持与提升", Decimal(10)),
    ("服务绩效", "完成中试项目、服务企业、服务收入、成果转化落地", Decimal(30)),
    ("服务能力", "中试工艺、新产品、专业技术队伍、设备投入", Decimal(30)),
    ("运行管理", "内部管理制度、对外服务体系、收费标准公开", Decimal(20)),
    ("社会信誉", "服务对象评价、诚信记录", Decimal(10)),
]
DEFAULT_VETO = ("重大安全或环境事故", "年度内发生重大安全生产或生态环境事故的，一票否决")
DEFAULT_BANDS = [
    (Grade.EXCELLENT, Decimal(90), Decimal(20)),
    (Grade.GOOD, Decimal(80), None),
    (Grade.PASS, Decimal(60), None),
    (Grade.RECTIFY, Decimal(50), None),
    (Grade.FAIL, Decimal(0), None),
]


def _require_staff(actor: User) -> None:
    if not is_staff_side(actor):
        raise PermissionDenied(_("您没有权限执行该操作。"))


def _require_state(rnd: EvaluationRound, *states: str) -> None:
    if rnd.state not in states:
        raise WorkflowError(
            _("本年度考核当前状态为“%(state)s”，不能修改。") % {"state": rnd.get_state_display()}
        )


def round_title(year: int) -> str:
    return _("%(year)s年度广西科技成果转化中试研究基地绩效考核") % {"year": year}


def _a_year_later(day: date) -> date:
    try:
        return day.replace(year=day.year + 1)
    except ValueError:
        return day.replace(year=day.year + 1, day=28)


def round_initial(*, previous: EvaluationRound | None, today: date | None = None) -> dict[str, Any]:
    """What the new-round form starts from: last year's settings a year later, or the defaults."""
    today = today or timezone.localdate()
    if previous is None:
        year = today.year
        return {
            "year": year,
            "title": round_title(year),
            "reference_date": date(year, 12, 31),
            "report_deadline": date(year + 1, 1, 31),
        }
    year = previous.year + 1
    initial = {name: getattr(previous, name) for name in SETTINGS}
    initial.update(
        year=year,
        title=round_title(year),
        reference_date=_a_year_later(previous.reference_date),
        report_deadline=_a_year_later(previous.report_deadline),
    )
    return initial


def _check_dates(*, reference_date: date, report_deadline: date) -> None:
    if report_deadline < reference_date:
        raise WorkflowError(_("年度报告提交截止日期不能早于基准日。"))


@decided
def round_create(
    *,
    actor: User,
    year: int,
    title: str,
    reference_date: date,
    report_deadline: date,
    copy_from: EvaluationRound | None = None,
    **settings: Any,
) -> EvaluationRound:
    """A draft round: its settings, indicator rows and bands copied from `copy_from` (else the defaults), and
    every base the default rule includes (active or rectifying, certified a full year before the reference date)."""
    _require_staff(actor)
    unknown = set(settings) - set(SETTINGS)
    if unknown:
        raise TypeError(f"unknown round settings: {sorted(unknown)}")
    if EvaluationRound.objects.filter(year=year).exists():
        raise WorkflowError(_("%(year)s年度的考核已存在。") % {"year": year})
    _check_dates(reference_date=reference_date, report_deadline=report_deadline)
    rnd = EvaluationRound(
        year=year,
        title=title,
        reference_date=reference_date,
        report_deadline=report_deadline,
        created_by=actor,
        **settings,
    )
    rnd.full_clean(exclude=["state"])
    rnd.save()
    if copy_from is not None:
        RoundIndicator.objects.bulk_create(
            [
                RoundIndicator(
                    round=rnd,
                    name=i.name,
                    description=i.description,
                    weight=i.weight,
                    max_score=i.max_score,
                    is_veto=i.is_veto,
                    order=i.order,
                )
                for i in copy_from.indicators.all()
            ]
        )
        GradeBand.objects.bulk_create(
            [
                GradeBand(round=rnd, grade=b.grade, min_score=b.min_score, quota_percent=b.quota_percent)
                for b in copy_from.bands.all()
            ]
        )
    else:
        RoundIndicator.objects.bulk_create(
            [
                RoundIndicator(round=rnd, name=n, description=d, weight=w, order=k)
                for k, (n, d, w) in enumerate(DEFAULT_INDICATORS, start=1)
            ]
            + [
                RoundIndicator(
                    round=rnd,
                    name=DEFAULT_VETO[0],
                    description=DEFAULT_VETO[1],
                    is_veto=True,
                    order=len(DEFAULT_INDICATORS) + 1,
                )
            ]
        )
        GradeBand.objects.bulk_create(
            [GradeBand(round=rnd, grade=g, min_score=m, quota_percent=q) for g, m, q in DEFAULT_BANDS]
        )
    RoundBase.objects.bulk_create([RoundBase(round=rnd, base=b) for b in default_included(reference_date)])
    return rnd


@decided
def round_update(*, rnd: EvaluationRound, actor: User, **fields: Any) -> EvaluationRound:
    """Change a round's settings: all of them in draft; once the reports are open, only the deadline, the grace
    and reminder days and the note. A new reference date in draft re-applies the default rule to the bases
    nobody decided on (a base staff included or excluded keeps that decision)."""
    _require_staff(actor)
    rnd = EvaluationRound.objects.select_for_update().get(pk=rnd.pk)
    allowed = (
        {"title", "reference_date", "report_deadline", *SETTINGS}
        if rnd.state == RoundState.DRAFT
        else (set(OPEN_SETTINGS) if rnd.state == RoundState.REPORTS_OPEN else set())
    )
    if not allowed:
        _require_state(rnd, RoundState.DRAFT, RoundState.REPORTS_OPEN)
    refused = [name for name in fields if name not in allowed]
    if refused:
        raise WorkflowError(_("年度报告填报启动后，只能修改截止日期、宽限期、提醒天数和说明。"))
    old_reference = rnd.reference_date
    for name, value in fields.items():
        setattr(rnd, name, value)
    _check_dates(reference_date=rnd.reference_date, report_deadline=rnd.report_deadline)
    rnd.full_clean(exclude=["state", "year"])
    rnd.save()
    if rnd.state == RoundState.DRAFT and rnd.reference_date != old_reference:
        _reapply_default_rule(rnd)
    return rnd


def _reapply_default_rule(rnd: EvaluationRound) -> None:
    rnd.round_bases.filter(by_default=True).delete()
    decided_ids = set(rnd.round_bases.values_list("base_id", flat=True))
    RoundBase.objects.bulk_create(
        [
            RoundBase(round=rnd, base=b)
            for b in default_included(rnd.reference_date)
            if b.pk not in decided_ids
        ]
    )


# ---- indicators and bands -----------------------------------------------------------------------------
@dataclass(frozen=True)
class IndicatorRow:
    name: str
    weight: Decimal
    max_score: Decimal = Decimal(100)
    is_veto: bool = False
    description: str = ""


@dataclass(frozen=True)
class BandRow:
    grade: str
    min_score: Decimal
    quota_percent: Decimal | None = None


def indicator_problems(rows: Sequence[IndicatorRow]) -> list[str]:
    """What is wrong with an indicator system (empty when it may be saved)."""
    problems = []
    if not [r for r in rows if not r.is_veto]:
        problems.append(_("请至少设置一项计分指标。"))
    names = [r.name.strip() for r in rows]
    if any(not n for n in names):
        problems.append(_("每项指标都要有名称。"))
    if len(set(names)) != len(names):
        problems.append(_("指标名称不能重复。"))
    if any(r.weight < 0 for r in rows):
        problems.append(_("权重不能为负数。"))
    if any(r.max_score <= 0 for r in rows):
        problems.append(_("满分应大于0。"))
    if any(r.is_veto and r.weight for r in rows):
        problems.append(_("一票否决项不计权重，权重请填0。"))
    total = sum((r.weight for r in rows if not r.is_veto), Decimal(0))
    if total != Decimal(100):
        problems.append(
            _("计分指标的权重合计应为100，现为%(total)s。") % {"total": format(total.normalize(), "f")}
        )
    return problems


@decided
def round_indicators_save(
    *, rnd: EvaluationRound, actor: User, rows: Sequence[IndicatorRow]
) -> list[RoundIndicator]:
    """Replace the round's indicator system (draft only)."""
    _require_staff(actor)
    rnd = EvaluationRound.objects.select_for_update().get(pk=rnd.pk)
    _require_state(rnd, RoundState.DRAFT)
    problems = indicator_problems(rows)
    if problems:
        raise WorkflowError("；".join(problems))
    rnd.indicators.all().delete()
    return RoundIndicator.objects.bulk_create(
        [
            RoundIndicator(
                round=rnd,
                name=r.name.strip(),
                description=r.description,
                weight=r.weight,
                max_score=r.max_score,
                is_veto=r.is_veto,
                order=k,
            )
            for k, r in enumerate(rows, start=1)
        ]
    )


def band_problems(rows: Sequence[BandRow]) -> list[str]:
    """Bands: each grade at most once, 合格 present, thresholds falling with the grade (优秀 highest)."""
    problems = []
    grades = [r.grade for r in rows]
    if len(set(grades)) != len(grades):
        problems.append(_("每个等次只能设置一条分数线。"))
    if Grade.PASS not in grades:
        problems.append(_("请设置“合格”的分数线。"))
    ordered = sorted(rows, key=lambda r: GRADE_ORDER.index(r.grade))
    if any(a.min_score <= b.min_score for a, b in zip(ordered, ordered[1:], strict=False)):
        problems.append(_("分数线应随等次降低而降低（优秀最高）。"))
    if any(r.min_score < 0 for r in rows):
        problems.append(_("分数线不能为负数。"))
    if any(r.quota_percent is not None and not 0 <= r.quota_percent <= 100 for r in rows):
        problems.append(_("比例上限应在0至100之间。"))
    return problems


@decided
def round_bands_save(*, rnd: EvaluationRound, actor: User, rows: Sequence[BandRow]) -> list[GradeBand]:
    """Replace the round's grade bands (draft only)."""
    _require_staff(actor)
    rnd = EvaluationRound.objects.select_for_update().get(pk=rnd.pk)
    _require_state(rnd, RoundState.DRAFT)
    problems = band_problems(rows)
    if problems:
        raise WorkflowError("；".join(problems))
    rnd.bands.all().delete()
    return GradeBand.objects.bulk_create(
        [
            GradeBand(round=rnd, grade=r.grade, min_score=r.min_score, quota_percent=r.quota_percent)
            for r in rows
        ]
    )


# ---- the bases in the round -------------------------------------------------------------------------------
def _reason(reason: str) -> str:
    reason = (reason or "").strip()
    if not reason:
        raise WorkflowError(_("请填写调整理由。"))
    return reason


@decided
def round_base_include(*, rnd: EvaluationRound, base: Base, actor: User, reason: str) -> RoundBase:
    """Put a base into the round with a reason (in draft; while reports are open its draft report is made and
    the base is told)."""
    _require_staff(actor)
    reason = _reason(reason)
    rnd = EvaluationRound.objects.select_for_update().get(pk=rnd.pk)
    _require_state(rnd, RoundState.DRAFT, RoundState.REPORTS_OPEN)
    if base.state not in ("active", "rectifying"):
        raise WorkflowError(_("“%(base)s”已撤销认定，不能参评。") % {"base": base})
    entry, _created = RoundBase.objects.get_or_create(round=rnd, base=base, defaults={"included": False})
    if entry.included:
        raise WorkflowError(_("“%(base)s”已在参评名单中。") % {"base": base})
    entry.included, entry.by_default, entry.reason = True, False, reason
    entry.decided_by, entry.decided_at = actor, timezone.now()
    entry.save()
    if rnd.state == RoundState.REPORTS_OPEN:
        report, new = AnnualReport.objects.get_or_create(round=rnd, base=base)
        if new:
            report = report_new_prefilled(report)
        _tell_reports_open(rnd, [report])
    return entry


@decided
def round_base_exclude(*, rnd: EvaluationRound, base: Base, actor: User, reason: str) -> RoundBase:
    """Take a base out of the round with a reason (in draft; while reports are open only if its report was never
    submitted: that draft is removed)."""
    _require_staff(actor)
    reason = _reason(reason)
    rnd = EvaluationRound.objects.select_for_update().get(pk=rnd.pk)
    _require_state(rnd, RoundState.DRAFT, RoundState.REPORTS_OPEN)
    entry = RoundBase.objects.filter(round=rnd, base=base, included=True).first()
    if entry is None:
        raise WorkflowError(_("“%(base)s”不在参评名单中。") % {"base": base})
    report = AnnualReport.objects.filter(round=rnd, base=base).first()
    if report is not None:
        if report.version > 0:
            raise WorkflowError(_("“%(base)s”已提交过年度报告，不能移出参评名单。") % {"base": base})
        report.delete()
    entry.included, entry.by_default, entry.reason = False, False, reason
    entry.decided_by, entry.decided_at = actor, timezone.now()
    entry.save()
    return entry


# ---- phases --------------------------------------------------------------------------------------------------
def _tell_reports_open(rnd: EvaluationRound, reports: Sequence[AnnualReport]) -> None:
    for report in reports:
        notify(
            recipients=unit_users(report.base, partners=False),
            kind=Kind.EVALUATION_REPORTS_OPEN,
            template="evaluation_reports_open",
            url=reverse("evaluations:report_detail", args=[report.pk]),
            context={"round": rnd, "report": report, "base": report.base},
        )


@decided
def round_open_reports(
    *, rnd: EvaluationRound, actor: User, expected_state: str | None = None
) -> EvaluationRound:
    """启动年度报告填报: one draft report per included base; each base's users and the agency are told."""
    rnd = transition_run(instance=rnd, name="open_reports", actor=actor, expected_state=expected_state)
    base_ids = list(rnd.round_bases.filter(included=True).values_list("base_id", flat=True))
    have = set(AnnualReport.objects.filter(round=rnd).values_list("base_id", flat=True))
    AnnualReport.objects.bulk_create(reports_new(rnd, [b for b in base_ids if b not in have]))
    reports = list(AnnualReport.objects.filter(round=rnd).select_related("base"))
    _tell_reports_open(rnd, reports)
    notify(
        recipients=agency_users(rnd.agency_id),
        kind=Kind.EVALUATION_REPORTS_OPEN,
        template="evaluation_reports_open_agency",
        url=reverse("evaluations:round_detail", args=[rnd.pk]),
        context={"round": rnd, "count": len(reports)},
    )
    return rnd


def round_advance(
    *, rnd: EvaluationRound, actor: User, name: str, expected_state: str | None = None, comment: str = ""
) -> EvaluationRound:
    """The round's later phases (start_scoring, open_notice, publish, close): the transition as declared; the
    results notice (公示) opens and closes with open_notice and publish (`services.notice`)."""
    if name not in ("start_scoring", "open_notice", "publish", "close"):
        raise ValueError(name)
    if name in ("open_notice", "publish"):
        from .notice import round_open_notice, round_publish

        run = round_open_notice if name == "open_notice" else round_publish
        return run(rnd=rnd, actor=actor, expected_state=expected_state)
    if name == "start_scoring":
        return round_start_scoring(rnd=rnd, actor=actor, expected_state=expected_state, comment=comment)
    return transition_run(
        instance=rnd, name=name, actor=actor, expected_state=expected_state, comment=comment
    )


@decided
def round_start_scoring(
    *, rnd: EvaluationRound, actor: User, expected_state: str | None = None, comment: str = ""
) -> EvaluationRound:
    """进入评价打分 (the evaluations are made by the receiver, in the same transaction): the agency's users and
    every base of the round are told, once — the round enters 评价打分 once (there is no way back), and a
    notice goes only with that transition."""
    rnd = transition_run(
        instance=rnd, name="start_scoring", actor=actor, expected_state=expected_state, comment=comment
    )
    reports = list(
        AnnualReport.objects.filter(round=rnd).select_related("base").order_by("base__name", "id")
    )
    notify(
        recipients=agency_users(rnd.agency_id),
        kind=Kind.EVALUATION_SCORING_STARTED,
        template="evaluation_scoring_started_agency",
        url=reverse("evaluations:round_detail", args=[rnd.pk]),
        context={"round": rnd, "count": rnd.evaluations.count(), "experts": rnd.scoring_mode == "experts"},
    )
    for report in reports:
        notify(
            recipients=unit_users(report.base, partners=False),
            kind=Kind.EVALUATION_SCORING_STARTED,
            template="evaluation_scoring_started",
            url=reverse("evaluations:report_detail", args=[report.pk]),
            context={
                "round": rnd,
                "base": report.base,
                "late": report.state == ReportState.LATE,
                "late_fails": rnd.late_fails,
            },
        )
    return rnd


def previous_round(*, year: int | None = None) -> EvaluationRound | None:
    """Last year's round (or the latest one when `year` is None): what a new round copies."""
    qs = EvaluationRound.objects.order_by("-year")
    return (qs.filter(year__lt=year) if year else qs).first()
