"""EvaluationRound: one year's 绩效考核, with its indicator rows, grade bands and the bases in it.

Everything that decides an evaluation is a setting of the round (indicators, weights, veto items, bands,
quotas, deadlines, the scoring mode), never a constant; a new round starts as a copy of last year's
(`evaluations.services.round.round_copy`). The round's own state says which phase the year is in; the
reports (`AnnualReport`) have their own workflow inside it.
"""

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import date, timedelta
from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_fsm import FSMField, FSMModelMixin, transition

from applications.models.call import parse_reminder_days, validate_reminder_days
from pilotbase.models import Base, BaseStatus, Organization
from pilotbase.panels import ScoreRule
from pilotbase.workflow import condition

from ..rules import perm_round_staff
from .history import Grade

# The day a round's deadlines are judged by: today, unless a service is asked to act as of another day (the
# reminder sweep is given its day; the demo seed and the tests walk a round's calendar day by day).
_judged_on: ContextVar[date | None] = ContextVar("evaluations_round_judged_on", default=None)


def round_today() -> date:
    return _judged_on.get() or timezone.localdate()


@contextmanager
def round_judged_on(day: date | None) -> Iterator[None]:
    token = _judged_on.set(day)
    try:
        yield
    finally:
        _judged_on.reset(token)


def one_year_before(day: date) -> date:
    """The same day a year earlier (29 February → 28 February)."""
    try:
        return day.replace(year=day.year - 1)
    except ValueError:
        return day.replace(year=day.year - 1, day=28)


def default_included(reference_date: date) -> models.QuerySet[Base]:
    """The bases a round includes unless staff decide otherwise: every active or rectifying base certified at
    least one full year before the reference date (a base certified on 2025-06-30 is in the round whose
    reference date is 2026-06-30, not in one dated 2026-06-29)."""
    return Base.objects.filter(
        state__in=[BaseStatus.ACTIVE, BaseStatus.RECTIFYING],
        certified_on__lte=one_year_before(reference_date),
    )


class RoundState(models.TextChoices):
    DRAFT = "draft", _("筹备中")
    REPORTS_OPEN = "reports_open", _("报告填报中")
    SCORING = "scoring", _("评价打分中")
    NOTICE = "notice", _("结果公示中")
    PUBLISHED = "published", _("结果已公布")
    CLOSED = "closed", _("已结束")


class ScoringMode(models.TextChoices):
    STAFF = "staff", _("机构人员直接评分")
    EXPERTS = "experts", _("抽取专家评分")


WEIGHT_TOTAL = Decimal("100")


@condition(_("请先列入参评基地。"))
def round_has_bases(rnd: "EvaluationRound") -> bool:
    return rnd.round_bases.filter(included=True).exists()


@condition(_("请先设置考核指标。"))
def round_has_indicators(rnd: "EvaluationRound") -> bool:
    return rnd.indicators.filter(is_veto=False).exists()


@condition(_("考核指标（一票否决项除外）的权重合计应为100。"))
def round_weights_total_100(rnd: "EvaluationRound") -> bool:
    total = rnd.indicators.filter(is_veto=False).aggregate(t=models.Sum("weight"))["t"] or Decimal(0)
    return total == WEIGHT_TOTAL


@condition(_("请先设置等次分数线。"))
def round_has_bands(rnd: "EvaluationRound") -> bool:
    return rnd.bands.exists()


@condition(_("请先指定受委托的第三方机构。"))
def round_has_agency(rnd: "EvaluationRound") -> bool:
    return rnd.agency_id is not None


@condition(_("报告提交截止日期已过，请先修改截止日期。"))
def round_deadline_ahead(rnd: "EvaluationRound") -> bool:
    return rnd.report_deadline >= round_today()


@condition(_("仍有基地的年度报告未受理，也未认定为逾期未交。"))
def round_reports_settled(rnd: "EvaluationRound") -> bool:
    from .report import SETTLED_REPORT_STATES

    return not rnd.reports.exclude(state__in=SETTLED_REPORT_STATES).exists()


@condition(_("仍有参评基地的考核等次尚未确认。"))
def round_grades_confirmed(rnd: "EvaluationRound") -> bool:
    from .scoring import EvaluationState

    confirmed = rnd.evaluations.filter(state=EvaluationState.CONFIRMED).values("base_id")
    return not rnd.round_bases.filter(included=True).exclude(base_id__in=confirmed).exists()


def _notice_too_early(rnd: "EvaluationRound") -> str:
    from django.utils.translation import gettext

    from pilotbase.formats import cn_date

    return gettext("考核结果公示期至%(last)s截止，%(day)s起方可公布考核结果。") % {
        "last": cn_date(rnd.notice.last_day), "day": cn_date(rnd.notice.ends_on)}


@condition(_("考核结果公示期满后方可公布考核结果。"), detail=lambda rnd: _notice_too_early(rnd) if rnd.notice_id else "")
def round_notice_period_over(rnd: "EvaluationRound") -> bool:
    """The round's 公示 (a reviews PublicNotice) has run its period; a round that entered its notice phase before
    the notice was a PublicNotice has none and is not held back."""
    return rnd.notice_id is None or round_today() >= rnd.notice.ends_on


@condition(_("考核结果公示尚有异议未处理，请先处理异议再公布考核结果。"))
def round_notice_objections_handled(rnd: "EvaluationRound") -> bool:
    from reviews.models import Objection, ObjectionState

    return rnd.notice_id is None or not Objection.objects.filter(
        entry__notice_id=rnd.notice_id, state=ObjectionState.PENDING).exists()


class EvaluationRound(FSMModelMixin, models.Model):
    """年度绩效考核: one year, its bases, indicators, grade bands, agency and deadlines."""

    year = models.PositiveSmallIntegerField(
        _("考核年度"),
        unique=True,
        validators=[
            MinValueValidator(2020, _("年度应在2020至2100之间。")),
            MaxValueValidator(2100, _("年度应在2020至2100之间。")),
        ],
    )
    title = models.CharField(_("名称"), max_length=200)
    reference_date = models.DateField(
        _("基准日"), help_text=_("认定满一年的判断日：在此日一年前（含）认定的运行中或整改中基地默认参评。")
    )
    report_deadline = models.DateField(_("年度报告提交截止日期"))
    grace_days = models.PositiveSmallIntegerField(
        _("宽限期（天）"),
        default=5,
        validators=[MaxValueValidator(60, _("宽限期最长60天。"))],
        help_text=_("截止日期后仍可提交的天数；宽限期满仍未提交的，按“未按时提交”处理。"),
    )
    reminder_days = models.CharField(
        _("截止前提醒（天）"),
        max_length=40,
        default="7,1",
        help_text=_("以逗号分隔，例如 7,1 表示截止前7天和1天各提醒一次。"),
        validators=[validate_reminder_days],
    )
    agency = models.ForeignKey(
        Organization,
        verbose_name=_("受委托第三方机构"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="evaluation_rounds",
        limit_choices_to={"kind": "agency"},
    )
    authority_confirms = models.BooleanField(
        _("推荐单位确认报告"),
        default=True,
        help_text=_(
            "勾选后，基地报告须经所属推荐单位确认后再交第三方机构（六.（一）推荐单位负责监督管理）。"
        ),
    )
    scoring_mode = models.CharField(
        _("评分方式"), max_length=12, choices=ScoringMode.choices, default=ScoringMode.EXPERTS
    )
    panel_size = models.PositiveSmallIntegerField(
        _("每个基地的专家人数"),
        default=5,
        validators=[
            MinValueValidator(1, _("专家人数至少为1。")),
            MaxValueValidator(15, _("专家人数最多为15。")),
        ],
    )
    panel_rule = models.CharField(
        _("专家组得分规则"), max_length=12, choices=ScoreRule.choices, default=ScoreRule.TRIMMED
    )
    late_fails = models.BooleanField(
        _("逾期未交评为不合格"),
        default=True,
        help_text=_("宽限期满仍未提交年度报告的基地，考核等次为不合格。"),
    )
    late_reason = models.CharField(_("逾期未交的认定理由"), max_length=100, default="未按时提交")
    scores_public = models.BooleanField(
        _("公布得分"),
        default=False,
        help_text=_("勾选后，公开的考核结果（页面、Excel表和公告）列出各基地的总分；默认只公布等次。"),
    )
    note = models.TextField(_("考核说明"), blank=True)
    notice_working_days = models.PositiveSmallIntegerField(
        _("结果公示期（工作日）"),
        default=5,
        validators=[
            MinValueValidator(1, _("公示期至少为1个工作日。")),
            MaxValueValidator(30, _("公示期最长30个工作日。")),
        ],
        help_text=_("发起考核结果公示之日起计算；公示期满且异议处理完毕后方可公布考核结果。"),
    )
    notice_contact = models.CharField(
        _("异议受理联系方式"), max_length=200, blank=True, help_text=_("例如：成果转化与区域创新处，电话 0771-xxxxxxx")
    )
    notice = models.OneToOneField(
        "reviews.PublicNotice",
        verbose_name=_("考核结果公示"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        editable=False,
        related_name="evaluation_round",
    )
    state = FSMField(_("状态"), default=RoundState.DRAFT, choices=RoundState.choices, protected=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("年度绩效考核")
        verbose_name_plural = _("年度绩效考核")
        ordering = ["-year"]

    def __str__(self) -> str:
        return self.title

    @property
    def final_day(self) -> date:
        """The last day a report may still be submitted: the deadline plus the grace days."""
        return self.report_deadline + timedelta(days=self.grace_days)

    def reminder_day_list(self) -> list[int]:
        return parse_reminder_days(self.reminder_days)

    @transition(
        field=state,
        source=RoundState.DRAFT,
        target=RoundState.REPORTS_OPEN,
        permission=perm_round_staff,
        conditions=[
            round_has_bases,
            round_has_indicators,
            round_weights_total_100,
            round_has_bands,
            round_has_agency,
            round_deadline_ahead,
        ],
        custom={"label": _("启动年度报告填报"), "confirm": True},
    )
    def open_reports(self) -> None:
        """启动年度报告填报"""

    @transition(
        field=state,
        source=RoundState.REPORTS_OPEN,
        target=RoundState.SCORING,
        permission=perm_round_staff,
        conditions=[round_reports_settled],
        custom={"label": _("进入评价打分"), "confirm": True},
    )
    def start_scoring(self) -> None:
        """进入评价打分"""

    @transition(
        field=state,
        source=RoundState.SCORING,
        target=RoundState.NOTICE,
        permission=perm_round_staff,
        conditions=[round_grades_confirmed],
        custom={"label": _("考核结果公示"), "confirm": True},
    )
    def open_notice(self) -> None:
        """考核结果公示"""

    @transition(
        field=state,
        source=RoundState.NOTICE,
        target=RoundState.PUBLISHED,
        permission=perm_round_staff,
        conditions=[round_grades_confirmed, round_notice_period_over, round_notice_objections_handled],
        custom={"label": _("公布考核结果"), "confirm": True},
    )
    def publish(self) -> None:
        """公布考核结果"""

    @transition(
        field=state,
        source=RoundState.PUBLISHED,
        target=RoundState.CLOSED,
        permission=perm_round_staff,
        custom={"label": _("结束本年度考核"), "confirm": True, "style": "outline-secondary"},
    )
    def close(self) -> None:
        """结束本年度考核"""


class RoundIndicator(models.Model):
    """A row of the round's indicator system: weighted, or a veto item (一票否决, e.g. a major safety or
    environmental accident) that carries no weight and forces 不合格."""

    round = models.ForeignKey(EvaluationRound, on_delete=models.CASCADE, related_name="indicators")
    name = models.CharField(_("指标名称"), max_length=100)
    description = models.CharField(_("评分要点"), max_length=300, blank=True)
    weight = models.DecimalField(
        _("权重"),
        max_digits=5,
        decimal_places=2,
        default=Decimal(0),
        validators=[MinValueValidator(Decimal(0), _("权重不能为负数。"))],
    )
    max_score = models.DecimalField(
        _("满分"),
        max_digits=6,
        decimal_places=2,
        default=Decimal(100),
        validators=[MinValueValidator(Decimal("0.01"), _("满分应大于0。"))],
    )
    is_veto = models.BooleanField(_("一票否决项"), default=False)
    order = models.PositiveSmallIntegerField(_("顺序"), default=0)

    class Meta:
        verbose_name = _("考核指标")
        verbose_name_plural = _("考核指标")
        ordering = ["round", "order", "id"]
        constraints = [
            models.CheckConstraint(
                name="round_indicator_weight_nonnegative", condition=models.Q(weight__gte=0)
            ),
            models.CheckConstraint(name="round_indicator_max_positive", condition=models.Q(max_score__gt=0)),
        ]

    def __str__(self) -> str:
        return self.name


class GradeBand(models.Model):
    """A grade's lower threshold (total score ≥ min_score), with an optional quota (e.g. 优秀 ≤ 20 %)."""

    round = models.ForeignKey(EvaluationRound, on_delete=models.CASCADE, related_name="bands")
    grade = models.CharField(_("等次"), max_length=12, choices=Grade.choices)
    min_score = models.DecimalField(
        _("最低分"),
        max_digits=6,
        decimal_places=2,
        validators=[MinValueValidator(Decimal(0), _("分数线不能为负数。"))],
    )
    quota_percent = models.DecimalField(
        _("比例上限（%）"),
        max_digits=5,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[
            MinValueValidator(Decimal(0), _("比例不能为负数。")),
            MaxValueValidator(Decimal(100), _("比例不能超过100%。")),
        ],
    )

    class Meta:
        verbose_name = _("等次分数线")
        verbose_name_plural = _("等次分数线")
        ordering = ["round", "-min_score"]
        constraints = [
            models.UniqueConstraint(fields=["round", "grade"], name="grade_band_round_grade_unique"),
            models.CheckConstraint(name="grade_band_min_nonnegative", condition=models.Q(min_score__gte=0)),
        ]

    def __str__(self) -> str:
        return f"{self.get_grade_display()} ≥ {self.min_score}"


class RoundBase(models.Model):
    """A base's place in a round: included or not, and why (a default by the rule, or a staff decision)."""

    round = models.ForeignKey(EvaluationRound, on_delete=models.CASCADE, related_name="round_bases")
    base = models.ForeignKey(
        Base, verbose_name=_("中试基地"), on_delete=models.PROTECT, related_name="round_entries"
    )
    included = models.BooleanField(_("参评"), default=True)
    by_default = models.BooleanField(_("按默认规则列入"), default=True)
    reason = models.TextField(_("调整理由"), blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("参评基地")
        verbose_name_plural = _("参评基地")
        ordering = ["round", "base__batch", "base_id"]
        constraints = [
            models.UniqueConstraint(fields=["round", "base"], name="round_base_unique"),
            models.CheckConstraint(
                name="round_base_change_has_reason",
                condition=models.Q(by_default=True) | ~models.Q(reason=""),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.round.year} {self.base}"
