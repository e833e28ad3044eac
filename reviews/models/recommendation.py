from datetime import UTC, datetime

from django.conf import settings
from django.db import models
from django.db.models import Case, Value, When
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_fsm import FSMField, FSMModelMixin, transition

from applications.models import Application, ApplicationState, Call
from pilotbase.models import Organization
from pilotbase.workflow import condition

from ..rules import perm_authority, perm_department, perm_record_applicant


def _forwarded_count(authority_id: int, call_id: int) -> int:
    return Recommendation.objects.filter(authority_id=authority_id, application__call_id=call_id,
                                         state=RecommendationState.FORWARDED).count()


# ---- conditions of the batch -------------------------------------------------------------------------
@condition(_("推荐截止时间已过，不能再报送。"))
def batch_before_deadline(batch: "RecommendationBatch") -> bool:
    return timezone.now() < batch.call.recommendation_deadline


@condition(_("请先上传盖章的推荐函。"))
def batch_has_letter(batch: "RecommendationBatch") -> bool:
    return bool(batch.letter)


@condition(_("推荐名单为空：请至少拟推荐一项申报。"))
def batch_not_empty(batch: "RecommendationBatch") -> bool:
    return batch.recommendations.filter(state=RecommendationState.RECOMMENDED).exists()


@condition(_("拟推荐数量超出本批次每个推荐单位的推荐上限。"))
def batch_within_quota(batch: "RecommendationBatch") -> bool:
    limit = batch.call.max_per_authority
    if limit is None:
        return True
    adding = batch.recommendations.filter(state=RecommendationState.RECOMMENDED).count()
    return _forwarded_count(batch.authority_id, batch.call_id) + adding <= limit


class BatchState(models.TextChoices):
    DRAFT = "draft", _("编制中")
    SUBMITTED = "submitted", _("已报送")


class RecommendationBatch(FSMModelMixin, models.Model):
    """择优推荐: an authority's ordered list for one call, sent with a sealed letter (推荐函). Once sent it is
    closed; applications recommended later go into the authority's next open batch for the call."""

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
        # A sent batch is closed: a later 拟推荐 starts a new open batch, and there is one open batch at a time.
        constraints = [models.UniqueConstraint(fields=["call", "authority"], condition=models.Q(state="draft"),
                                               name="one_open_batch_per_authority_call")]

    def __str__(self) -> str:
        return f"{self.authority} · {self.call}"

    @transition(field=state, source=BatchState.DRAFT, target=BatchState.SUBMITTED, permission=perm_authority,
                conditions=[batch_before_deadline, batch_has_letter, batch_not_empty, batch_within_quota],
                custom={"label": _("报送推荐名单"), "button": _("报送科技厅"), "style": "danger",
                        "confirm": _("报送后不能再调整名单，确定报送科技厅吗？")})
    def submit(self, *, actor) -> None:
        """报送推荐名单"""
        self.submitted_at, self.submitted_by = timezone.now(), actor


NEVER = datetime(9999, 12, 31, tzinfo=UTC)  # a sort key's stand-in for NULL: after every time
LAST_PRIORITY = 32767  # PositiveSmallIntegerField's largest: after every priority


def _pending_first(state: str) -> models.GeneratedField:
    """0 for a pending row, 1 for the others: the queues' first sort key, stored so that an index serves the sort."""
    return models.GeneratedField(expression=Case(When(state=state, then=Value(0)), default=Value(1)),
                                 output_field=models.PositiveSmallIntegerField(), db_persist=True)


class RecommendationState(models.TextChoices):
    PENDING = "pending", _("待审核")
    RECOMMENDED = "recommended", _("拟推荐")
    RETURNED = "returned", _("已退回")
    DECLINED = "declined", _("不予推荐")
    FORWARDED = "forwarded", _("已报送")
    WITHDRAWN = "withdrawn", _("申报单位已撤回")


# ---- conditions of the authority's decisions ---------------------------------------------------------
@condition(_("申报当前不在推荐单位审核环节。"))
def awaits_authority(rec: "Recommendation") -> bool:
    return rec.application.state == ApplicationState.SUBMITTED


@condition(_("推荐名单已报送，不能撤销拟推荐。"))
def batch_still_draft(rec: "Recommendation") -> bool:
    return rec.batch_id is None or rec.batch.state == BatchState.DRAFT


@condition(_("请通过推荐名单统一报送。"))
def batch_already_sent(rec: "Recommendation") -> bool:
    return rec.batch_id is not None and rec.batch.state == BatchState.SUBMITTED


@condition(_("推荐截止时间已过，不能再报送。"))
def before_deadline_or_correction(rec: "Recommendation") -> bool:
    """A re-forward after a formal-check return is a correction and ignores the deadline."""
    return (FormalCheck.objects.filter(application_id=rec.application_id).exists()
            or timezone.now() < rec.application.call.recommendation_deadline)


@condition(_("已达到本批次每个推荐单位的推荐上限。"))
def within_quota(rec: "Recommendation") -> bool:
    limit = rec.application.call.max_per_authority
    return limit is None or _forwarded_count(rec.authority_id, rec.application.call_id) + 1 <= limit


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
    # The authority's queue sorts by these (reviews.selectors.recommendation.recommendation_queue) under the index
    # below, so a page reads its 20 rows, not every row of the authority. The call's deadline and the submission
    # time are copies kept by the database's triggers (migration 0007: on every write of the recommendation, the
    # application's call or submission time and the call's deadline, whoever writes), never by the code.
    queue_pending = _pending_first(RecommendationState.PENDING)
    queue_deadline = models.DateTimeField(editable=False, db_default=Value(NEVER))
    queue_submitted = models.DateTimeField(editable=False, db_default=Value(NEVER))
    # the application's applicant (its id), copied the same way (migration 0008): a keyword tests the units'
    # names on the row itself (applications.search), not through the joined application
    queue_applicant = models.BigIntegerField(editable=False, db_default=0)

    class Meta:
        verbose_name = _("初审推荐")
        verbose_name_plural = _("初审推荐")
        ordering = ["priority", "id"]
        indexes = [models.Index(fields=["authority", "queue_pending", "queue_deadline", "queue_submitted", "id"],
                                name="recommendation_queue")]

    def __str__(self) -> str:
        return f"{self.application} · {self.get_state_display()}"

    def _reviewed(self, actor, opinion: str | None) -> None:
        if opinion is not None:
            self.opinion = opinion
        self.reviewed_by, self.reviewed_at = actor, timezone.now()

    @transition(field=state, source=RecommendationState.PENDING, target=RecommendationState.RECOMMENDED,
                permission=perm_authority, conditions=[awaits_authority], custom={"label": _("拟推荐")})
    def recommend(self, *, actor, opinion: str, batch: "RecommendationBatch", priority: int) -> None:
        """拟推荐"""
        self._reviewed(actor, opinion)
        self.batch, self.priority = batch, priority

    @transition(field=state, source=RecommendationState.RECOMMENDED, target=RecommendationState.PENDING,
                permission=perm_authority, conditions=[batch_still_draft], custom={"label": _("撤销拟推荐")})
    def reconsider(self) -> None:
        """撤销拟推荐"""
        self.batch, self.priority = None, None

    @transition(field=state, source=RecommendationState.PENDING, target=RecommendationState.RETURNED,
                permission=perm_authority, conditions=[awaits_authority], custom={"label": _("退回修改")})
    def send_back(self, *, actor, opinion: str, returned_version: int) -> None:
        """退回修改"""
        self._reviewed(actor, opinion)
        self.returned_version = returned_version

    @transition(field=state, source=RecommendationState.FORWARDED, target=RecommendationState.RETURNED,
                permission=perm_department, custom={"label": _("形式审查退回补正")})
    def return_after_formal_check(self, *, returned_version: int) -> None:
        """形式审查退回补正: the department returned the application; the authority reviews it again."""
        self.returned_version = returned_version

    @transition(field=state, source=RecommendationState.RETURNED, target=RecommendationState.PENDING,
                permission=perm_record_applicant, custom={"label": _("申报单位重新提交")})
    def reopen(self) -> None:
        """申报单位重新提交"""

    @transition(field=state, source=RecommendationState.PENDING, target=RecommendationState.DECLINED,
                permission=perm_authority, conditions=[awaits_authority],
                custom={"label": _("不予推荐"), "confirm": True, "style": "outline-danger"})
    def decline(self, *, actor, reason: str) -> None:
        """不予推荐"""
        self._reviewed(actor, reason)

    @transition(field=state, source=RecommendationState.RECOMMENDED, target=RecommendationState.FORWARDED,
                permission=perm_authority, conditions=[batch_already_sent, before_deadline_or_correction, within_quota],
                custom={"label": _("报送科技厅"), "confirm": True})
    def forward(self) -> None:
        """报送科技厅"""

    @transition(field=state, source=[RecommendationState.PENDING, RecommendationState.RETURNED],
                target=RecommendationState.WITHDRAWN, permission=perm_record_applicant,
                custom={"label": _("申报单位撤回申报")})
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
    # The formal-check queue sorts by these (formal_check_queue) under the index below: pending first, the
    # authority's name, the batch priority (none: last). The name and the priority are copies kept by the
    # database's triggers (migration 0007: on every write of the check, its application's authority, the
    # authority's name and the recommendation's priority, whoever writes), never by the code.
    queue_pending = _pending_first(FormalCheckState.PENDING)
    queue_authority = models.CharField(max_length=Organization._meta.get_field("name").max_length, editable=False, db_default="")
    queue_priority = models.PositiveSmallIntegerField(editable=False, db_default=LAST_PRIORITY)
    queue_applicant = models.BigIntegerField(editable=False, db_default=0)  # as Recommendation.queue_applicant

    class Meta:
        verbose_name = _("形式审查")
        verbose_name_plural = _("形式审查")
        indexes = [models.Index(fields=["queue_pending", "queue_authority", "queue_priority", "id"],
                                name="formalcheck_queue")]

    def __str__(self) -> str:
        return f"{self.application} · {self.get_state_display()}"

    def _checked(self, actor, results: dict, opinion: str) -> None:
        self.results, self.opinion = results, opinion
        self.checked_by, self.checked_at = actor, timezone.now()

    @transition(field=state, source=FormalCheckState.PENDING, target=FormalCheckState.PASSED, permission=perm_department,
                custom={"label": _("形式审查通过")})
    def pass_check(self, *, actor, results: dict, opinion: str = "") -> None:
        """形式审查通过"""
        self._checked(actor, results, opinion)

    @transition(field=state, source=FormalCheckState.PENDING, target=FormalCheckState.RETURNED,
                permission=perm_department, custom={"label": _("退回补正")})
    def send_back(self, *, actor, results: dict, opinion: str = "") -> None:
        """退回补正"""
        self._checked(actor, results, opinion)

    @transition(field=state, source=FormalCheckState.RETURNED, target=FormalCheckState.PENDING,
                permission=perm_authority, custom={"label": _("补正后重新报送")})
    def reopen(self) -> None:
        """补正后重新报送"""

    @transition(field=state, source=FormalCheckState.PENDING, target=FormalCheckState.REJECTED,
                permission=perm_department, custom={"label": _("形式审查不通过"), "confirm": True})
    def reject(self, *, actor, results: dict, opinion: str) -> None:
        """形式审查不通过"""
        self._checked(actor, results, opinion)
