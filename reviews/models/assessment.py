from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_fsm import FSMField, FSMModelMixin, transition

from applications.models import Application, Call, ScoreIndicator
from pilotbase.models import ExpertProfile, Organization
from pilotbase.workflow import condition

from ..rules import perm_agency, perm_agency_or_department, perm_department, perm_expert


class CommissionState(models.TextChoices):
    ISSUED = "issued", _("已委托")
    COMPLETED = "completed", _("已完成")


@condition(_("委托的项目均已作出评估结论。"))
def commission_all_concluded(commission: "Commission") -> bool:
    return not commission.assessments.exclude(state__in=[AssessmentState.PASSED, AssessmentState.FAILED]).exists()


class Commission(FSMModelMixin, models.Model):
    """The department commissions a third-party agency for a group of applications of a call."""

    call = models.ForeignKey(Call, verbose_name=_("申报批次"), on_delete=models.PROTECT, related_name="commissions")
    agency = models.ForeignKey(Organization, verbose_name=_("第三方机构"), on_delete=models.PROTECT,
                               related_name="commissions", limit_choices_to={"kind": "agency"})
    title = models.CharField(_("委托事项"), max_length=200)
    due_on = models.DateField(_("完成期限"))
    note = models.TextField(_("委托说明"), blank=True)
    state = FSMField(_("状态"), default=CommissionState.ISSUED, choices=CommissionState.choices, protected=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("评估委托")
        verbose_name_plural = _("评估委托")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.title

    @transition(field=state, source=CommissionState.ISSUED, target=CommissionState.COMPLETED,
                permission=perm_agency_or_department, conditions=[commission_all_concluded],
                custom={"label": _("完成委托")})
    def complete(self) -> None:
        """完成委托"""


class AssessmentState(models.TextChoices):
    PANEL = "panel", _("组建专家组")
    SCORING = "scoring", _("专家评审中")
    SITE_VISIT = "site_visit", _("现场核查")
    PASSED = "passed", _("评估通过")
    FAILED = "failed", _("评估未通过")


class AssignmentState(models.TextChoices):
    INVITED = "invited", _("已邀请")
    ACCEPTED = "accepted", _("已接受")
    DECLINED = "declined", _("已谢绝")
    RECUSED = "recused", _("已回避")
    SUBMITTED = "submitted", _("已提交评分")


OPEN_SEATS = (AssignmentState.INVITED, AssignmentState.ACCEPTED)
GONE_SEATS = (AssignmentState.DECLINED, AssignmentState.RECUSED)


@condition(_("请先抽取专家组。"))
def panel_formed(assessment: "Assessment") -> bool:
    return assessment.assignments.exclude(state__in=GONE_SEATS).exists()


@condition(_("仍有专家未提交评分，不能进入现场核查。"))
def panel_all_submitted(assessment: "Assessment") -> bool:
    seats = assessment.assignments.exclude(state__in=GONE_SEATS)
    return seats.exists() and not seats.exclude(state=AssignmentState.SUBMITTED).exists()


@condition(_("仍有专家未提交评分。"))
def no_open_seats(assessment: "Assessment") -> bool:
    return not assessment.assignments.filter(state__in=OPEN_SEATS).exists()


@condition(_("有专家触发一票否决，评估结论只能为不通过。"))
def no_veto(assessment: "Assessment") -> bool:
    return not assessment.assignments.filter(state=AssignmentState.SUBMITTED, vetoed=True).exists()


@condition(_("现场核查完成后才能作出通过结论。"))
def site_visit_done(assessment: "Assessment") -> bool:
    return SiteVisit.objects.filter(assessment=assessment, state=SiteVisitState.DONE).exists()


# What a pass needs, each with the step still to do (the assessment page lists the steps).
no_open_seats.step = _("全部在席专家提交评分")
no_veto.step = ""
site_visit_done.step = _("完成现场核查")
PASS_CONDITIONS = [no_open_seats, no_veto, site_visit_done]


class Assessment(FSMModelMixin, models.Model):
    """评估论证 of one application by the commissioned agency: panel, scores, site visit, conclusion."""

    application = models.OneToOneField(Application, on_delete=models.CASCADE, related_name="assessment")
    commission = models.ForeignKey(Commission, on_delete=models.PROTECT, related_name="assessments")
    state = FSMField(_("状态"), default=AssessmentState.PANEL, choices=AssessmentState.choices, protected=True)
    total_score = models.DecimalField(_("综合得分"), max_digits=6, decimal_places=2, null=True, blank=True)
    vetoed = models.BooleanField(_("触发一票否决"), default=False)
    consensus_opinion = models.TextField(_("专家组综合意见"), blank=True)
    concluded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                     related_name="+")
    concluded_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("评估论证")
        verbose_name_plural = _("评估论证")
        ordering = ["-total_score", "id"]

    def __str__(self) -> str:
        return f"{self.application} · {self.get_state_display()}"

    @transition(field=state, source=AssessmentState.PANEL, target=AssessmentState.SCORING, permission=perm_agency,
                conditions=[panel_formed],
                custom={"label": _("专家组组建完成，开始评审"), "button": _("开始专家评审")})
    def start_scoring(self) -> None:
        """专家组组建完成，开始评审"""

    @transition(field=state, source=AssessmentState.SCORING, target=AssessmentState.SITE_VISIT, permission=perm_agency,
                conditions=[panel_all_submitted], custom={"label": _("进入现场核查")})
    def start_site_visit(self) -> None:
        """进入现场核查"""

    def _conclude(self, *, actor, consensus_opinion: str, total_score, vetoed: bool) -> None:
        self.consensus_opinion = consensus_opinion
        self.total_score = total_score
        self.vetoed = vetoed
        self.concluded_by = actor
        self.concluded_at = timezone.now()

    @transition(field=state, source=AssessmentState.SITE_VISIT, target=AssessmentState.PASSED, permission=perm_agency,
                conditions=PASS_CONDITIONS, custom={"label": _("评估结论：建议通过")})
    def conclude_pass(self, *, actor, consensus_opinion: str, total_score, vetoed: bool) -> None:
        """评估结论：建议通过"""
        self._conclude(actor=actor, consensus_opinion=consensus_opinion, total_score=total_score, vetoed=vetoed)

    @transition(field=state, source=[AssessmentState.SCORING, AssessmentState.SITE_VISIT],
                target=AssessmentState.FAILED, permission=perm_agency, custom={"label": _("评估结论：建议不通过")})
    def conclude_fail(self, *, actor, consensus_opinion: str, total_score, vetoed: bool) -> None:
        """评估结论：建议不通过"""
        self._conclude(actor=actor, consensus_opinion=consensus_opinion, total_score=total_score, vetoed=vetoed)

    @transition(field=state, source=[AssessmentState.PASSED, AssessmentState.FAILED],
                target=AssessmentState.SITE_VISIT, permission=perm_department,
                custom={"label": _("退回重新评估")})
    def reopen(self) -> None:
        """退回重新评估"""


class PanelDraw(models.Model):
    """One random draw of experts, recorded so it can be audited and reproduced from its seed."""

    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE, related_name="draws")
    seed = models.CharField(_("随机种子"), max_length=64)
    criteria = models.JSONField(_("抽取条件"), default=dict)
    candidates = models.JSONField(_("候选专家"), default=list)
    exclusions = models.JSONField(_("回避及排除"), default=list, help_text=_("[{\"expert\": id, \"reason\": \"…\"}]"))
    drawn = models.JSONField(_("抽中专家"), default=list)
    replaces = models.ForeignKey("ExpertAssignment", on_delete=models.SET_NULL, null=True, blank=True,
                                 related_name="+", verbose_name=_("补抽的席位"))
    drawn_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    drawn_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("专家抽取记录")
        verbose_name_plural = _("专家抽取记录")
        ordering = ["drawn_at", "id"]

    def __str__(self) -> str:
        return f"{self.assessment_id} · {self.seed}"


@condition(_("专家组组建完成、受托机构开始专家评审后才能评分。"))
def scoring_open(seat: "ExpertAssignment") -> bool:
    """专家组组建完成、受托机构开始专家评审后才能评分"""
    return seat.assessment.state == AssessmentState.SCORING


@condition(_("只有专家评审阶段可以退回评分。"))
def assessment_in_scoring(seat: "ExpertAssignment") -> bool:
    return seat.assessment.state == AssessmentState.SCORING


class ExpertAssignment(FSMModelMixin, models.Model):
    """One expert's seat on one assessment."""

    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE, related_name="assignments")
    expert = models.ForeignKey(ExpertProfile, on_delete=models.PROTECT, related_name="assignments")
    draw = models.ForeignKey(PanelDraw, on_delete=models.PROTECT, related_name="assignments")
    state = FSMField(_("状态"), default=AssignmentState.INVITED, choices=AssignmentState.choices, protected=True)
    due_on = models.DateField(_("评审截止日期"))
    coi_declaration = models.TextField(_("利益冲突声明"), blank=True)
    opinion = models.TextField(_("评审意见"), blank=True)
    vetoed = models.BooleanField(_("一票否决"), default=False)
    veto_reason = models.TextField(_("否决理由"), blank=True)
    total = models.DecimalField(_("合计得分"), max_digits=6, decimal_places=2, null=True, blank=True)
    responded_at = models.DateTimeField(null=True, blank=True)
    submitted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("专家评审任务")
        verbose_name_plural = _("专家评审任务")
        ordering = ["assessment", "id"]
        constraints = [models.UniqueConstraint(fields=["assessment", "expert"], name="one_seat_per_expert")]
        indexes = [
            # the submitted sheets of a call's assessments (the ranking's order, the ranked rows' scores) read from
            # the index alone: an assessment also holds its declined, recused and open seats (~60 each in a call
            # drawn from every available expert), read and dropped one by one by the assessment_id index (12 ms)
            # (key columns, not INCLUDE: SQLite ignores INCLUDE with a system-check warning on every command)
            models.Index(fields=["assessment", "total", "vetoed"],
                         condition=models.Q(state="submitted"), name="seat_submitted_by_assessment"),
        ]

    def __str__(self) -> str:
        return f"{self.expert} · {self.assessment}"

    @transition(field=state, source=AssignmentState.INVITED, target=AssignmentState.ACCEPTED, permission=perm_expert,
                custom={"label": _("接受评审邀请")})
    def accept(self, *, declaration: str) -> None:
        """接受评审邀请"""
        self.coi_declaration = declaration
        self.responded_at = timezone.now()

    @transition(field=state, source=AssignmentState.INVITED, target=AssignmentState.DECLINED, permission=perm_expert,
                custom={"label": _("谢绝评审邀请"), "confirm": True})
    def decline(self) -> None:
        """谢绝评审邀请"""
        self.responded_at = timezone.now()

    @transition(field=state, source=[AssignmentState.INVITED, AssignmentState.ACCEPTED],
                target=AssignmentState.RECUSED, permission=perm_expert, custom={"label": _("申明回避"), "confirm": True})
    def recuse(self) -> None:
        """申明回避"""
        self.responded_at = timezone.now()

    @property
    def can_score(self) -> bool:
        """The expert may fill in the sheet now: seat accepted, not yet submitted, and scoring open."""
        return self.state == AssignmentState.ACCEPTED and scoring_open(self)

    @transition(field=state, source=AssignmentState.ACCEPTED, target=AssignmentState.SUBMITTED,
                permission=perm_expert, conditions=[scoring_open], custom={"label": _("提交评分")})
    def submit(self) -> None:
        """提交评分"""
        self.submitted_at = timezone.now()

    @transition(field=state, source=AssignmentState.SUBMITTED, target=AssignmentState.ACCEPTED,
                permission=perm_agency, conditions=[assessment_in_scoring], custom={"label": _("退回专家修改评分")})
    def reopen(self) -> None:
        """退回专家修改评分"""


class IndicatorScore(models.Model):
    assignment = models.ForeignKey(ExpertAssignment, on_delete=models.CASCADE, related_name="scores")
    indicator = models.ForeignKey(ScoreIndicator, on_delete=models.PROTECT, related_name="+")
    score = models.DecimalField(_("得分"), max_digits=6, decimal_places=2, null=True, blank=True)
    vetoed = models.BooleanField(_("否决"), default=False)

    class Meta:
        verbose_name = _("指标得分")
        verbose_name_plural = _("指标得分")
        constraints = [models.UniqueConstraint(fields=["assignment", "indicator"], name="one_score_per_indicator")]

    def __str__(self) -> str:
        return f"{self.indicator}: {self.score}"


class SiteVisitState(models.TextChoices):
    PLANNED = "planned", _("已安排")
    DONE = "done", _("已完成")


SITE_VISIT_ITEMS = [  # what the on-site verification checks, in this order (the notice's conditions)
    ("site", _("场地与配套设施")),
    ("equipment", _("仪器设备（对照设备台账）")),
    ("pilot_line", _("中试生产线运行情况")),
    ("staff", _("人员配备")),
    ("safety", _("安全与环保设施及制度")),
    ("contracts", _("对外服务合同")),
]


@condition(_("请先填写核查结论。"))
def visit_has_conclusion(visit: "SiteVisit") -> bool:
    return bool(visit.conclusion)


class SiteVisit(FSMModelMixin, models.Model):
    """现场核查: date, team, items checked, findings, photos and files."""

    assessment = models.OneToOneField(Assessment, on_delete=models.CASCADE, related_name="site_visit")
    state = FSMField(_("状态"), default=SiteVisitState.PLANNED, choices=SiteVisitState.choices, protected=True)
    visit_date = models.DateField(_("核查日期"))
    team = models.CharField(_("核查组成员"), max_length=300)
    items = models.JSONField(_("核查事项"), default=dict, blank=True,
                             help_text=_("{事项代码: {\"ok\": true/false, \"note\": \"…\"}}"))
    findings = models.TextField(_("核查发现"), blank=True)
    conclusion = models.CharField(_("核查结论"), max_length=20, blank=True,
                                  choices=[("consistent", _("情况属实")), ("concerns", _("基本属实，存在问题")),
                                           ("inconsistent", _("与申报不符"))])
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = _("现场核查")
        verbose_name_plural = _("现场核查")

    def __str__(self) -> str:
        return f"{self.assessment} · {self.visit_date}"

    def item_rows(self) -> list[tuple[str, bool, str]]:
        """(label, ok, note) per checked item, in the checklist's order; unknown codes keep their code."""
        labels = dict(SITE_VISIT_ITEMS)
        order = {code: i for i, (code, _label) in enumerate(SITE_VISIT_ITEMS)}
        return [(str(labels.get(code, code)), bool(item.get("ok")), item.get("note", ""))
                for code, item in sorted((self.items or {}).items(), key=lambda kv: order.get(kv[0], len(order)))]

    @transition(field=state, source=SiteVisitState.PLANNED, target=SiteVisitState.DONE, permission=perm_agency,
                conditions=[visit_has_conclusion],
                custom={"label": _("完成现场核查"), "confirm": True, "style": "success"})
    def complete(self) -> None:
        """完成现场核查"""


class SiteVisitFile(models.Model):
    site_visit = models.ForeignKey(SiteVisit, on_delete=models.CASCADE, related_name="files")
    file = models.FileField(_("文件"), upload_to="reviews/site-visits/")
    original_name = models.CharField(_("文件名"), max_length=200)
    caption = models.CharField(_("说明"), max_length=200, blank=True)
    content_type = models.CharField(max_length=100)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("核查附件")
        verbose_name_plural = _("核查附件")

    def __str__(self) -> str:
        return self.original_name
