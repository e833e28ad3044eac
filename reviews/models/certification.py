from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import date

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_fsm import FSMField, FSMModelMixin, transition

from applications.models import Application, Call
from pilotbase.models import Base
from pilotbase.workflow import condition

from ..rules import perm_department

# The day a notice's period is judged by: today, unless a service is asked to act as of another day
# (the demo seed closes a past notice on its own end date; tests walk a period day by day).
_judged_on: ContextVar[date | None] = ContextVar("reviews_notice_judged_on", default=None)


def notice_today() -> date:
    return _judged_on.get() or timezone.localdate()


@contextmanager
def notice_judged_on(day: date | None) -> Iterator[None]:
    token = _judged_on.set(day)
    try:
        yield
    finally:
        _judged_on.reset(token)


class NoticeKind(models.TextChoices):
    """What a notice lists: applications proposed for certification, or a round's evaluation results (the round
    links to its notice from the evaluations side: reviews knows nothing of evaluations)."""

    CERTIFICATION = "certification", _("拟认定名单公示")
    EVALUATION = "evaluation", _("绩效考核结果公示")


class NoticeState(models.TextChoices):
    DRAFT = "draft", _("拟公示")
    PUBLISHED = "published", _("公示中")
    CLOSED = "closed", _("公示结束")


@condition(_("公示名单中没有列入名单的申报。"))
def notice_has_entries(notice: "PublicNotice") -> bool:
    return notice.entries.filter(state=NoticeEntryState.LISTED).exists()


@condition(_("公示期满后方可结束公示。"), detail=lambda notice: notice.too_early_message())
def notice_period_over(notice: "PublicNotice") -> bool:
    return notice_today() >= notice.ends_on


@condition(_("尚有异议未处理，请先处理异议再结束公示。"))
def notice_objections_handled(notice: "PublicNotice") -> bool:
    return not Objection.objects.filter(entry__notice=notice, state=ObjectionState.PENDING).exists()


class PublicNotice(FSMModelMixin, models.Model):
    """公示: a list published for a period; objections may be filed while it runs. One mechanism for both kinds:
    the certification list (entries are applications, `call` set) and a round's evaluation results (entries are
    bases with their published text, e.g. the grade; no call)."""

    kind = models.CharField(_("公示类别"), max_length=20, choices=NoticeKind.choices,
                            default=NoticeKind.CERTIFICATION, db_index=True)
    call = models.ForeignKey(Call, verbose_name=_("申报批次"), on_delete=models.PROTECT, related_name="notices",
                             null=True, blank=True)
    title = models.CharField(_("公示标题"), max_length=200)
    body = models.TextField(_("公示说明"), blank=True)
    starts_on = models.DateField(_("公示开始日期"))
    ends_on = models.DateField(_("可结束公示日期"), help_text=_("公示期满后的第一个工作日，自此日起可结束公示。"))
    last_day = models.DateField(_("公示截止日期"), help_text=_("公示期的最后一个工作日，对外公布的截止日期。"))
    working_days = models.PositiveSmallIntegerField(_("公示期（工作日）"), null=True, blank=True)
    contact = models.CharField(_("异议受理联系方式"), max_length=200, blank=True)
    state = FSMField(_("状态"), default=NoticeState.DRAFT, choices=NoticeState.choices, protected=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("公示")
        verbose_name_plural = _("公示")
        ordering = ["-starts_on", "-id"]
        constraints = [
            models.CheckConstraint(name="certification_notice_has_call",
                                   condition=~models.Q(kind="certification") | models.Q(call__isnull=False)),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_evaluation(self) -> bool:
        return self.kind == NoticeKind.EVALUATION

    @property
    def period_working_days(self) -> int | None:
        """The period's length in working days (an older certification notice: its call's setting)."""
        if self.working_days:
            return self.working_days
        return self.call.notice_working_days if self.call_id else None

    def too_early_to_close(self) -> bool:
        """A published notice may be closed from `ends_on`, the first working day after its period."""
        return self.state == NoticeState.PUBLISHED and not notice_period_over(self)

    def too_early_message(self) -> str:
        from django.utils.translation import gettext

        from pilotbase.formats import cn_date

        return gettext("公示期至%(last)s截止，%(day)s起方可结束公示。") % {
            "last": cn_date(self.last_day), "day": cn_date(self.ends_on)}

    @transition(field=state, source=NoticeState.DRAFT, target=NoticeState.PUBLISHED, permission=perm_department,
                conditions=[notice_has_entries], custom={"label": _("发布公示"), "confirm": True})
    def publish(self) -> None:
        """发布公示"""

    @transition(field=state, source=NoticeState.PUBLISHED, target=NoticeState.CLOSED, permission=perm_department,
                conditions=[notice_period_over, notice_objections_handled],
                custom={"label": _("结束公示"), "confirm": _("结束公示后不能再受理异议，确定结束公示吗？"),
                        "style": "outline-dark"})
    def close(self) -> None:
        """结束公示"""


class NoticeEntryState(models.TextChoices):
    LISTED = "listed", _("列入名单")
    REMOVED = "removed", _("已撤出")
    CERTIFIED = "certified", _("已认定")


class NoticeEntry(FSMModelMixin, models.Model):
    """A line of a notice: an application (certification) or a base (evaluation results), exactly one of them,
    with the line's published text (an evaluation line: the grade)."""

    notice = models.ForeignKey(PublicNotice, on_delete=models.CASCADE, related_name="entries")
    application = models.ForeignKey(Application, on_delete=models.PROTECT, related_name="notice_entries",
                                    null=True, blank=True)
    base = models.ForeignKey(Base, verbose_name=_("中试基地"), on_delete=models.PROTECT, related_name="notice_entries",
                             null=True, blank=True)
    text = models.CharField(_("公示内容"), max_length=200, blank=True, help_text=_("例如考核等次。"))
    order = models.PositiveSmallIntegerField(default=0)
    state = FSMField(_("状态"), default=NoticeEntryState.LISTED, choices=NoticeEntryState.choices, protected=True)
    removal_reason = models.TextField(_("撤出原因"), blank=True)

    class Meta:
        verbose_name = _("公示名单")
        verbose_name_plural = _("公示名单")
        ordering = ["notice", "order", "id"]
        constraints = [
            models.UniqueConstraint(fields=["notice", "application"], name="one_entry_per_notice"),
            models.UniqueConstraint(fields=["notice", "base"], name="one_base_entry_per_notice"),
            models.CheckConstraint(
                name="notice_entry_application_xor_base",
                condition=(models.Q(application__isnull=False, base__isnull=True)
                           | models.Q(application__isnull=True, base__isnull=False))),
        ]

    def __str__(self) -> str:
        return self.subject_name

    @property
    def subject(self) -> "Application | Base":
        """What the line is about: the application, or the base."""
        return self.application if self.application_id else self.base

    @property
    def subject_name(self) -> str:
        return self.subject.name

    @transition(field=state, source=NoticeEntryState.LISTED, target=NoticeEntryState.REMOVED,
                permission=perm_department, custom={"label": _("撤出公示名单"), "confirm": True})
    def remove(self, *, reason: str) -> None:
        """撤出公示名单"""
        self.removal_reason = reason

    @transition(field=state, source=NoticeEntryState.LISTED, target=NoticeEntryState.CERTIFIED,
                permission=perm_department, custom={"label": _("认定"), "confirm": True})
    def certify(self) -> None:
        """认定"""

    @transition(field=state, source=NoticeEntryState.LISTED, target=NoticeEntryState.LISTED,
                permission=perm_department, custom={"label": _("更正公示内容")})
    def amend(self, *, text: str) -> None:
        """更正公示内容 (e.g. a grade changed after an upheld objection): the line stays listed with its new text."""
        self.text = text


class ObjectionState(models.TextChoices):
    PENDING = "pending", _("待处理")
    UPHELD = "upheld", _("异议成立")
    DISMISSED = "dismissed", _("异议不成立")


class Objection(FSMModelMixin, models.Model):
    """A written objection (异议) to a notice entry. The objector's identity is confidential: staff only."""

    entry = models.ForeignKey(NoticeEntry, verbose_name=_("异议对象"), on_delete=models.PROTECT,
                              related_name="objections")
    objector_name = models.CharField(_("异议人姓名"), max_length=40, blank=True)
    objector_phone = models.CharField(_("联系电话"), max_length=40)
    objector_org = models.CharField(_("异议单位"), max_length=120, blank=True)
    content = models.TextField(_("异议内容及理由"))
    evidence = models.FileField(_("证明材料"), upload_to="reviews/objections/", blank=True)
    state = FSMField(_("状态"), default=ObjectionState.PENDING, choices=ObjectionState.choices, protected=True)
    resolution = models.TextField(_("处理意见"), blank=True)
    handled_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                   related_name="+")
    handled_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(_("提交时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("异议")
        verbose_name_plural = _("异议")
        ordering = ["created_at"]
        constraints = [
            models.CheckConstraint(name="objection_names_someone",
                                   condition=~models.Q(objector_name="") | ~models.Q(objector_org="")),
        ]

    def __str__(self) -> str:
        return f"#{self.pk} · {self.entry}"

    def _handled(self, *, actor, resolution: str) -> None:
        self.resolution = resolution
        self.handled_by = actor
        self.handled_at = timezone.now()

    @transition(field=state, source=ObjectionState.PENDING, target=ObjectionState.UPHELD, permission=perm_department,
                custom={"label": _("异议成立"), "confirm": True})
    def uphold(self, *, actor, resolution: str) -> None:
        """异议成立"""
        self._handled(actor=actor, resolution=resolution)

    @transition(field=state, source=ObjectionState.PENDING, target=ObjectionState.DISMISSED,
                permission=perm_department, custom={"label": _("异议不成立"), "confirm": True})
    def dismiss(self, *, actor, resolution: str) -> None:
        """异议不成立"""
        self._handled(actor=actor, resolution=resolution)
