"""AnnualReport: a base's yearly report to its round, filed by the base's lead unit.

The figures are real columns (filtered, totalled, compared with last year); `report_problems` is the one
validation of them, used by the submit condition and by the edit page. Workflow: draft → submitted →
(confirmed by the authority, when the round says so) → accepted; returned for revision from submitted or
confirmed; a report never submitted by the deadline plus grace is marked late by the system.
"""

from decimal import Decimal

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_fsm import FSMField, FSMModelMixin, transition

from pilotbase.models import Base, StoredFile
from pilotbase.rules import perm_system
from pilotbase.workflow import condition

from ..rules import perm_report_authority, perm_report_base, perm_report_returner, perm_report_reviewer
from .round import EvaluationRound, RoundState, round_today


class ReportState(models.TextChoices):
    DRAFT = "draft", _("填报中")
    SUBMITTED = "submitted", _("已提交")
    CONFIRMED = "confirmed", _("推荐单位已确认")
    RETURNED = "returned", _("退回修改")
    ACCEPTED = "accepted", _("已受理")
    LATE = "late", _("逾期未交")


# A report in one of these states needs nothing more from the base before scoring.
SETTLED_REPORT_STATES = (ReportState.ACCEPTED, ReportState.LATE)
# States in which the base still has to (re)submit.
OPEN_REPORT_STATES = (ReportState.DRAFT, ReportState.RETURNED)

_money = {
    "max_digits": 16,
    "decimal_places": 2,
    "null": True,
    "blank": True,
    "validators": [MinValueValidator(Decimal(0), _("金额不能为负数。"))],
}

# (field, label) of every figure, in the order the page shows them; the unit follows the label.
COUNT_FIELDS = [
    ("pilot_projects", _("完成中试项目（项）")),
    ("pilot_projects_outside", _("其中：为外单位完成（项）")),
    ("clients_in_guangxi", _("服务区内企业（家）")),
    ("clients_outside_guangxi", _("服务区外企业（家）")),
    ("results_transferred", _("推动成果转化落地（项）")),
    ("new_processes", _("形成新工艺（项）")),
    ("new_products", _("形成新产品（项）")),
    ("staff_fulltime", _("专职人员（人）")),
    ("staff_technical", _("其中：专业技术人员（人）")),
    ("firms_incubated", _("孵化企业（家）")),
]
MONEY_FIELDS = [
    ("service_revenue", _("中试服务收入（元）")),
    ("voucher_income", _("其中：科技创新券收入（元）")),
    ("equipment_value_added", _("新增设备原值（元）")),
    ("investment_attracted", _("吸引投资（元）")),
]
FIGURE_FIELDS = [name for name, _label in COUNT_FIELDS + MONEY_FIELDS]
# "of which" pairs: (part, whole, message).
PART_OF = [
    ("pilot_projects_outside", "pilot_projects", _("为外单位完成的中试项目数不能大于完成中试项目总数。")),
    ("staff_technical", "staff_fulltime", _("专业技术人员数不能大于专职人员总数。")),
    ("voucher_income", "service_revenue", _("科技创新券收入不能大于中试服务收入。")),
]
NARRATIVE_FIELDS = ["service_system", "major_projects", "problems", "next_year_plan"]


def report_problems(report: "AnnualReport") -> dict[str, list[str]]:
    """What is wrong with the report's figures and narratives, by field (empty when it may be submitted)."""
    problems: dict[str, list[str]] = {}
    for name in FIGURE_FIELDS:
        value = getattr(report, name)
        if value is None:
            problems.setdefault(name, []).append(str(_("请填写此项（没有请填0）。")))
        elif value < 0:
            problems.setdefault(name, []).append(str(_("不能为负数。")))
    for part, whole, message in PART_OF:
        a, b = getattr(report, part), getattr(report, whole)
        if a is not None and b is not None and a > b:
            problems.setdefault(part, []).append(str(message))
    for name in NARRATIVE_FIELDS:
        if not (getattr(report, name) or "").strip():
            problems.setdefault(name, []).append(str(_("请填写此部分。")))
    return problems


@condition(_("本年度考核不在报告填报阶段。"))
def report_round_open(report: "AnnualReport") -> bool:
    return report.round.state == RoundState.REPORTS_OPEN


@condition(_("已超过提交截止日期（含宽限期）。"))
def report_before_final_day(report: "AnnualReport") -> bool:
    return round_today() <= report.round.final_day


@condition(_("年度报告尚有未填或有误的内容，请按提示修改后再提交。"))
def report_complete(report: "AnnualReport") -> bool:
    return not report_problems(report)


@condition(_("本年度考核不要求推荐单位确认报告。"))
def report_round_asks_confirmation(report: "AnnualReport") -> bool:
    return report.round.authority_confirms


@condition(_("本年度考核要求报告先经推荐单位确认。"))
def report_confirmed_if_required(report: "AnnualReport") -> bool:
    return report.state == ReportState.CONFIRMED or not report.round.authority_confirms


@condition(_("提交截止日期（含宽限期）尚未届满。"))
def report_final_day_passed(report: "AnnualReport") -> bool:
    return round_today() > report.round.final_day


class AnnualReport(FSMModelMixin, models.Model):
    """年度报告: a base's figures and narratives for one round."""

    round = models.ForeignKey(
        EvaluationRound, verbose_name=_("考核年度"), on_delete=models.PROTECT, related_name="reports"
    )
    base = models.ForeignKey(
        Base, verbose_name=_("中试基地"), on_delete=models.PROTECT, related_name="annual_reports"
    )
    state = FSMField(_("状态"), default=ReportState.DRAFT, choices=ReportState.choices, protected=True)
    version = models.PositiveSmallIntegerField(_("版本"), default=0, help_text=_("每提交一次加一。"))

    # figures of the year
    pilot_projects = models.PositiveIntegerField(COUNT_FIELDS[0][1], null=True, blank=True)
    pilot_projects_outside = models.PositiveIntegerField(COUNT_FIELDS[1][1], null=True, blank=True)
    clients_in_guangxi = models.PositiveIntegerField(COUNT_FIELDS[2][1], null=True, blank=True)
    clients_outside_guangxi = models.PositiveIntegerField(COUNT_FIELDS[3][1], null=True, blank=True)
    results_transferred = models.PositiveIntegerField(COUNT_FIELDS[4][1], null=True, blank=True)
    new_processes = models.PositiveIntegerField(COUNT_FIELDS[5][1], null=True, blank=True)
    new_products = models.PositiveIntegerField(COUNT_FIELDS[6][1], null=True, blank=True)
    staff_fulltime = models.PositiveIntegerField(COUNT_FIELDS[7][1], null=True, blank=True)
    staff_technical = models.PositiveIntegerField(COUNT_FIELDS[8][1], null=True, blank=True)
    firms_incubated = models.PositiveIntegerField(COUNT_FIELDS[9][1], null=True, blank=True)
    service_revenue = models.DecimalField(MONEY_FIELDS[0][1], **_money)
    voucher_income = models.DecimalField(MONEY_FIELDS[1][1], **_money)
    equipment_value_added = models.DecimalField(MONEY_FIELDS[2][1], **_money)
    investment_attracted = models.DecimalField(MONEY_FIELDS[3][1], **_money)

    # what the portal knew of the year when the report was made (sharing's delivered service requests, through the
    # registry's report pre-fill providers): {field: value as text}; the figures above start from it and the base
    # may correct them, the agency sees where they differ (`services.report_prefill`)
    prefilled = models.JSONField(_("平台预填数据"), default=dict, blank=True, editable=False)

    # narrative sections
    service_system = models.TextField(_("服务体系建设及收费标准"), blank=True)
    major_projects = models.TextField(_("重大中试项目情况"), blank=True)
    problems = models.TextField(_("存在的问题"), blank=True)
    next_year_plan = models.TextField(_("下一年度工作计划"), blank=True)

    # who decided what, when
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    submitted_at = models.DateTimeField(_("提交时间"), null=True, blank=True)
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    confirmed_at = models.DateTimeField(_("确认时间"), null=True, blank=True)
    confirm_opinion = models.TextField(_("推荐单位意见"), blank=True)
    returned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    returned_at = models.DateTimeField(_("退回时间"), null=True, blank=True)
    return_reason = models.TextField(_("退回理由"), blank=True)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    accepted_at = models.DateTimeField(_("受理时间"), null=True, blank=True)
    updated_at = models.DateTimeField(_("最后保存"), auto_now=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("年度报告")
        verbose_name_plural = _("年度报告")
        ordering = ["round", "base__batch", "base_id"]
        # a round's counts strip (state, COUNT(*)) read from this index alone; the base for the scopes that join it
        indexes = [models.Index(fields=["round", "state", "base"], name="annualreport_round_state")]
        constraints = [
            models.UniqueConstraint(fields=["round", "base"], name="annual_report_round_base_unique"),
            *[
                models.CheckConstraint(
                    name=f"annual_report_{name}_nonnegative",
                    condition=models.Q(**{f"{name}__gte": 0}) | models.Q(**{f"{name}__isnull": True}),
                )
                for name, _label in MONEY_FIELDS
            ],
        ]

    def __str__(self) -> str:
        return f"{self.base} {self.round.year}年度报告"

    @property
    def is_editable(self) -> bool:
        return self.state in OPEN_REPORT_STATES

    @property
    def late_fail_reason(self) -> str:
        """Why the base is 不合格 whatever else (the round's late rule: 「未按时提交」), or "" (the grading's
        forced_fail for this report)."""
        if self.state == ReportState.LATE and self.round.late_fails:
            return self.round.late_reason
        return ""

    @transition(
        field=state,
        source=[ReportState.DRAFT, ReportState.RETURNED],
        target=ReportState.SUBMITTED,
        permission=perm_report_base,
        conditions=[report_round_open, report_before_final_day, report_complete],
        custom={"label": _("提交年度报告"), "confirm": True},
    )
    def submit(self, *, actor) -> None:
        """提交年度报告"""
        self.version += 1
        self.submitted_by, self.submitted_at = actor, timezone.now()

    @transition(
        field=state,
        source=ReportState.SUBMITTED,
        target=ReportState.CONFIRMED,
        permission=perm_report_authority,
        conditions=[report_round_asks_confirmation],
        custom={"label": _("确认报告")},
    )
    def confirm(self, *, actor, opinion: str = "") -> None:
        """确认报告"""
        self.confirmed_by, self.confirmed_at, self.confirm_opinion = actor, timezone.now(), opinion

    @transition(
        field=state,
        source=[ReportState.SUBMITTED, ReportState.CONFIRMED],
        target=ReportState.RETURNED,
        permission=perm_report_returner,
        conditions=[report_round_open],
        custom={"label": _("退回修改"), "style": "outline-danger"},
    )
    def return_for_revision(self, *, actor, reason: str) -> None:
        """退回修改"""
        self.returned_by, self.returned_at, self.return_reason = actor, timezone.now(), reason
        # Returned after the authority confirmed it (the authority itself, before the agency accepts it): that
        # confirmation no longer stands, the resubmitted version waits for a new one (and its PDF has no seal date).
        self.confirmed_by, self.confirmed_at, self.confirm_opinion = None, None, ""

    @transition(
        field=state,
        source=[ReportState.SUBMITTED, ReportState.CONFIRMED],
        target=ReportState.ACCEPTED,
        permission=perm_report_reviewer,
        conditions=[report_confirmed_if_required],
        custom={"label": _("受理报告"), "confirm": True},
    )
    def accept(self, *, actor) -> None:
        """受理报告"""
        self.accepted_by, self.accepted_at = actor, timezone.now()

    @transition(
        field=state,
        source=[ReportState.DRAFT, ReportState.RETURNED],
        target=ReportState.LATE,
        permission=perm_system,
        conditions=[report_final_day_passed],
        custom={"label": _("逾期未交")},
    )
    def mark_late(self) -> None:
        """逾期未交"""


class ReportVersion(models.Model):
    """What the base submitted, frozen per version: the reviewer of a resubmission sees what changed."""

    report = models.ForeignKey(AnnualReport, on_delete=models.CASCADE, related_name="versions")
    version = models.PositiveSmallIntegerField(_("版本"))
    data = models.JSONField(_("提交内容"))
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    submitted_at = models.DateTimeField(_("提交时间"))

    class Meta:
        verbose_name = _("年度报告版本")
        verbose_name_plural = _("年度报告版本")
        ordering = ["report", "version"]
        constraints = [models.UniqueConstraint(fields=["report", "version"], name="report_version_unique")]

    def __str__(self) -> str:
        return f"{self.report} v{self.version}"


def report_file_upload_to(instance: "ReportFile", filename: str) -> str:
    return f"evaluations/reports/{instance.report_id}/{instance.sha256}.{instance.extension}"


class ReportFile(StoredFile):
    """An attachment of the annual report (checked by content like every upload; private storage)."""

    report = models.ForeignKey(AnnualReport, on_delete=models.CASCADE, related_name="files")
    file = models.FileField(_("文件"), upload_to=report_file_upload_to)

    class Meta(StoredFile.Meta):
        verbose_name = _("年度报告附件")
        verbose_name_plural = _("年度报告附件")
