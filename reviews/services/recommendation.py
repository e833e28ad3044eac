"""初审推荐 and 形式审查: every write of this stage.

Each service runs its transitions through `pilotbase.workflow.transition_run` with the application as the
timeline subject; a service that moves two records is one `@decided` decision (one decision id on both log
rows). Whether a transition may run now is declared on it (permission and conditions in
`reviews.models.recommendation`); what a decision records is passed as the transition's arguments. People
are told through `notify` (mail is enqueued only after commit), recipients from `pilotbase.recipients`.
`expected_state` is the state the user's page showed: a mismatch raises `StaleState` ("someone else was faster").
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import Max
from django.urls import reverse
from django.utils.translation import gettext as _

from applications.models import Application, Call
from pilotbase.models import Organization, User
from pilotbase.notifications import notify
from pilotbase.recipients import Kind, authority_users, department_users, unit_users
from pilotbase.uploads import upload_check
from pilotbase.workflow import WorkflowError, decided, record_refresh, transition_run

from ..models import (
    BatchState,
    FormalCheck,
    FormalCheckState,
    Recommendation,
    RecommendationBatch,
    RecommendationState,
)

LETTER_TYPES = ["pdf", "jpg", "png"]
LETTER_MAX_MB = 10


# ---- helpers -------------------------------------------------------------------------------------
def _require_text(value: str, what: str) -> str:
    value = (value or "").strip()
    if not value:
        raise WorkflowError(_("请填写%(what)s。") % {"what": what})
    return value


def _review_url(recommendation: Recommendation) -> str:
    return reverse("reviews:rec_review", args=[recommendation.pk])


def _renumber(batch_id: int | None) -> None:
    if batch_id is None:
        return
    recs = Recommendation.objects.filter(batch_id=batch_id).order_by("priority", "id")
    for i, rec in enumerate(recs, start=1):
        if rec.priority != i:
            Recommendation.objects.filter(pk=rec.pk).update(priority=i)


def recommendation_create_for(*, application: Application) -> Recommendation:
    """Called on submission (signal receiver): the authority's review record, pending."""
    rec, _created = Recommendation.objects.get_or_create(
        application=application, defaults={"authority_id": application.authority_id}
    )
    return rec


def batch_get_or_create(*, authority: Organization, call: Call) -> RecommendationBatch:
    """The authority's open (draft) batch for the call, started when there is none: a sent batch is closed, so a
    拟推荐 made after it was sent waits in the next one (one open batch at a time: a partial unique constraint)."""
    batch, _created = RecommendationBatch.objects.get_or_create(call=call, authority=authority,
                                                                state=BatchState.DRAFT)
    return batch


# ---- the authority's decisions -------------------------------------------------------------------
@decided
def recommendation_recommend(
    *, recommendation: Recommendation, actor: User, opinion: str, expected_state: str | None = None
) -> Recommendation:
    """拟推荐: joins the authority's open batch for the call at the end of the priority order. A correction after a
    formal-check return stays in the sent batch it came from and is forwarded on its own (`recommendation_forward`)."""
    opinion = _require_text(opinion, _("初审意见"))
    application = recommendation.application
    batch = recommendation.batch or batch_get_or_create(authority=recommendation.authority, call=application.call)
    RecommendationBatch.objects.select_for_update().get(pk=batch.pk)  # one "last + 1" at a time per batch
    last = Recommendation.objects.filter(batch=batch).aggregate(m=Max("priority"))["m"] or 0
    rec = transition_run(instance=recommendation, name="recommend", actor=actor, subject=application,
                         expected_state=expected_state, args={"opinion": opinion, "batch": batch, "priority": last + 1})
    transition_run(instance=application, name="recommend", actor=actor, subject=application, comment=opinion)
    return rec


@decided
def recommendation_reconsider(
    *, recommendation: Recommendation, actor: User, expected_state: str | None = None
) -> Recommendation:
    """撤销拟推荐 (before the batch is sent): back to pending, out of the batch."""
    application = recommendation.application
    old_batch = recommendation.batch_id
    rec = transition_run(instance=recommendation, name="reconsider", actor=actor, subject=application,
                         expected_state=expected_state)
    transition_run(instance=application, name="unrecommend", actor=actor, subject=application)
    _renumber(old_batch)
    return rec


@decided
def recommendation_return(
    *, recommendation: Recommendation, actor: User, opinion: str, expected_state: str | None = None,
    requested_materials: str = "",
) -> Recommendation:
    """退回修改: the applicant revises and resubmits; the authority then sees what changed. `requested_materials`
    names what the applicant should add (uploaded as 其他补充材料); it is kept on the application with this return."""
    opinion = _require_text(opinion, _("退回意见"))
    application = recommendation.application
    rec = transition_run(instance=recommendation, name="send_back", actor=actor, subject=application,
                         expected_state=expected_state,
                         args={"opinion": opinion, "returned_version": application.version})
    transition_run(instance=application, name="return_for_revision", actor=actor, subject=application,
                   comment=opinion, args={"requested_materials": (requested_materials or "").strip()})
    notify(recipients=unit_users(application), kind=Kind.RECOMMENDATION_RETURNED, template="recommendation_returned",
           context={"application": application, "opinion": opinion, "authority": recommendation.authority},
           url=_applicant_url(application))
    return rec


@decided
def recommendation_decline(
    *, recommendation: Recommendation, actor: User, reason: str, expected_state: str | None = None
) -> Recommendation:
    """不予推荐: final for this call; the applicant (lead unit and partners) is told why."""
    reason = _require_text(reason, _("不予推荐的理由"))
    application = recommendation.application
    rec = transition_run(instance=recommendation, name="decline", actor=actor, subject=application,
                         expected_state=expected_state, args={"reason": reason})
    transition_run(instance=application, name="decline", actor=actor, subject=application, comment=reason)
    notify(recipients=unit_users(application), kind=Kind.RECOMMENDATION_DECLINED, template="recommendation_declined",
           context={"application": application, "reason": reason, "authority": recommendation.authority},
           url=_applicant_url(application))
    return rec


def _applicant_url(application: Application) -> str:
    return reverse("applications:detail", args=[application.pk])


def _forward_one(*, rec: Recommendation, actor: User, expected_state: str | None = None) -> Recommendation:
    """报送科技厅 for one recommended application: forwarded, under review, formal check pending (or reopened)."""
    application = rec.application
    done = transition_run(instance=rec, name="forward", actor=actor, subject=application,
                          expected_state=expected_state)
    transition_run(instance=application, name="forward", actor=actor, subject=application)
    check = FormalCheck.objects.filter(application=application).first()
    if check is None:
        FormalCheck.objects.create(application=application)
    elif check.state == FormalCheckState.RETURNED:
        transition_run(instance=check, name="reopen", actor=actor, subject=application)
    return done


@decided
def recommendation_forward(
    *, recommendation: Recommendation, actor: User, expected_state: str | None = None
) -> Recommendation:
    """Forward one more application after the batch was sent (e.g. corrected after a formal-check return).

    The transition's conditions decide: the batch must be sent, a first forward keeps the deadline and the
    quota, a re-forward after a formal-check return is a correction and ignores the deadline.
    """
    done = _forward_one(rec=recommendation, actor=actor, expected_state=expected_state)
    notify(recipients=department_users(), kind=Kind.FORMAL_CHECK_PENDING, template="recommendation_forwarded_again",
           context={"application": recommendation.application, "authority": recommendation.authority},
           url=reverse("reviews:fc_queue"))
    record_refresh(recommendation)
    return done


# ---- the batch ----------------------------------------------------------------------------------
@decided
def batch_set_priority(
    *, batch: RecommendationBatch, ordered_recommendation_ids: Sequence[int], actor: User
) -> RecommendationBatch:
    """Set the priority order (1 = first) of the recommended applications of an open batch."""
    batch = RecommendationBatch.objects.select_for_update().get(pk=batch.pk)
    if actor.organization_id != batch.authority_id:
        raise PermissionDenied(_("您没有权限执行该操作。"))
    if batch.state != BatchState.DRAFT:
        raise WorkflowError(_("推荐名单已报送，不能再调整排序。"))
    current = set(batch.recommendations.values_list("pk", flat=True))
    ordered = [int(i) for i in ordered_recommendation_ids]
    if set(ordered) != current or len(ordered) != len(current):
        raise WorkflowError(_("排序名单与当前拟推荐名单不一致，请刷新页面后再操作。"))
    for i, pk in enumerate(ordered, start=1):
        Recommendation.objects.filter(pk=pk).update(priority=i)
    return batch


def _sniff_letter(upload: UploadedFile) -> str:
    try:
        return upload_check(uploaded_file=upload, allowed=LETTER_TYPES, max_size_mb=LETTER_MAX_MB,
                            match_name=False).extension
    except ValidationError as exc:
        raise WorkflowError(_("推荐函须为盖章后的扫描件（PDF、JPG 或 PNG）：%(why)s") % {"why": exc.messages[0]}) from exc


@decided
def batch_attach_letter(*, batch: RecommendationBatch, actor: User, upload: UploadedFile) -> RecommendationBatch:
    """推荐函: the sealed scan, checked by content (not by file name)."""
    locked = RecommendationBatch.objects.select_for_update().get(pk=batch.pk)
    if actor.organization_id != locked.authority_id:
        raise PermissionDenied(_("您没有权限执行该操作。"))
    if locked.state != BatchState.DRAFT:
        raise WorkflowError(_("推荐名单已报送，不能更换推荐函。"))
    ext = _sniff_letter(upload)
    old = locked.letter.name if locked.letter else ""
    locked.letter.save(f"{locked.call_id}-{locked.authority_id}-{uuid.uuid4().hex}.{ext}", upload, save=False)
    locked.letter_name = (upload.name or f"推荐函.{ext}")[:200]
    locked.save(update_fields=["letter", "letter_name"])
    if old:
        storage = locked.letter.storage
        transaction.on_commit(lambda: storage.delete(old))
    record_refresh(batch)
    return locked


@decided
def batch_submit(*, batch: RecommendationBatch, actor: User, expected_state: str | None = None) -> RecommendationBatch:
    """报送推荐名单: its conditions ask for the deadline, the letter, at least one and at most the call's quota."""
    recs = list(batch.recommendations.filter(state=RecommendationState.RECOMMENDED)
                .select_related("application").order_by("priority", "id"))
    result = transition_run(instance=batch, name="submit", actor=actor, expected_state=expected_state)
    for rec in recs:
        _forward_one(rec=rec, actor=actor, expected_state=RecommendationState.RECOMMENDED)
        notify(recipients=unit_users(rec.application), kind=Kind.RECOMMENDATION_FORWARDED,
               template="recommendation_forwarded", context={"application": rec.application,
                                                              "authority": result.authority},
               url=_applicant_url(rec.application))
    notify(recipients=department_users(), kind=Kind.FORMAL_CHECK_PENDING, template="recommendation_batch_submitted",
           context={"batch": result, "call": result.call, "authority": result.authority, "count": len(recs)},
           url=reverse("reviews:fc_queue"))
    return result


# ---- 形式审查 ----------------------------------------------------------------------------------
def formal_check_results_clean(*, check: FormalCheck, results: dict) -> dict[str, dict]:
    """Normalise {item id: {"ok": bool, "note": str}}; every checklist item of the call must be answered."""
    items = list(check.application.call.check_items.all())
    clean: dict[str, dict] = {}
    missing = []
    for item in items:
        row = results.get(str(item.pk), results.get(item.pk))
        if not isinstance(row, dict) or row.get("ok") is None:
            missing.append(item.text)
            continue
        clean[str(item.pk)] = {"ok": bool(row["ok"]), "note": str(row.get("note") or "").strip()[:500],
                               "text": item.text}
    if missing:
        raise WorkflowError(_("以下审查要点尚未填写结论：%(items)s") % {"items": "、".join(missing)})
    return clean


def failed_items(results: dict) -> list[str]:
    return [f"{r['text']}{'（' + r['note'] + '）' if r.get('note') else ''}" for r in results.values()
            if not r.get("ok")]


@decided
def formal_check_pass(
    *, check: FormalCheck, actor: User, results: dict, opinion: str = "", expected_state: str | None = None
) -> FormalCheck:
    results = formal_check_results_clean(check=check, results=results)
    failed = failed_items(results)
    if failed:
        raise WorkflowError(_("以下审查要点不符合，不能判定通过：%(items)s") % {"items": "；".join(failed)})
    application = check.application
    done = transition_run(instance=check, name="pass_check", actor=actor, subject=application, comment=opinion,
                          expected_state=expected_state, args={"results": results, "opinion": opinion})
    notify(recipients=unit_users(application), kind=Kind.FORMAL_CHECK_PASSED, template="recommendation_formal_passed",
           context={"application": application}, url=_applicant_url(application))
    return done


@decided
def formal_check_return(
    *, check: FormalCheck, actor: User, results: dict, opinion: str, expected_state: str | None = None
) -> FormalCheck:
    """退回补正: back to the applicant; after resubmission the authority reviews (and forwards) again."""
    results = formal_check_results_clean(check=check, results=results)
    failed = failed_items(results)
    if not failed:
        raise WorkflowError(_("退回补正时请至少标明一项不符合的审查要点。"))
    opinion = (opinion or "").strip()
    application = check.application
    comment = "\n".join([opinion, _("不符合的审查要点：") + "；".join(failed)]).strip()
    done = transition_run(instance=check, name="send_back", actor=actor, subject=application, comment=comment,
                          expected_state=expected_state, args={"results": results, "opinion": opinion})
    rec = Recommendation.objects.get(application=application)
    transition_run(instance=rec, name="return_after_formal_check", actor=actor, subject=application,
                   expected_state=RecommendationState.FORWARDED, args={"returned_version": application.version})
    transition_run(instance=application, name="return_for_revision", actor=actor, subject=application,
                   comment=comment)
    context = {"application": application, "opinion": opinion, "failed": failed}
    notify(recipients=unit_users(application), kind=Kind.FORMAL_CHECK_RETURNED,
           template="recommendation_formal_returned", context=context, url=_applicant_url(application))
    notify(recipients=authority_users(application.authority_id), kind=Kind.FORMAL_CHECK_RETURNED,
           template="recommendation_formal_returned", context=context, url=_review_url(rec), email=False)
    return done


@decided
def formal_check_reject(
    *, check: FormalCheck, actor: User, results: dict, opinion: str, expected_state: str | None = None
) -> FormalCheck:
    """形式审查不通过: the application ends here (Application.reject)."""
    results = formal_check_results_clean(check=check, results=results)
    opinion = _require_text(opinion, _("不通过的理由"))
    application = check.application
    done = transition_run(instance=check, name="reject", actor=actor, subject=application, comment=opinion,
                          expected_state=expected_state, args={"results": results, "opinion": opinion})
    transition_run(instance=application, name="reject", actor=actor, subject=application, comment=opinion)
    context = {"application": application, "opinion": opinion, "failed": failed_items(results)}
    notify(recipients=[*unit_users(application), *authority_users(application.authority_id)],
           kind=Kind.FORMAL_CHECK_REJECTED, template="recommendation_formal_rejected", context=context,
           url=_applicant_url(application))
    return done


# ---- signal consequences (called by reviews.receivers) ----------------------------------------------
def recommendation_reopen_on_resubmit(*, application: Application, actor: User | None) -> Recommendation | None:
    rec = Recommendation.objects.filter(application=application).first()
    if rec is None:
        return recommendation_create_for(application=application)
    if rec.state != RecommendationState.RETURNED:
        return rec
    # The authority is told by applications' submit service (its mail says "resubmitted").
    return transition_run(instance=rec, name="reopen", actor=actor, subject=application)


def recommendation_close_on_withdraw(*, application: Application, actor: User | None) -> Recommendation | None:
    """The applicant withdrew: the authority's pending review closes, so no queue or reminder waits on it."""
    rec = Recommendation.objects.filter(application=application).first()
    if rec is None or rec.state not in {RecommendationState.PENDING, RecommendationState.RETURNED}:
        return rec
    return transition_run(instance=rec, name="close_on_withdraw", actor=actor, subject=application)


# ---- reminders (the sweeper registered by hooks.recommendation) ---------------------------------
REMIND_DAYS_BEFORE = (3, 1)


def recommendation_deadline_reminders_send(now=None) -> int:
    """3 and 1 days before the recommendation deadline, remind authorities that still have work."""
    from datetime import timedelta

    from django.db.models import Q
    from django.utils import timezone

    from pilotbase.models import Role
    from pilotbase.notifications import Due, remind_many

    now = now or timezone.now()
    today = timezone.localdate(now)
    horizon = now + timedelta(days=max(REMIND_DAYS_BEFORE) + 1)
    open_work = Recommendation.objects.filter(
        Q(state=RecommendationState.PENDING, application__state="submitted")
        | Q(state=RecommendationState.RECOMMENDED, batch__state="draft"),
        application__call__recommendation_deadline__gt=now,
        application__call__recommendation_deadline__lte=horizon,
    ).values("authority_id", "application__call_id", "application__call__title",
             "application__call__recommendation_deadline").distinct()
    rows = [row for row in open_work
            if (timezone.localdate(row["application__call__recommendation_deadline"]) - today).days
            in REMIND_DAYS_BEFORE]
    users_of: dict[int, list[User]] = {}  # one query for every authority's users, not one per (call, authority)
    for user in User.objects.filter(organization_id__in={r["authority_id"] for r in rows}, role=Role.AUTHORITY,
                                    is_active=True).order_by("pk"):
        users_of.setdefault(user.organization_id, []).append(user)
    due = []
    for row in rows:
        deadline = row["application__call__recommendation_deadline"]
        days = (timezone.localdate(deadline) - today).days
        for user in users_of.get(row["authority_id"], []):
            due.append(Due(
                key=f"rec-deadline:{row['application__call_id']}:{row['authority_id']}:{user.pk}:{days}d",
                recipient=user, kind=Kind.RECOMMENDATION_DEADLINE, template="recommendation_deadline_reminder",
                context={"call_title": row["application__call__title"], "deadline": deadline, "days": days},
                url=reverse("reviews:rec_queue"), due_on=timezone.localdate(deadline),
            ))
    return remind_many(due)
