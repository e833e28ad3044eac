"""整改: open (from a 整改 grade, or ordered by staff), the base's report and its files, the re-check (staff, or the
agency commissioned for the round whose grade opened it: rules.is_rectification_agency; it is told of the report).

Every state change goes through `transition_run`; opening and the re-check move the rectification and the base
in one decision. A re-check that does not accept the rectification makes its year a failed evaluation, so the
consecutive-fail detection runs for the base right after (its own decision: the portal's, not the re-checker's).
"""

from __future__ import annotations

from datetime import date, timedelta

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import UploadedFile
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from pilotbase.models import Base, BaseStatus, User
from pilotbase.notifications import notify
from pilotbase.recipients import Kind, agency_users, authority_users, department_users, unit_users
from pilotbase.rules import is_applicant
from pilotbase.uploads import upload_store
from pilotbase.workflow import WorkflowError, decided, transition_run

from ..models import (
    EvaluationResult,
    EvaluationRound,
    Grade,
    Rectification,
    RectificationFile,
    RectificationOrigin,
    RectificationState,
)
from ..rules import is_base_lead, rectification_round_year

ALLOWED_FILES = ["pdf", "jpg", "png", "docx", "xlsx"]


def rectification_default_deadline(today: date | None = None) -> date:
    """Today plus RECTIFICATION_DAYS (a setting, one year unless the environment says otherwise)."""
    return (today or timezone.localdate()) + timedelta(days=settings.RECTIFICATION_DAYS)


def _url(rec: Rectification) -> str:
    return reverse("evaluations:rectification_detail", args=[rec.pk])


def _round_agency_id(rec: Rectification) -> int | None:
    """The agency commissioned for the round the rectification came from (None: ordered by staff)."""
    year = rectification_round_year(rec)
    if year is None:
        return None
    return EvaluationRound.objects.filter(year=year).values_list("agency_id", flat=True).first()


def _tell(rec: Rectification, *, event: str, base_side: bool = True, staff: bool = True) -> None:
    base = rec.base
    recipients = [
        *(unit_users(base) if base_side else []),
        *authority_users(base.lead_unit.authority_id),
        *(department_users() if staff else []),
        *(agency_users(_round_agency_id(rec)) if event == "reported" else []),  # it may re-check too
    ]
    kind = {"opened": Kind.RECTIFICATION_OPENED, "reported": Kind.RECTIFICATION_REPORTED}.get(
        event, Kind.RECTIFICATION_DECIDED
    )
    notify(
        recipients=recipients,
        kind=kind,
        template="rectification",
        url=_url(rec),
        context={"rectification": rec, "event": event},
    )


def _open(rec: Rectification, *, name: str, actor: User | None, args: dict) -> Rectification:
    base = Base.objects.select_for_update().get(pk=rec.base_id)
    if base.state != BaseStatus.ACTIVE:
        raise WorkflowError(
            _("“%(base)s”当前状态为“%(state)s”，不能再下达整改。")
            % {"base": base, "state": base.get_state_display()}
        )
    rec.save()  # state `new`: the transition below opens it (the base's lock keeps one unresolved per base)
    rec = transition_run(instance=rec, name=name, actor=actor, subject=base, args=args)
    rec.base = transition_run(instance=base, name="order_rectification", actor=actor, subject=base)
    _tell(rec, event="opened", staff=False)
    return rec


@decided
def rectification_open(
    *, result: EvaluationResult, actor: User | None, requirements: str, deadline: date | None = None
) -> Rectification:
    """下达整改通知 for a 整改 grade: the base goes to 整改中. `actor` None: the portal opens it as the grade is
    recorded (the requirements then come from the evaluation's comments)."""
    if result.grade != Grade.RECTIFY:
        raise WorkflowError(_("只有考核等次为“整改”的结果才能据此下达整改。"))
    if Rectification.objects.filter(result=result).exists():
        raise WorkflowError(_("该考核结果已下达过整改。"))
    if not requirements.strip():
        raise WorkflowError(_("请填写整改要求。"))
    rec = Rectification(
        base_id=result.base_id,
        result=result,
        year=result.year,
        origin=RectificationOrigin.GRADE,
        reason=_("%(year)s年度绩效考核等次为“整改”。") % {"year": result.year},
        requirements=requirements,
        deadline=deadline or rectification_default_deadline(),
    )
    return _open(
        rec,
        name="open_from_grade",
        actor=actor,
        args={"requirements": requirements, "deadline": rec.deadline},
    )


@decided
def rectification_order(
    *, base: Base, actor: User, year: int, reason: str, requirements: str, deadline: date | None = None
) -> Rectification:
    """责令整改: staff order a rectification without a grade (e.g. a problem found in supervision), with a reason."""
    if not reason.strip() or not requirements.strip():
        raise WorkflowError(_("请填写整改原因和整改要求。"))
    deadline = deadline or rectification_default_deadline()
    rec = Rectification(
        base=base,
        year=year,
        origin=RectificationOrigin.ORDERED,
        reason=reason,
        requirements=requirements,
        deadline=deadline,
    )
    return _open(
        rec,
        name="order",
        actor=actor,
        args={"reason": reason, "requirements": requirements, "deadline": deadline},
    )


def rectification_report_save(*, rectification: Rectification, actor: User, report: str) -> Rectification:
    """The lead unit writes (and rewrites) its report while the rectification is open; submitting is a transition."""
    _check_base_editor(rectification, actor)
    updated = Rectification.objects.filter(pk=rectification.pk, state=RectificationState.OPEN).update(
        report=report
    )
    if not updated:
        raise WorkflowError(_("整改报告已提交或整改已结束，不能再修改。"))
    rectification.report = report
    return rectification


def _check_base_editor(rec: Rectification, actor: User) -> None:
    if not (is_applicant(actor) and is_base_lead(actor, rec)):
        raise PermissionDenied(_("您没有权限执行该操作。"))
    if rec.state != RectificationState.OPEN:
        raise WorkflowError(_("整改报告已提交或整改已结束，不能再修改。"))


def rectification_file_add(
    *, rectification: Rectification, actor: User, upload: UploadedFile
) -> RectificationFile:
    """An attachment of the report, checked by content (pdf, images, Word, Excel) like every upload."""
    _check_base_editor(rectification, actor)
    return upload_store(RectificationFile(rectification=rectification, uploaded_by=actor), upload=upload,
                        allowed=ALLOWED_FILES, max_size_mb=settings.RECTIFICATION_FILE_MAX_MB)


def rectification_file_delete(*, file: RectificationFile, actor: User) -> None:
    _check_base_editor(file.rectification, actor)
    file.file.delete(save=False)
    file.delete()


@decided
def rectification_submit(
    *, rectification: Rectification, actor: User, expected_state: str | None = RectificationState.OPEN
) -> Rectification:
    """提交整改报告: staff (and the authority) are told to re-check."""
    rec = transition_run(
        instance=rectification,
        name="submit_report",
        actor=actor,
        subject=rectification.base,
        expected_state=expected_state,
    )
    _tell(rec, event="reported", base_side=False)
    return rec


@decided
def rectification_return(
    *,
    rectification: Rectification,
    actor: User,
    opinion: str,
    expected_state: str | None = RectificationState.REPORTED,
) -> Rectification:
    """退回补充整改: back to the lead unit with the opinion; the base stays 整改中."""
    rec = transition_run(
        instance=rectification,
        name="return_report",
        actor=actor,
        subject=rectification.base,
        expected_state=expected_state,
        comment=opinion,
        args={"opinion": opinion},
    )
    _tell(rec, event="returned", staff=False)
    return rec


@decided
def rectification_accept(
    *,
    rectification: Rectification,
    actor: User,
    opinion: str,
    expected_state: str | None = RectificationState.REPORTED,
) -> Rectification:
    """复核通过 (staff or the round's agency): the rectification is accepted and the base is active again, in one
    decision."""
    rec = transition_run(
        instance=rectification,
        name="accept",
        actor=actor,
        subject=rectification.base,
        expected_state=expected_state,
        comment=opinion,
        args={"opinion": opinion},
    )
    transition_run(instance=rec.base, name="close_rectification", actor=actor, subject=rec.base)
    _tell(rec, event="accepted", staff=False)
    return rec


def rectification_reject(
    *,
    rectification: Rectification,
    actor: User,
    opinion: str,
    expected_state: str | None = RectificationState.REPORTED,
) -> Rectification:
    """复核不通过: the year counts as a failed evaluation; a second consecutive fail puts the base on the list."""
    from .revocation import revocation_detect_base

    rec = _reject(rectification=rectification, actor=actor, opinion=opinion, expected_state=expected_state)
    revocation_detect_base(base=rec.base)
    return rec


@decided
def _reject(
    *, rectification: Rectification, actor: User, opinion: str, expected_state: str | None
) -> Rectification:
    rec = transition_run(
        instance=rectification,
        name="reject",
        actor=actor,
        subject=rectification.base,
        expected_state=expected_state,
        comment=opinion,
        args={"opinion": opinion},
    )
    transition_run(instance=rec.base, name="fail_rectification", actor=actor, subject=rec.base)
    _tell(rec, event="not_accepted", staff=False)
    return rec


# ---- reminders ---------------------------------------------------------------------------------------------
def rectification_reminders(today: date | None = None) -> int:
    """The lead unit of every open rectification is reminded RECTIFICATION_REMINDER_DAYS before the deadline, on
    the day, and once when it has passed (staff too); each at most once (remind_once keys). Returns how many were
    sent now. Registered as a sweeper."""
    from pilotbase.notifications import Due, remind_many

    today = today or timezone.localdate()
    dues = []
    open_ = Rectification.objects.filter(state=RectificationState.OPEN).select_related("base__lead_unit")
    for rec in open_.order_by("deadline", "id"):
        left = (rec.deadline - today).days
        if left in settings.RECTIFICATION_REMINDER_DAYS or left == 0:
            what, recipients = f"before-{left}", unit_users(rec.base, partners=False)
        elif left < 0:
            what, recipients = "overdue", [*unit_users(rec.base, partners=False), *department_users()]
        else:
            continue
        dues += [
            Due(
                key=f"rectification-{rec.pk}-{rec.deadline:%Y%m%d}-{what}-{user.pk}",
                recipient=user,
                kind=Kind.RECTIFICATION_DEADLINE,
                template="rectification_reminder",
                url=_url(rec),
                context={"base_name": rec.base.name, "deadline": rec.deadline, "days_left": left},
                due_on=rec.deadline,
            )
            for user in recipients
        ]
    return remind_many(dues)
