"""建设支持 (construction support, 《实施方案》五.(一)).

- `SupportBudget`: the annual budget of one kind of support (year, kind, amount), set by staff.
- `ConstructionCheck`: what staff confirmed of a base for the eligibility (subsidies.eligibility): its declaration
  of no related cultivation support, and whether its platform is newly built.
- `ConstructionGrant`: proposed (待审批, by a staff member) → approved (已批准, by a *different* staff member; a
  total above the year's budget needs `override_budget` with a reason first) → disbursed (已拨付: date, amount,
  document number; from then the two-year window, 五.(一).3) → closed completed (已完成建设) or not completed
  (未完成建设, which can open a recovery). Approval posts a GRANT ledger row, disbursement a DISBURSEMENT row.
- `SpendingItem` (+ `SpendingFile`): what the base reports it spent in the window (item, amount, equipment bought,
  files through pilotbase.uploads).
"""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q, Sum
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_fsm import FSMField, FSMModelMixin, transition

from pilotbase.models import StoredFile
from pilotbase.money import amount as money
from pilotbase.workflow import acting_user, condition

from ..rules import perm_construction_approver, perm_construction_spending, perm_construction_staff
from .ledger import SupportKind

__all__ = ["SupportBudget", "ConstructionCheck", "ConstructionGrant", "GrantState", "SpendingItem", "SpendingFile",
           "WINDOW_YEARS", "window_end"]

ZERO = Decimal("0.00")
WINDOW_YEARS = 2  # 五.(一).3: the support is used within two years of its disbursement


def _anniversary(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February → 28 February of a common year
        return day.replace(year=day.year + years, day=28)


def window_end(disbursed_on: date) -> date:
    """The last day of the two-year window: the day before the second anniversary of the disbursement
    (disbursed 2025-03-01 → ends 2027-02-28; disbursed 2024-02-29 → ends 2026-02-27)."""
    return _anniversary(disbursed_on, WINDOW_YEARS) - timedelta(days=1)


class SupportBudget(models.Model):
    year = models.PositiveSmallIntegerField(_("预算年度"))
    kind = models.CharField(_("资金类别"), max_length=20, choices=SupportKind.choices)
    amount = models.DecimalField(_("年度预算（元）"), max_digits=14, decimal_places=2,
                                 validators=[MinValueValidator(ZERO, _("预算不能为负数。"))])
    note = models.TextField(_("说明"), blank=True)
    set_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("设置人"), on_delete=models.PROTECT,
                               null=True, related_name="+")
    set_at = models.DateTimeField(_("设置时间"), default=timezone.now)

    class Meta:
        verbose_name = _("年度奖补预算")
        verbose_name_plural = _("年度奖补预算")
        ordering = ["-year", "kind"]
        constraints = [
            models.UniqueConstraint(fields=["year", "kind"], name="support_budget_year_kind_unique"),
            models.CheckConstraint(name="support_budget_nonnegative", condition=Q(amount__gte=0)),
        ]

    def __str__(self) -> str:
        return f"{self.year} {self.get_kind_display()} {money(self.amount)}"


class ConstructionCheck(models.Model):
    """Staff's confirmation of the facts the construction support eligibility reads (None: not checked yet)."""

    base = models.OneToOneField("pilotbase.Base", verbose_name=_("中试基地"), on_delete=models.CASCADE,
                                related_name="construction_check")
    cultivation_confirmed = models.BooleanField(
        _("核实未获得相关培育支持"), null=True, blank=True,
        help_text=_("是：核实申报书“未获得相关培育支持”的填报属实；否：核实已获得相关培育支持。"))
    newly_built = models.BooleanField(_("核实为新建平台"), null=True, blank=True)
    note = models.TextField(_("核实说明"), blank=True)
    checked_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("核实人"), on_delete=models.PROTECT,
                                   null=True, related_name="+")
    checked_at = models.DateTimeField(_("核实时间"), default=timezone.now)

    class Meta:
        verbose_name = _("建设支持条件核实")
        verbose_name_plural = _("建设支持条件核实")

    def __str__(self) -> str:
        return str(self.base)


class GrantState(models.TextChoices):
    PROPOSED = "proposed", _("待审批")
    APPROVED = "approved", _("已批准")
    DISBURSED = "disbursed", _("资金使用期")
    COMPLETED = "completed", _("已完成建设")
    NOT_COMPLETED = "not_completed", _("未完成建设")


# ---- conditions -------------------------------------------------------------------------------------------------
def _budget_detail(grant: ConstructionGrant) -> str:
    if grant.budget is None:
        return str(_("%(year)s年度建设支持预算尚未设置，请先设置年度预算。")) % {"year": grant.year}
    return str(_("%(year)s年度建设支持合计%(total)s元（含本项），超出预算%(budget)s元，须先登记超预算说明。")) % {
        "year": grant.year, "total": money(grant.year_total_with_this), "budget": money(grant.budget.amount)}


@condition(_("建设支持合计超出年度预算，须先登记超预算说明（理由）。"), detail=_budget_detail)
def construction_within_budget(grant: ConstructionGrant) -> bool:
    return grant.within_budget_or_overridden


@condition(_("建设支持合计未超出年度预算，无需登记超预算说明。"))
def construction_over_budget(grant: ConstructionGrant) -> bool:
    return grant.budget is not None and grant.year_total_with_this > grant.budget.amount


@condition(_("须由提出建议以外的另一名工作人员批准。"))
def construction_second_person(grant: ConstructionGrant) -> bool:
    user = acting_user()
    return user is not None and grant.proposed_by_id is not None and user.pk != grant.proposed_by_id


@condition(_("资金使用期尚未结束，不能登记为未完成建设。"))
def construction_window_ended(grant: ConstructionGrant) -> bool:
    return grant.window_ends_on is not None and timezone.localdate() > grant.window_ends_on


class ConstructionGrant(FSMModelMixin, models.Model):
    base = models.ForeignKey("pilotbase.Base", verbose_name=_("中试基地"), on_delete=models.PROTECT,
                             related_name="construction_grants")
    year = models.PositiveSmallIntegerField(_("预算年度"))
    amount = models.DecimalField(_("支持金额（元）"), max_digits=14, decimal_places=2)
    route = models.CharField(_("支持条件"), max_length=100, blank=True)
    basis = models.TextField(_("建议理由"), blank=True)
    state = FSMField(_("状态"), default=GrantState.PROPOSED, choices=GrantState.choices, protected=True)
    proposed_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("建议人"), on_delete=models.PROTECT,
                                    related_name="+")
    proposed_at = models.DateTimeField(_("建议时间"), default=timezone.now)
    override_reason = models.TextField(_("超预算说明"), blank=True)
    override_total = models.DecimalField(_("超预算说明对应的合计（元）"), max_digits=14, decimal_places=2, null=True,
                                         blank=True)
    override_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                    related_name="+")
    approved_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("批准人"), on_delete=models.PROTECT,
                                    null=True, blank=True, related_name="+")
    approved_at = models.DateTimeField(_("批准时间"), null=True, blank=True)
    approval_opinion = models.TextField(_("审批意见"), blank=True)
    document_no = models.CharField(_("下达文号"), max_length=60, blank=True)
    disbursed_on = models.DateField(_("拨付日期"), null=True, blank=True)
    disbursed_amount = models.DecimalField(_("拨付金额（元）"), max_digits=14, decimal_places=2, null=True,
                                           blank=True)
    disbursement_no = models.CharField(_("拨付文号/凭证号"), max_length=60, blank=True)
    disbursed_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("拨付登记人"),
                                     on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    window_ends_on = models.DateField(_("资金使用期截止日"), null=True, blank=True)
    closed_on = models.DateField(_("结束日期"), null=True, blank=True)
    closed_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("结束登记人"), on_delete=models.PROTECT,
                                  null=True, blank=True, related_name="+")
    close_note = models.TextField(_("结束说明"), blank=True)

    class Meta:
        verbose_name = _("建设支持")
        verbose_name_plural = _("建设支持")
        ordering = ["-year", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["base"], name="construction_grant_one_per_base"),
            models.CheckConstraint(name="construction_grant_amount_positive", condition=Q(amount__gt=0)),
            models.CheckConstraint(
                name="construction_grant_disbursed_within_amount",
                condition=Q(disbursed_amount__isnull=True)
                | (Q(disbursed_amount__gt=0) & Q(disbursed_amount__lte=models.F("amount")))),
        ]

    def __str__(self) -> str:
        return str(_("%(base)s建设支持")) % {"base": self.base}

    # ---- budget ---------------------------------------------------------------------------------------------
    @property
    def budget(self) -> SupportBudget | None:
        if not hasattr(self, "_budget"):
            self._budget = SupportBudget.objects.filter(year=self.year, kind=SupportKind.CONSTRUCTION).first()
        return self._budget

    @property
    def year_total_with_this(self) -> Decimal:
        """The year's approved (or later) grants plus this one: what the approval would bring the year to."""
        others = (ConstructionGrant.objects.filter(year=self.year).exclude(pk=self.pk)
                  .exclude(state=GrantState.PROPOSED).aggregate(t=Sum("amount"))["t"] or ZERO)
        return others + self.amount

    @property
    def within_budget_or_overridden(self) -> bool:
        if self.budget is None:
            return False
        total = self.year_total_with_this
        if total <= self.budget.amount:
            return True
        return bool(self.override_reason.strip()) and self.override_total == total

    # ---- the window -----------------------------------------------------------------------------------------
    def days_left(self, today: date | None = None) -> int | None:
        """Days from today to the window's last day (0 on the last day, negative when overdue)."""
        if self.window_ends_on is None:
            return None
        return (self.window_ends_on - (today or timezone.localdate())).days

    @property
    def overdue(self) -> bool:
        left = self.days_left()
        return self.state == GrantState.DISBURSED and left is not None and left < 0

    @property
    def spent(self) -> Decimal:
        cached = getattr(self, "spent_total", None)
        if cached is None:
            cached = self.spending.aggregate(t=Sum("amount"))["t"] or ZERO
        return cached

    @property
    def granted(self) -> Decimal:
        return self.disbursed_amount if self.disbursed_amount is not None else self.amount

    @property
    def remaining(self) -> Decimal:
        return max(self.granted - self.spent, ZERO)

    # ---- transitions ----------------------------------------------------------------------------------------
    @transition(field=state, source=GrantState.PROPOSED, target=None, permission=perm_construction_staff,
                conditions=[construction_over_budget],
                custom={"label": _("登记超预算说明"), "style": "outline-danger"})
    def override_budget(self, *, actor, reason: str) -> None:
        """登记超预算说明"""
        self.override_reason, self.override_total, self.override_by = reason, self.year_total_with_this, actor

    @transition(field=state, source=GrantState.PROPOSED, target=GrantState.APPROVED,
                permission=perm_construction_approver,
                conditions=[construction_second_person, construction_within_budget],
                custom={"label": _("批准"), "confirm": True, "style": "success"})
    def approve(self, *, actor, opinion: str, document_no: str, approved_at) -> None:
        """批准 (`approved_at`: when the decision was taken, which the service says)"""
        self.approved_by, self.approved_at = actor, approved_at
        self.approval_opinion, self.document_no = opinion, document_no

    @transition(field=state, source=GrantState.APPROVED, target=GrantState.DISBURSED,
                permission=perm_construction_staff, custom={"label": _("登记拨付"), "confirm": True})
    def disburse(self, *, actor, disbursed_on: date, amount: Decimal, document_no: str) -> None:
        """登记拨付: the two-year window starts"""
        self.disbursed_on, self.disbursed_amount, self.disbursement_no = disbursed_on, amount, document_no
        self.disbursed_by, self.window_ends_on = actor, window_end(disbursed_on)

    @transition(field=state, source=GrantState.DISBURSED, target=None, permission=perm_construction_spending,
                custom={"label": _("报告资金使用")})
    def report_spending(self) -> None:
        """报告资金使用 (the service adds the SpendingItem; the state stays)"""

    @transition(field=state, source=GrantState.DISBURSED, target=GrantState.COMPLETED,
                permission=perm_construction_staff, custom={"label": _("结束：已完成建设"), "confirm": True})
    def close_completed(self, *, actor, closed_on: date, note: str) -> None:
        """结束：已完成建设"""
        self.closed_on, self.closed_by, self.close_note = closed_on, actor, note

    @transition(field=state, source=GrantState.DISBURSED, target=GrantState.NOT_COMPLETED,
                permission=perm_construction_staff, conditions=[construction_window_ended],
                custom={"label": _("结束：未完成建设"), "confirm": True, "style": "outline-danger"})
    def close_not_completed(self, *, actor, closed_on: date, note: str) -> None:
        """结束：未完成建设 (staff may then open a recovery)"""
        self.closed_on, self.closed_by, self.close_note = closed_on, actor, note


class SpendingItem(models.Model):
    grant = models.ForeignKey(ConstructionGrant, on_delete=models.CASCADE, related_name="spending")
    item = models.CharField(_("支出事项"), max_length=200)
    amount = models.DecimalField(_("金额（元）"), max_digits=14, decimal_places=2)
    spent_on = models.DateField(_("支出日期"))
    is_equipment = models.BooleanField(_("购置设备"), default=False)
    equipment = models.CharField(_("设备名称及型号"), max_length=200, blank=True)
    note = models.TextField(_("说明"), blank=True)
    reported_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("报告人"), on_delete=models.PROTECT,
                                    related_name="+")
    reported_at = models.DateTimeField(_("报告时间"), default=timezone.now)

    class Meta:
        verbose_name = _("资金使用情况")
        verbose_name_plural = _("资金使用情况")
        ordering = ["grant", "spent_on", "id"]
        constraints = [
            models.CheckConstraint(name="spending_amount_positive", condition=Q(amount__gt=0)),
            models.CheckConstraint(name="spending_equipment_named",
                                   condition=Q(is_equipment=False) | ~Q(equipment="")),
        ]

    def __str__(self) -> str:
        return f"{self.item} {money(self.amount)}"


def spending_file_upload_to(instance: SpendingFile, filename: str) -> str:
    return f"subsidies/spending/{instance.item.grant_id}/{instance.sha256}.{instance.extension}"


class SpendingFile(StoredFile):
    """A voucher, invoice or photo of a spending item (checked by content like every upload; private storage)."""

    item = models.ForeignKey(SpendingItem, on_delete=models.CASCADE, related_name="files")
    file = models.FileField(_("文件"), upload_to=spending_file_upload_to)

    class Meta(StoredFile.Meta):
        verbose_name = _("资金使用附件")
        verbose_name_plural = _("资金使用附件")
