"""运行奖补 (operating rewards, 五.(二)): a year's reward list from an evaluation year's results.

- `RewardYear`: the settings of one reward list — the evaluation year (and its published round, when the portal
  held one) it follows, the reference date the eligibility is judged on, the minimum grade, the total budget, the
  amount per grade (`RewardTier` rows) — and the list's workflow: draft (编制中) → proposed (待审批: submitted for
  approval) → approved (已批准, by a staff member other than the proposer: four eyes) → disbursed (已拨付, when
  every line with an amount is disbursed). A total above the budget needs an explicit override with a reason
  (`override_budget`), valid for the total it was recorded for.
- `RewardLine`: one base's line — eligible or not with the rule applied and why (subsidies.reward_rules), the
  amount the tiers propose, the amount decided (staff adjust it with a reason: the `adjust` transition, logged),
  and its disbursement (date, document number).

On approval each line with an amount gets a GRANT ledger row, on disbursement a DISBURSEMENT row (support
运行奖补, source the line), through subsidies.services.ledger.ledger_post.
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q, Sum
from django.utils.translation import gettext_lazy as _
from django_fsm import FSMField, FSMModelMixin, transition

from pilotbase.money import amount as money
from pilotbase.workflow import acting_user, condition

from ..rules import perm_reward_approver, perm_reward_staff

__all__ = ["RewardYear", "RewardYearState", "RewardTier", "RewardLine", "RewardLineState", "REWARD_GRADES"]

ZERO = Decimal("0.00")


class RewardGrade(models.TextChoices):
    EXCELLENT = "excellent", _("优秀")
    GOOD = "good", _("良好")
    PASS = "pass", _("合格")


REWARD_GRADES = RewardGrade


class RewardYearState(models.TextChoices):
    DRAFT = "draft", _("编制中")
    PROPOSED = "proposed", _("待审批")
    APPROVED = "approved", _("已批准")
    DISBURSED = "disbursed", _("已拨付")


class RewardLineState(models.TextChoices):
    OPEN = "open", _("未拨付")
    DISBURSED = "disbursed", _("已拨付")


# ---- the year's conditions ------------------------------------------------------------------------------------
def _budget_detail(year: RewardYear) -> str:
    return str(_("奖补合计%(total)s元，超出预算%(budget)s元，须先登记超预算说明。")) % {
        "total": money(year.total), "budget": money(year.budget)}


@condition(_("奖补合计超出年度预算，须先登记超预算说明（理由）。"), detail=_budget_detail)
def reward_within_budget(year: RewardYear) -> bool:
    return year.within_budget_or_overridden


@condition(_("名单中没有可奖补金额的基地。"))
def reward_has_amounts(year: RewardYear) -> bool:
    return year.lines.filter(eligible=True, amount__gt=0).exists()


@condition(_("须由提交审批以外的另一名工作人员批准。"))
def reward_second_person(year: RewardYear) -> bool:
    user = acting_user()
    return user is not None and year.proposed_by_id is not None and user.pk != year.proposed_by_id


@condition(_("奖补合计未超出预算，无需登记超预算说明。"))
def reward_over_budget(year: RewardYear) -> bool:
    return year.total > year.budget


class RewardYear(FSMModelMixin, models.Model):
    evaluation_year = models.PositiveSmallIntegerField(_("考核年度"), unique=True)
    round = models.OneToOneField(
        "evaluations.EvaluationRound", verbose_name=_("年度绩效考核"), on_delete=models.PROTECT, null=True,
        blank=True, related_name="reward_year",
        help_text=_("平台组织的考核（已公布结果）；平台上线前的年度按导入的考核结果，不选。"),
    )
    reference_date = models.DateField(_("基准日"), help_text=_("判断认定后第几年的日期：考核的基准日。"))
    year = models.PositiveSmallIntegerField(_("预算年度"))
    min_grade = models.CharField(_("最低考核等次"), max_length=12, choices=RewardGrade.choices,
                                 default=RewardGrade.GOOD)
    budget = models.DecimalField(_("年度预算（元）"), max_digits=14, decimal_places=2,
                                 validators=[MinValueValidator(ZERO, _("预算不能为负数。"))])
    note = models.TextField(_("说明"), blank=True)
    state = FSMField(_("状态"), default=RewardYearState.DRAFT, choices=RewardYearState.choices, protected=True)
    override_reason = models.TextField(_("超预算说明"), blank=True)
    override_total = models.DecimalField(_("超预算说明对应的合计（元）"), max_digits=14, decimal_places=2, null=True,
                                         blank=True)
    override_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                    related_name="+")
    proposed_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("提交人"), on_delete=models.PROTECT,
                                    null=True, blank=True, related_name="+")
    proposed_at = models.DateTimeField(_("提交时间"), null=True, blank=True)
    approved_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("批准人"), on_delete=models.PROTECT,
                                    null=True, blank=True, related_name="+")
    approved_at = models.DateTimeField(_("批准时间"), null=True, blank=True)
    approval_opinion = models.TextField(_("审批意见"), blank=True)
    document_no = models.CharField(_("下达文号"), max_length=60, blank=True)
    disbursed_on = models.DateField(_("拨付完毕日期"), null=True, blank=True)
    disbursement_no = models.CharField(_("拨付文号"), max_length=60, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("运行奖补年度")
        verbose_name_plural = _("运行奖补")
        ordering = ["-evaluation_year"]
        constraints = [
            models.CheckConstraint(name="reward_year_budget_nonnegative", condition=Q(budget__gte=0)),
        ]

    def __str__(self) -> str:
        return str(_("%(year)s年度运行奖补")) % {"year": self.evaluation_year}

    @property
    def total(self) -> Decimal:
        """The sum of the eligible lines' amounts (one query; a page that shows it reads `line_total` once)."""
        cached = getattr(self, "_total", None)
        if cached is None:
            cached = self.lines.filter(eligible=True).aggregate(t=Sum("amount"))["t"] or ZERO
        return cached

    @property
    def within_budget_or_overridden(self) -> bool:
        total = self.total
        if total <= self.budget:
            return True
        return bool(self.override_reason.strip()) and self.override_total == total

    @transition(field=state, source=RewardYearState.DRAFT, target=None, permission=perm_reward_staff,
                conditions=[reward_over_budget], custom={"label": _("登记超预算说明"), "style": "outline-danger"})
    def override_budget(self, *, actor, reason: str) -> None:
        """登记超预算说明"""
        self.override_reason, self.override_total, self.override_by = reason, self.total, actor

    @transition(field=state, source=RewardYearState.DRAFT, target=RewardYearState.PROPOSED,
                permission=perm_reward_staff, conditions=[reward_has_amounts, reward_within_budget],
                custom={"label": _("提交审批"), "confirm": _("提交后名单不能再调整，须由另一名工作人员批准。确定提交吗？")})
    def propose(self, *, actor) -> None:
        """提交审批"""
        from django.utils import timezone

        self.proposed_by, self.proposed_at = actor, timezone.now()

    @transition(field=state, source=RewardYearState.PROPOSED, target=RewardYearState.DRAFT,
                permission=perm_reward_staff, custom={"label": _("退回修改"), "style": "outline-secondary"})
    def return_draft(self, *, opinion: str) -> None:
        """退回修改"""
        self.approval_opinion = opinion

    @transition(field=state, source=RewardYearState.PROPOSED, target=RewardYearState.APPROVED,
                permission=perm_reward_approver, conditions=[reward_second_person, reward_within_budget],
                custom={"label": _("批准"), "confirm": True, "style": "success"})
    def approve(self, *, actor, opinion: str, document_no: str, approved_at) -> None:
        """批准 (`approved_at`: when the decision was taken, which the service says)"""
        self.approved_by, self.approved_at = actor, approved_at
        self.approval_opinion, self.document_no = opinion, document_no

    @transition(field=state, source=RewardYearState.APPROVED, target=RewardYearState.DISBURSED,
                permission=perm_reward_staff, custom={"label": _("全部拨付"), "confirm": True})
    def disburse(self, *, disbursed_on, document_no: str) -> None:
        """全部拨付 (the service disburses every open line first, in the same decision)"""
        self.disbursed_on, self.disbursement_no = disbursed_on, document_no


# ---- tiers ------------------------------------------------------------------------------------------------------
class RewardTier(models.Model):
    """The amount a grade earns in the year (e.g. 优秀 → 400,000 yuan, 良好 → 200,000 yuan)."""

    reward_year = models.ForeignKey(RewardYear, on_delete=models.CASCADE, related_name="tiers")
    grade = models.CharField(_("考核等次"), max_length=12, choices=RewardGrade.choices)
    amount = models.DecimalField(_("奖补金额（元）"), max_digits=14, decimal_places=2,
                                 validators=[MinValueValidator(ZERO, _("金额不能为负数。"))])

    class Meta:
        verbose_name = _("奖补档次")
        verbose_name_plural = _("奖补档次")
        ordering = ["reward_year", "amount"]
        constraints = [
            models.UniqueConstraint(fields=["reward_year", "grade"], name="reward_tier_year_grade_unique"),
            models.CheckConstraint(name="reward_tier_amount_nonnegative", condition=Q(amount__gte=0)),
        ]

    def __str__(self) -> str:
        return f"{self.get_grade_display()} {money(self.amount)}"


# ---- lines ------------------------------------------------------------------------------------------------------
@condition(_("名单已提交审批或已批准，不能再调整金额。"))
def line_year_in_draft(line: RewardLine) -> bool:
    return line.reward_year.state == RewardYearState.DRAFT


@condition(_("该基地不符合运行奖补条件，金额不能调整。"))
def line_eligible(line: RewardLine) -> bool:
    return line.eligible


@condition(_("名单尚未批准，不能登记拨付。"))
def line_year_approved(line: RewardLine) -> bool:
    return line.reward_year.state == RewardYearState.APPROVED


@condition(_("该基地没有奖补金额，无需拨付。"))
def line_has_amount(line: RewardLine) -> bool:
    return line.eligible and line.amount > 0


class RewardLine(FSMModelMixin, models.Model):
    reward_year = models.ForeignKey(RewardYear, on_delete=models.CASCADE, related_name="lines")
    base = models.ForeignKey("pilotbase.Base", verbose_name=_("中试基地"), on_delete=models.PROTECT,
                             related_name="reward_lines")
    grade = models.CharField(_("考核等次"), max_length=12, blank=True)
    eligible = models.BooleanField(_("符合条件"))
    supported = models.BooleanField(_("已获建设支持"), default=False)
    year_after = models.PositiveSmallIntegerField(_("认定后第几年"))
    rule = models.CharField(_("适用规则"), max_length=200)
    reasons = models.TextField(_("不符合条件的原因"), blank=True)
    proposed_amount = models.DecimalField(_("按档次核算金额（元）"), max_digits=14, decimal_places=2, default=ZERO)
    amount = models.DecimalField(_("奖补金额（元）"), max_digits=14, decimal_places=2, default=ZERO)
    adjust_reason = models.TextField(_("调整理由"), blank=True)
    adjusted_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("调整人"), on_delete=models.PROTECT,
                                    null=True, blank=True, related_name="+")
    adjusted_at = models.DateTimeField(_("调整时间"), null=True, blank=True)
    state = FSMField(_("拨付状态"), default=RewardLineState.OPEN, choices=RewardLineState.choices, protected=True)
    disbursed_on = models.DateField(_("拨付日期"), null=True, blank=True)
    document_no = models.CharField(_("拨付文号/凭证号"), max_length=60, blank=True)
    disbursed_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("拨付登记人"),
                                     on_delete=models.PROTECT, null=True, blank=True, related_name="+")

    class Meta:
        verbose_name = _("运行奖补名单")
        verbose_name_plural = _("运行奖补名单")
        ordering = ["reward_year", "-eligible", "base__batch", "base_id"]
        constraints = [
            models.UniqueConstraint(fields=["reward_year", "base"], name="reward_line_year_base_unique"),
            models.CheckConstraint(name="reward_line_amount_nonnegative",
                                   condition=Q(amount__gte=0) & Q(proposed_amount__gte=0)),
            models.CheckConstraint(name="reward_line_ineligible_has_no_amount",
                                   condition=Q(eligible=True) | Q(amount=0)),
            models.CheckConstraint(name="reward_line_adjustment_has_reason",
                                   condition=Q(amount=models.F("proposed_amount")) | ~Q(adjust_reason="")),
        ]

    def __str__(self) -> str:
        return f"{self.reward_year} {self.base}"

    @property
    def grade_label(self) -> str:
        from evaluations.models import Grade

        return str(dict(Grade.choices).get(self.grade, self.grade)) if self.grade else "—"

    @property
    def reason_list(self) -> list[str]:
        return [r for r in self.reasons.rstrip("。").split("；") if r]

    @property
    def adjusted(self) -> bool:
        return self.amount != self.proposed_amount

    @transition(field=state, source=RewardLineState.OPEN, target=None, permission=perm_reward_staff,
                conditions=[line_year_in_draft, line_eligible], custom={"label": _("调整奖补金额")})
    def adjust(self, *, actor, amount: Decimal, reason: str) -> None:
        """调整奖补金额"""
        from django.utils import timezone

        self.amount, self.adjust_reason = amount, reason
        self.adjusted_by, self.adjusted_at = actor, timezone.now()

    @transition(field=state, source=RewardLineState.OPEN, target=RewardLineState.DISBURSED,
                permission=perm_reward_staff, conditions=[line_year_approved, line_has_amount],
                custom={"label": _("登记拨付"), "confirm": True})
    def disburse(self, *, actor, disbursed_on, document_no: str) -> None:
        """登记拨付"""
        self.disbursed_on, self.document_no, self.disbursed_by = disbursed_on, document_no, actor
