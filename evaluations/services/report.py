"""年度报告: the base saves and submits its report; the authority confirms (when the round asks); staff or the
agency accept or return it; the system marks a report never submitted by the deadline plus grace as late.

Writes only; every state change goes through `pilotbase.workflow.transition_run` (permission and conditions are
declared on `AnnualReport`). Figures: whole numbers ≥ 0, money as Decimal yuan ≥ 0, each "of which" not above its
total (`figure_problems`, the same rules `report_problems` applies to a saved report on submit).
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import UploadedFile
from django.urls import reverse
from django.utils.translation import gettext as _

from pilotbase.models import User
from pilotbase.notifications import notify
from pilotbase.recipients import Kind, agency_users, authority_users, department_users, unit_users
from pilotbase.uploads import upload_store
from pilotbase.workflow import WorkflowError, decided, transition_run

from ..models import AnnualReport, ReportFile, ReportState, ReportVersion
from ..models.report import COUNT_FIELDS, FIGURE_FIELDS, MONEY_FIELDS, NARRATIVE_FIELDS, PART_OF
from ..rules import is_report_base

EDITABLE = (*FIGURE_FIELDS, *NARRATIVE_FIELDS)
MONEY_MAX = Decimal("99999999999999.99")


def figure_problems(values: dict[str, Any]) -> dict[str, str]:
    """What is wrong with figures as entered (None = not filled, allowed in a draft), by field."""
    problems: dict[str, str] = {}
    for name, _label in COUNT_FIELDS:
        value = values.get(name)
        if value is None:
            continue
        if isinstance(value, bool) or not isinstance(value, int):
            problems[name] = _("请填写整数。")
        elif value < 0:
            problems[name] = _("不能为负数。")
    for name, _label in MONEY_FIELDS:
        value = values.get(name)
        if value is None:
            continue
        if not isinstance(value, Decimal) or not value.is_finite():
            problems[name] = _("请填写金额（元），例如 1250000.00。")
        elif value < 0:
            problems[name] = _("金额不能为负数。")
        elif value > MONEY_MAX or value.as_tuple().exponent < -2:
            problems[name] = (
                _("金额最多保留两位小数。") if value <= MONEY_MAX else _("金额过大，请核对单位是否为元。")
            )
    for part, whole, message in PART_OF:
        a, b = values.get(part), values.get(whole)
        if part not in problems and whole not in problems and a is not None and b is not None and a > b:
            problems[part] = str(message)
    return problems


def parse_money(text: str) -> Decimal | None:
    """'1,250,000.5' → Decimal('1250000.5'); '' → None; raises ValueError for anything else."""
    text = (text or "").strip().replace(",", "").replace("，", "")
    if not text:
        return None
    try:
        return Decimal(text)
    except InvalidOperation as exc:
        raise ValueError(text) from exc


@decided
def report_save(*, report: AnnualReport, actor: User, data: dict[str, Any]) -> AnnualReport:
    """Save the base's draft (figures may be left blank until submission; wrong ones are refused)."""
    if not is_report_base(actor, report):
        raise PermissionDenied(_("您没有权限执行该操作。"))
    report = AnnualReport.objects.select_for_update().select_related("round").get(pk=report.pk)
    if not report.is_editable:
        raise WorkflowError(
            _("年度报告当前状态为“%(state)s”，不能修改。") % {"state": report.get_state_display()}
        )
    unknown = set(data) - set(EDITABLE)
    if unknown:
        raise TypeError(f"not report fields: {sorted(unknown)}")
    problems = figure_problems({name: data.get(name, getattr(report, name)) for name in FIGURE_FIELDS})
    if problems:
        raise ReportInvalid(problems)
    for name, value in data.items():
        setattr(report, name, value.strip() if isinstance(value, str) else value)
    report.save()
    return report


class ReportInvalid(WorkflowError):
    """Figures with problems: `problems` by field, nothing saved."""

    def __init__(self, problems: dict[str, str]):
        self.problems = problems
        super().__init__(_("年度报告中有 %(n)d 处需要修改，未保存。") % {"n": len(problems)})


def _url(report: AnnualReport) -> str:
    return reverse("evaluations:report_detail", args=[report.pk])


def _context(report: AnnualReport, **more: Any) -> dict[str, Any]:
    return {"report": report, "base": report.base, "round": report.round, **more}


@decided
def report_submit(*, report: AnnualReport, actor: User, expected_state: str | None = None) -> AnnualReport:
    """提交: to the authority when the round asks it to confirm, else straight to the agency and staff."""
    report = transition_run(
        instance=report, name="submit", actor=actor, subject=report.base, expected_state=expected_state
    )
    report = AnnualReport.objects.select_related("round", "base__lead_unit").get(pk=report.pk)
    ReportVersion.objects.create(
        report=report,
        version=report.version,
        data=report_snapshot(report),
        submitted_by=actor,
        submitted_at=report.submitted_at,
    )
    if report.round.authority_confirms:
        recipients = authority_users(report.base.lead_unit.authority_id)
    else:
        recipients = [*agency_users(report.round.agency_id), *department_users()]
    notify(
        recipients=recipients,
        kind=Kind.ANNUAL_REPORT_SUBMITTED,
        template="annual_report_submitted",
        url=_url(report),
        context=_context(report),
    )
    return report


@decided
def report_confirm(
    *, report: AnnualReport, actor: User, opinion: str = "", expected_state: str | None = None
) -> AnnualReport:
    """推荐单位确认: the report goes on to the agency (and staff)."""
    report = transition_run(
        instance=report,
        name="confirm",
        actor=actor,
        subject=report.base,
        comment=opinion,
        expected_state=expected_state,
        args={"opinion": opinion.strip()},
    )
    report = AnnualReport.objects.select_related("round", "base").get(pk=report.pk)
    notify(
        recipients=[*agency_users(report.round.agency_id), *department_users()],
        kind=Kind.ANNUAL_REPORT_CONFIRMED,
        template="annual_report_confirmed",
        url=_url(report),
        context=_context(report, opinion=opinion),
    )
    return report


@decided
def report_return(
    *, report: AnnualReport, actor: User, reason: str, expected_state: str | None = None
) -> AnnualReport:
    """退回修改 with a reason the base reads on its edit page (e-mail and bell). A report the authority had
    confirmed (it may take it back until the agency accepts it, while reports are open) loses that confirmation,
    and the agency and staff, told of the confirmation, are told it is withdrawn."""
    reason = (reason or "").strip()
    if not reason:
        raise WorkflowError(_("请填写退回理由。"))
    was_confirmed = (
        AnnualReport.objects.select_for_update().filter(pk=report.pk, state=ReportState.CONFIRMED).exists()
    )
    report = transition_run(
        instance=report,
        name="return_for_revision",
        actor=actor,
        subject=report.base,
        comment=reason,
        expected_state=expected_state,
        args={"reason": reason},
    )
    report = AnnualReport.objects.select_related("round", "base").get(pk=report.pk)
    notify(
        recipients=unit_users(report.base, partners=False),
        kind=Kind.ANNUAL_REPORT_RETURNED,
        template="annual_report_returned",
        url=reverse("evaluations:report_edit", args=[report.pk]),
        context=_context(report, reason=reason, confirmation_withdrawn=was_confirmed,
                         returner=str(actor.organization or actor)),
    )
    if was_confirmed:
        notify(
            recipients=[*agency_users(report.round.agency_id), *department_users()],
            kind=Kind.ANNUAL_REPORT_RETURNED,
            template="annual_report_confirmation_withdrawn",
            url=_url(report),
            context=_context(report, reason=reason, returner=str(actor.organization or actor)),
        )
    return report


@decided
def report_accept(*, report: AnnualReport, actor: User, expected_state: str | None = None) -> AnnualReport:
    """受理: the report is in for scoring; the base is told."""
    report = transition_run(
        instance=report, name="accept", actor=actor, subject=report.base, expected_state=expected_state
    )
    report = AnnualReport.objects.select_related("round", "base").get(pk=report.pk)
    notify(
        recipients=unit_users(report.base, partners=False),
        kind=Kind.ANNUAL_REPORT_ACCEPTED,
        template="annual_report_accepted",
        url=_url(report),
        context=_context(report),
    )
    return report


@decided
def report_mark_late(*, report: AnnualReport) -> AnnualReport:
    """逾期未交 (the system, after the deadline plus grace): the base, its authority and staff are told."""
    report = transition_run(instance=report, name="mark_late", actor=None, subject=report.base)
    report = AnnualReport.objects.select_related("round", "base__lead_unit").get(pk=report.pk)
    notify(
        recipients=[
            *unit_users(report.base, partners=False),
            *authority_users(report.base.lead_unit.authority_id),
            *department_users(),
        ],
        kind=Kind.ANNUAL_REPORT_OVERDUE,
        template="annual_report_overdue",
        url=_url(report),
        context=_context(report),
    )
    return report


# ---- last year ---------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class FigureRow:
    """One figure beside last year's: `change` is None when either year is missing. `prefill`: the portal's figure
    and the difference when the filed one differs from it (`report_prefill.PrefillNote`), for the agency's view."""

    name: str
    label: str
    value: Any
    previous: Any
    is_money: bool
    prefill: Any = None

    @property
    def change(self) -> Any:
        if self.value is None or self.previous is None:
            return None
        return self.value - self.previous

    @property
    def change_percent(self) -> Decimal | None:
        if self.change is None or not self.previous:
            return None
        return (Decimal(self.change) * 100 / Decimal(self.previous)).quantize(Decimal("0.1"))


def report_last_year(report: AnnualReport) -> AnnualReport | None:
    """The same base's report of the year before, once it was submitted (a draft or late one has no figures)."""
    return (
        AnnualReport.objects.filter(base_id=report.base_id, round__year=report.round.year - 1)
        .exclude(state__in=[ReportState.DRAFT, ReportState.LATE])
        .first()
    )


def report_comparison(report: AnnualReport, previous: AnnualReport | None = None, *,
                      with_prefill: bool = False) -> list[FigureRow]:
    """Every figure with last year's value (pass `previous` when already fetched); `with_prefill`: with the
    portal's figure where the filed one differs from it."""
    from .report_prefill import prefill_notes

    previous = previous if previous is not None else report_last_year(report)
    money = {name for name, _label in MONEY_FIELDS}
    notes = prefill_notes(report) if with_prefill else {}
    return [
        FigureRow(
            name=name,
            label=str(label),
            value=getattr(report, name),
            previous=getattr(previous, name) if previous is not None else None,
            is_money=name in money,
            prefill=notes.get(name),
        )
        for name, label in COUNT_FIELDS + MONEY_FIELDS
    ]


# ---- what a resubmission changed -----------------------------------------------------------------------------
def report_snapshot(report: AnnualReport) -> dict[str, str | None]:
    """The submitted figures and narratives as text (Decimal kept exact)."""
    return {
        name: (None if getattr(report, name) is None else str(getattr(report, name))) for name in EDITABLE
    }


@dataclass(frozen=True)
class Change:
    label: str
    before: str
    after: str
    narrative: bool


def report_changes(report: AnnualReport) -> tuple[int, list[Change]] | None:
    """What the last submission changed against the one before: (earlier version, changes), or None when the
    report was submitted once or never."""
    last_two = list(report.versions.order_by("-version")[:2])
    if len(last_two) < 2:
        return None
    after, before = last_two
    labels = {name: str(AnnualReport._meta.get_field(name).verbose_name) for name in EDITABLE}
    changes = [
        Change(
            label=labels[name],
            before=before.data.get(name) or "",
            after=after.data.get(name) or "",
            narrative=name in NARRATIVE_FIELDS,
        )
        for name in EDITABLE
        if before.data.get(name) != after.data.get(name)
    ]
    return before.version, changes


# ---- attachments -------------------------------------------------------------------------------------------
REPORT_FILE_TYPES = ["pdf", "jpg", "png", "docx", "xlsx"]
REPORT_FILE_MAX_MB = 20


def _editable_by(report: AnnualReport, actor: User) -> AnnualReport:
    if not is_report_base(actor, report):
        raise PermissionDenied(_("您没有权限执行该操作。"))
    if not report.is_editable:
        raise WorkflowError(
            _("年度报告当前状态为“%(state)s”，不能修改。") % {"state": report.get_state_display()}
        )
    return report


def report_file_add(*, report: AnnualReport, actor: User, upload: UploadedFile) -> ReportFile:
    """An attachment (pdf, images, Word, Excel ≤ 20 MB), checked by content like every upload."""
    _editable_by(report, actor)
    return upload_store(ReportFile(report=report, uploaded_by=actor), upload=upload, allowed=REPORT_FILE_TYPES,
                        max_size_mb=REPORT_FILE_MAX_MB)


def report_file_delete(*, file: ReportFile, actor: User) -> None:
    _editable_by(file.report, actor)
    file.file.delete(save=False)
    file.delete()
