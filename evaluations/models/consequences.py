"""Consequences of the yearly evaluation: 整改 (rectification) and 撤销认定/摘牌 (revocation), as declared workflows.

Both records start in `new` only inside the service that creates them, which runs the opening transition in the
same decision (so the opening is logged like every other change, with its own label and arguments):
- Rectification: new → open (from a 整改 grade, or ordered by staff with a reason) → reported (the base's lead
  unit files its report) → accepted / not accepted (staff re-check, or the agency commissioned for the round whose
  grade opened it; returned to open for more work). Opening moves
  the base to 整改中 (Base.order_rectification); the re-check moves it back (close_rectification /
  fail_rectification). A not-accepted rectification counts as a failed evaluation (evaluations.consecutive).
- Revocation: new → listed (the portal detected a second consecutive fail, with both years as evidence) →
  proposed (staff propose; or new → proposed for another reason) → revoked (a *second* staff member confirms)
  or dismissed (with a reason). Confirmation revokes the base and its certificate in the same decision.

Who acts is known to the conditions through `pilotbase.workflow.acting_user()` (the workflow door and the page
helpers set it): the proposer may not confirm, and the refusal is that condition's sentence.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_fsm import FSMField, FSMModelMixin, transition

from pilotbase.models import BaseStatus, StoredFile
from pilotbase.rules import perm_system
from pilotbase.workflow import acting_user, condition

from ..rules import (
    perm_consequence_staff,
    perm_consequence_staff_or_system,
    perm_rectification_base,
    perm_rectification_rechecker,
)
from .history import Grade


# ---- 整改 ------------------------------------------------------------------------------------------------
class RectificationState(models.TextChoices):
    NEW = "new", _("新建")
    OPEN = "open", _("整改中")
    REPORTED = "reported", _("待复核")
    ACCEPTED = "accepted", _("整改通过")
    NOT_ACCEPTED = "not_accepted", _("整改未通过")


UNRESOLVED_RECTIFICATION = (RectificationState.OPEN, RectificationState.REPORTED)


class RectificationOrigin(models.TextChoices):
    GRADE = "grade", _("考核等次为整改")
    ORDERED = "ordered", _("科技厅责令整改")


@condition(_("该基地当前不在运行中（整改中或已撤销认定），不能再下达整改。"))
def rectification_base_active(rec: Rectification) -> bool:
    return rec.base.state == BaseStatus.ACTIVE


@condition(_("只有考核等次为“整改”的结果才能据此下达整改。"))
def rectification_result_is_rectify(rec: Rectification) -> bool:
    return rec.result is not None and rec.result.grade == Grade.RECTIFY


@condition(_("该基地已撤销认定，整改已终止。"))
def rectification_base_not_revoked(rec: Rectification) -> bool:
    return rec.base.state != BaseStatus.REVOKED


@condition(_("请先填写整改报告。"))
def rectification_has_report(rec: Rectification) -> bool:
    return bool(rec.report.strip())


class Rectification(FSMModelMixin, models.Model):
    base = models.ForeignKey(
        "pilotbase.Base", verbose_name=_("中试基地"), on_delete=models.PROTECT, related_name="rectifications"
    )
    result = models.OneToOneField(
        "evaluations.EvaluationResult",
        verbose_name=_("考核结果"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="rectification",
    )
    year = models.PositiveSmallIntegerField(_("所属考核年度"), help_text=_("未通过时按该年度考核不合格计。"))
    origin = models.CharField(_("整改来源"), max_length=12, choices=RectificationOrigin.choices)
    reason = models.TextField(_("整改原因"))
    requirements = models.TextField(_("整改要求"))
    deadline = models.DateField(_("整改期限"))
    state = FSMField(
        _("状态"), default=RectificationState.NEW, choices=RectificationState.choices, protected=True
    )
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("下达人"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    opened_at = models.DateTimeField(_("下达时间"), null=True, blank=True)
    report = models.TextField(_("整改报告"), blank=True)
    reported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("报告提交人"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    reported_at = models.DateTimeField(_("报告提交时间"), null=True, blank=True)
    recheck_opinion = models.TextField(_("复核意见"), blank=True)
    rechecked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("复核人"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    rechecked_at = models.DateTimeField(_("复核时间"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("整改")
        verbose_name_plural = _("整改")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["base"],
                condition=Q(state__in=["open", "reported"]),
                name="one_unresolved_rectification_per_base",
            )
        ]

    def __str__(self) -> str:
        return f"{self.base}（{self.year}年度整改）"

    @transition(
        field=state,
        source=RectificationState.NEW,
        target=RectificationState.OPEN,
        permission=perm_consequence_staff_or_system,
        conditions=[rectification_result_is_rectify, rectification_base_active],
        custom={"label": _("下达整改通知")},
    )
    def open_from_grade(self, *, actor, requirements: str, deadline) -> None:
        """下达整改通知"""
        self.requirements, self.deadline = requirements, deadline
        self.opened_by, self.opened_at = actor, timezone.now()

    @transition(
        field=state,
        source=RectificationState.NEW,
        target=RectificationState.OPEN,
        permission=perm_consequence_staff,
        conditions=[rectification_base_active],
        custom={"label": _("责令整改")},
    )
    def order(self, *, actor, reason: str, requirements: str, deadline) -> None:
        """责令整改"""
        self.reason, self.requirements, self.deadline = reason, requirements, deadline
        self.opened_by, self.opened_at = actor, timezone.now()

    @transition(
        field=state,
        source=RectificationState.OPEN,
        target=RectificationState.REPORTED,
        permission=perm_rectification_base,
        conditions=[rectification_has_report, rectification_base_not_revoked],
        custom={"label": _("提交整改报告"), "confirm": True},
    )
    def submit_report(self, *, actor) -> None:
        """提交整改报告"""
        self.reported_by, self.reported_at = actor, timezone.now()

    @transition(
        field=state,
        source=RectificationState.REPORTED,
        target=RectificationState.OPEN,
        permission=perm_rectification_rechecker,
        custom={"label": _("退回补充整改"), "style": "outline-secondary"},
    )
    def return_report(self, *, actor, opinion: str) -> None:
        """退回补充整改"""
        self.recheck_opinion, self.rechecked_by, self.rechecked_at = opinion, actor, timezone.now()

    @transition(
        field=state,
        source=RectificationState.REPORTED,
        target=RectificationState.ACCEPTED,
        permission=perm_rectification_rechecker,
        custom={"label": _("复核通过"), "confirm": True, "style": "success"},
    )
    def accept(self, *, actor, opinion: str) -> None:
        """复核通过"""
        self.recheck_opinion, self.rechecked_by, self.rechecked_at = opinion, actor, timezone.now()

    @transition(
        field=state,
        source=RectificationState.REPORTED,
        target=RectificationState.NOT_ACCEPTED,
        permission=perm_rectification_rechecker,
        custom={"label": _("复核不通过"), "confirm": True, "style": "danger"},
    )
    def reject(self, *, actor, opinion: str) -> None:
        """复核不通过"""
        self.recheck_opinion, self.rechecked_by, self.rechecked_at = opinion, actor, timezone.now()

    @property
    def unresolved(self) -> bool:
        return self.state in UNRESOLVED_RECTIFICATION


def rectification_upload_to(instance: RectificationFile, filename: str) -> str:
    return f"evaluations/rectifications/{instance.rectification_id}/{instance.sha256}.{instance.extension}"


class RectificationFile(StoredFile):
    """An attachment of a rectification report (checked by content like every upload; private storage)."""

    rectification = models.ForeignKey(Rectification, on_delete=models.CASCADE, related_name="files")
    file = models.FileField(_("文件"), upload_to=rectification_upload_to)

    class Meta(StoredFile.Meta):
        verbose_name = _("整改报告附件")
        verbose_name_plural = _("整改报告附件")


# ---- 撤销认定 / 摘牌 ------------------------------------------------------------------------------------------
class RevocationState(models.TextChoices):
    NEW = "new", _("新建")
    LISTED = "listed", _("列入撤销名单")
    PROPOSED = "proposed", _("拟撤销（待确认）")
    REVOKED = "revoked", _("已撤销认定")
    DISMISSED = "dismissed", _("不予撤销")


UNRESOLVED_REVOCATION = (RevocationState.LISTED, RevocationState.PROPOSED)


class RevocationReason(models.TextChoices):
    CONSECUTIVE_FAIL = "consecutive_fail", _("连续两年考核不合格")
    BASE_REQUEST = "base_request", _("基地申请撤销")
    FRAUD = "fraud", _("弄虚作假")
    MAJOR_ACCIDENT = "major_accident", _("发生重大安全、环保事故")
    OTHER = "other", _("其他原因")


OTHER_REASONS = [c for c in RevocationReason.choices if c[0] != RevocationReason.CONSECUTIVE_FAIL]


@condition(_("须由提请撤销以外的另一名工作人员确认。"))
def revocation_second_person(rev: Revocation) -> bool:
    user = acting_user()
    return user is not None and rev.proposed_by_id is not None and user.pk != rev.proposed_by_id


@condition(_("该基地已撤销认定。"))
def revocation_base_not_revoked(rev: Revocation) -> bool:
    return rev.base.state != BaseStatus.REVOKED


class Revocation(FSMModelMixin, models.Model):
    base = models.ForeignKey(
        "pilotbase.Base", verbose_name=_("中试基地"), on_delete=models.PROTECT, related_name="revocations"
    )
    reason_kind = models.CharField(_("撤销事由"), max_length=20, choices=RevocationReason.choices)
    reason = models.TextField(_("撤销原因"))
    first_year = models.PositiveSmallIntegerField(_("第一个不合格年度"), null=True, blank=True)
    second_year = models.PositiveSmallIntegerField(_("第二个不合格年度"), null=True, blank=True)
    state = FSMField(_("状态"), default=RevocationState.NEW, choices=RevocationState.choices, protected=True)
    listed_at = models.DateTimeField(_("列入名单时间"), null=True, blank=True)
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("提请人"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    proposed_at = models.DateTimeField(_("提请时间"), null=True, blank=True)
    proposal_opinion = models.TextField(_("提请意见"), blank=True)
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("确认人"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    confirmed_at = models.DateTimeField(_("确认时间"), null=True, blank=True)
    revoked_on = models.DateField(_("撤销日期"), null=True, blank=True)
    dismissal_reason = models.TextField(_("不予撤销理由"), blank=True)
    # Raised by the confirmation: the subsidies stage recovers the regional funds the base received (六.三).
    recovery_flagged = models.BooleanField(_("待追回财政资金"), default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("撤销认定")
        verbose_name_plural = _("撤销认定")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["base"],
                condition=Q(state__in=["listed", "proposed"]),
                name="one_unresolved_revocation_per_base",
            ),
            # a pair of failed years is listed once: dismissed, it is not listed again
            models.UniqueConstraint(
                fields=["base", "second_year"],
                condition=Q(second_year__isnull=False),
                name="one_revocation_per_failed_pair",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.base}（{self.get_reason_kind_display()}）"

    @transition(
        field=state,
        source=RevocationState.NEW,
        target=RevocationState.LISTED,
        permission=perm_system,
        conditions=[revocation_base_not_revoked],
        custom={"label": _("列入撤销名单")},
    )
    def detect(self, *, first_year: int, second_year: int, reason: str) -> None:
        """列入撤销名单"""
        self.reason_kind = RevocationReason.CONSECUTIVE_FAIL
        self.first_year, self.second_year, self.reason = first_year, second_year, reason
        self.listed_at = timezone.now()

    @transition(
        field=state,
        source=RevocationState.LISTED,
        target=RevocationState.PROPOSED,
        permission=perm_consequence_staff,
        conditions=[revocation_base_not_revoked],
        custom={"label": _("提请撤销认定")},
    )
    def propose(self, *, actor, opinion: str) -> None:
        """提请撤销认定"""
        self.proposed_by, self.proposed_at, self.proposal_opinion = actor, timezone.now(), opinion

    @transition(
        field=state,
        source=RevocationState.NEW,
        target=RevocationState.PROPOSED,
        permission=perm_consequence_staff,
        conditions=[revocation_base_not_revoked],
        custom={"label": _("因其他事由提请撤销认定")},
    )
    def propose_other(self, *, actor, reason_kind: str, reason: str) -> None:
        """因其他事由提请撤销认定"""
        self.reason_kind, self.reason = reason_kind, reason
        self.proposed_by, self.proposed_at, self.proposal_opinion = actor, timezone.now(), reason

    @transition(
        field=state,
        source=RevocationState.PROPOSED,
        target=RevocationState.REVOKED,
        permission=perm_consequence_staff,
        conditions=[revocation_second_person, revocation_base_not_revoked],
        custom={"label": _("确认撤销认定"), "confirm": True, "style": "danger"},
    )
    def confirm(self, *, actor, revoked_on) -> None:
        """确认撤销认定"""
        self.confirmed_by, self.confirmed_at, self.revoked_on = actor, timezone.now(), revoked_on
        self.recovery_flagged = True

    @transition(
        field=state,
        source=list(UNRESOLVED_REVOCATION),
        target=RevocationState.DISMISSED,
        permission=perm_consequence_staff,
        custom={"label": _("不予撤销"), "style": "outline-secondary"},
    )
    def dismiss(self, *, reason: str) -> None:
        """不予撤销"""
        self.dismissal_reason = reason

    @property
    def unresolved(self) -> bool:
        return self.state in UNRESOLVED_REVOCATION
