from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django_fsm import FSMField, FSMModelMixin, transition

from applications.models import Application, Call
from pilotbase.models import Organization

from ..rules import perm_authority, perm_department


class BatchState(models.TextChoices):
    DRAFT = "draft", _("编制中")
    SUBMITTED = "submitted", _("已报送")


class RecommendationBatch(FSMModelMixin, models.Model):
    """择优推荐: an authority's ordered list for one call, sent with a sealed letter (推荐函)."""

    call = models.ForeignKey(Call, verbose_name=_("申报批次"), on_delete=models.PROTECT, related_name="batches")
    authority = models.ForeignKey(Organization, verbose_name=_("推荐单位"), on_delete=models.PROTECT,
                                  related_name="recommendation_batches")
    state = FSMField(_("状态"), default=BatchState.DRAFT, choices=BatchState.choices, protected=True)
    letter = models.FileField(_("推荐函（盖章扫描件）"), upload_to="reviews/letters/", blank=True)
    letter_name = models.CharField(max_length=200, blank=True)
    submitted_at = models.DateTimeField(_("报送时间"), null=True, blank=True)
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                     related_name="+")

    class Meta:
        verbose_name = _("推荐批次")
        verbose_name_plural = _("推荐批次")
        constraints = [models.UniqueConstraint(fields=["call", "authority"], name="one_batch_per_authority_call")]

    def __str__(self) -> str:
        return f"{self.authority} · {self.call}"

    @transition(field=state, source=BatchState.DRAFT, target=BatchState.SUBMITTED, permission=perm_authority)
    def submit(self) -> None:
        """报送推荐名单"""


class RecommendationState(models.TextChoices):
    PENDING = "pending", _("待审核")
    RECOMMENDED = "recommended", _("拟推荐")
    RETURNED = "returned", _("已退回")
    DECLINED = "declined", _("不予推荐")
    FORWARDED = "forwarded", _("已报送")
    WITHDRAWN = "withdrawn", _("申报单位已撤回")


class Recommendation(FSMModelMixin, models.Model):
    """初审推荐: the authority's preliminary review of one application (opinion, decision, priority)."""

    application = models.OneToOneField(Application, on_delete=models.CASCADE, related_name="recommendation")
    authority = models.ForeignKey(Organization, verbose_name=_("推荐单位"), on_delete=models.PROTECT,
                                  related_name="recommendations")
    state = FSMField(_("状态"), default=RecommendationState.PENDING, choices=RecommendationState.choices,
                     protected=True)
    opinion = models.TextField(_("初审意见"), blank=True)
    priority = models.PositiveSmallIntegerField(_("推荐排序"), null=True, blank=True)
    batch = models.ForeignKey(RecommendationBatch, on_delete=models.PROTECT, null=True, blank=True,
                              related_name="recommendations")
    returned_version = models.PositiveIntegerField(_("退回时的版本"), null=True, blank=True,
                                                   help_text=_("重新提交后据此显示修改内容。"))
    reviewed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                    related_name="+")
    reviewed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("初审推荐")
        verbose_name_plural = _("初审推荐")
        ordering = ["priority", "id"]

    def __str__(self) -> str:
        return f"{self.application} · {self.get_state_display()}"

    @transition(field=state, source=RecommendationState.PENDING, target=RecommendationState.RECOMMENDED,
                permission=perm_authority)
    def recommend(self) -> None:
        """拟推荐"""

    @transition(field=state, source=RecommendationState.RECOMMENDED, target=RecommendationState.PENDING,
                permission=perm_authority)
    def reconsider(self) -> None:
        """撤销拟推荐"""

    @transition(field=state, source=[RecommendationState.PENDING, RecommendationState.FORWARDED],
                target=RecommendationState.RETURNED, permission=perm_authority)
    def send_back(self) -> None:
        """退回修改"""

    @transition(field=state, source=RecommendationState.RETURNED, target=RecommendationState.PENDING)
    def reopen(self) -> None:
        """申报单位重新提交"""

    @transition(field=state, source=RecommendationState.PENDING, target=RecommendationState.DECLINED,
                permission=perm_authority)
    def decline(self) -> None:
        """不予推荐"""

    @transition(field=state, source=RecommendationState.RECOMMENDED, target=RecommendationState.FORWARDED,
                permission=perm_authority)
    def forward(self) -> None:
        """报送科技厅"""

    @transition(field=state, source=[RecommendationState.PENDING, RecommendationState.RETURNED],
                target=RecommendationState.WITHDRAWN)
    def close_on_withdraw(self) -> None:
        """申报单位撤回申报"""


class FormalCheckState(models.TextChoices):
    PENDING = "pending", _("待形式审查")
    PASSED = "passed", _("形式审查通过")
    RETURNED = "returned", _("退回补正")
    REJECTED = "rejected", _("形式审查不通过")


class FormalCheck(FSMModelMixin, models.Model):
    """形式审查 by department staff against the call's checklist."""

    application = models.OneToOneField(Application, on_delete=models.CASCADE, related_name="formal_check")
    state = FSMField(_("状态"), default=FormalCheckState.PENDING, choices=FormalCheckState.choices, protected=True)
    results = models.JSONField(_("审查结果"), default=dict, blank=True,
                               help_text=_("{审查要点ID: {\"ok\": true/false, \"note\": \"…\"}}"))
    opinion = models.TextField(_("审查意见"), blank=True)
    checked_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                   related_name="+")
    checked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("形式审查")
        verbose_name_plural = _("形式审查")

    def __str__(self) -> str:
        return f"{self.application} · {self.get_state_display()}"

    @transition(field=state, source=FormalCheckState.PENDING, target=FormalCheckState.PASSED, permission=perm_department)
    def pass_check(self) -> None:
        """形式审查通过"""

    @transition(field=state, source=FormalCheckState.PENDING, target=FormalCheckState.RETURNED,
                permission=perm_department)
    def send_back(self) -> None:
        """退回补正"""

    @transition(field=state, source=FormalCheckState.RETURNED, target=FormalCheckState.PENDING)
    def reopen(self) -> None:
        """补正后重新报送"""

    @transition(field=state, source=FormalCheckState.PENDING, target=FormalCheckState.REJECTED,
                permission=perm_department)
    def reject(self) -> None:
        """形式审查不通过"""
