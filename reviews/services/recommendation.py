"""初审推荐 and 形式审查: every write of this stage.

Each service runs its transitions through `pilotbase.workflow.transition_run` with the
application as the timeline subject, inside one transaction, and tells people through
`notify` (mail is enqueued only after commit). `expected_state` is the state the user's page
showed: a mismatch raises `StaleState` ("someone else was faster").
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import Max
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from applications.models import Application, ApplicationState, Call
from pilotbase.formats import cn_date
from pilotbase.models import Organization, Role, User
from pilotbase.notifications import notify
from pilotbase.uploads import upload_check
from pilotbase.workflow import (
    StaleState,
    WorkflowError,
    decided,
    state_label,
    transition_label,
    transition_run,
)

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
def _users_of(org_id: int | None, role: str) -> list[User]:
    if org_id is None:
        return []
    return list(User.objects.filter(organization_id=org_id, role=role, is_active=True))


def applicant_users(application: Application) -> list[User]:
    return _users_of(application.applicant_id, Role.APPLICANT)


def authority_users(authority_id: int) -> list[User]:
    return _users_of(authority_id, Role.AUTHORITY)


def department_users() -> list[User]:
    return list(User.objects.filter(role=Role.DEPARTMENT, is_active=True))


def _require_state(record: Any, allowed: Iterable[str], name: str) -> None:
    """Guard a service that is narrower than the model's transition (same message as transition_run)."""
    if record.state not in set(allowed):
        raise WorkflowError(
            _("当前状态“%(state)s”下不能执行“%(action)s”。")
            % {"state": state_label(record, record.state), "action": transition_label(getattr(record, name))}
        )


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
    batch, _created = RecommendationBatch.objects.get_or_create(call=call, authority=authority)
    return batch


# ---- the authority's decisions -------------------------------------------------------------------
@decided
def recommendation_recommend(
    *, recommendation: Recommendation, actor: User, opinion: str, expected_state: str | None = None
) -> Recommendation:
    """拟推荐: joins the authority's batch for the call at the end of the priority order."""
    opinion = _require_text(opinion, _("初审意见"))
    application = recommendation.application
    batch = batch_get_or_create(authority=recommendation.authority, call=application.call)

    def fill(rec: Recommendation) -> None:
        last = Recommendation.objects.filter(batch=batch).aggregate(m=Max("priority"))["m"] or 0
        rec.opinion, rec.batch, rec.priority = opinion, batch, last + 1
        rec.reviewed_by, rec.reviewed_at = actor, timezone.now()

    rec = transition_run(instance=recommendation, name="recommend", actor=actor, subject=application,
                         expected_state=expected_state, before_save=fill)
    transition_run(instance=application, name="recommend", actor=actor, subject=application, comment=opinion)
    return rec


@decided
def recommendation_reconsider(
    *, recommendation: Recommendation, actor: User, expected_state: str | None = None
) -> Recommendation:
    """撤销拟推荐 (before the batch is sent): back to pending, out of the batch."""
    if recommendation.batch_id and recommendation.batch.state == BatchState.SUBMITTED:
        raise WorkflowError(_("推荐名单已报送，不能撤销拟推荐。"))
    application = recommendation.application
    old_batch = recommendation.batch_id

    def clear(rec: Recommendation) -> None:
        rec.batch, rec.priority = None, None

    rec = transition_run(instance=recommendation, name="reconsider", actor=actor, subject=application,
                         expected_state=expected_state, before_save=clear)
    transition_run(instance=application, name="unrecommend", actor=actor, subject=application)
    _renumber(old_batch)
    return rec


@decided
def recommendation_return(
    *, recommendation: Recommendation, actor: User, opinion: str, expected_state: str | None = None
) -> Recommendation:
    """退回修改: the applicant revises and resubmits; the authority then sees what changed."""
    _require_state(recommendation, [RecommendationState.PENDING], "send_back")
    opinion = _require_text(opinion, _("退回意见"))
    application = recommendation.application

    def fill(rec: Recommendation) -> None:
        rec.opinion, rec.returned_version = opinion, application.version
        rec.reviewed_by, rec.reviewed_at = actor, timezone.now()

    rec = transition_run(instance=recommendation, name="send_back", actor=actor, subject=application,
                         expected_state=expected_state, before_save=fill)
    transition_run(instance=application, name="return_for_revision", actor=actor, subject=application,
                   comment=opinion)
    notify(recipients=applicant_users(application), kind="recommendation_returned",
           template="recommendation_returned",
           context={"application": application, "opinion": opinion, "authority": recommendation.authority},
           url=_applicant_url(application))
    return rec


@decided
def recommendation_decline(
    *, recommendation: Recommendation, actor: User, reason: str, expected_state: str | None = None
) -> Recommendation:
    """不予推荐: final for this call; the applicant is told why."""
    reason = _require_text(reason, _("不予推荐的理由"))
    application = recommendation.application

    def fill(rec: Recommendation) -> None:
        rec.opinion = reason
        rec.reviewed_by, rec.reviewed_at = actor, timezone.now()

    rec = transition_run(instance=recommendation, name="decline", actor=actor, subject=application,
                         expected_state=expected_state, before_save=fill)
    transition_run(instance=application, name="decline", actor=actor, subject=application, comment=reason)
    notify(recipients=applicant_users(application), kind="recommendation_declined",
           template="recommendation_declined",
           context={"application": application, "reason": reason, "authority": recommendation.authority},
           url=_applicant_url(application))
    return rec


def _applicant_url(application: Application) -> str:
    from django.urls import NoReverseMatch

    try:
        return reverse("applications:detail", args=[application.pk])
    except NoReverseMatch:  # the intake pages are built in parallel
        return ""


def _forward_one(*, rec: Recommendation, actor: User) -> None:
    """报送科技厅 for one recommended application: forwarded, under review, formal check pending."""
    application = rec.application
    transition_run(instance=rec, name="forward", actor=actor, subject=application,
                   expected_state=RecommendationState.RECOMMENDED)
    transition_run(instance=application, name="forward", actor=actor, subject=application)
    check = FormalCheck.objects.filter(application=application).first()
    if check is None:
        FormalCheck.objects.create(application=application)
    elif check.state == FormalCheckState.RETURNED:
        transition_run(instance=check, name="reopen", actor=actor, subject=application, check_permission=False)


def _check_quota(*, authority_id: int, call: Call, adding: int) -> None:
    if call.max_per_authority is None:
        return
    already = Recommendation.objects.filter(
        authority_id=authority_id, application__call=call, state=RecommendationState.FORWARDED
    ).count()
    if already + adding > call.max_per_authority:
        raise WorkflowError(
            _("本批次每个推荐单位最多推荐 %(max)d 项，已报送 %(done)d 项，本次拟报送 %(n)d 项，超出上限。")
            % {"max": call.max_per_authority, "done": already, "n": adding}
        )


def _check_deadline(call: Call) -> None:
    if timezone.now() >= call.recommendation_deadline:
        raise WorkflowError(
            _("推荐截止时间（%(at)s）已过，不能再报送。") % {"at": cn_date(call.recommendation_deadline)}
        )


@decided
def recommendation_forward(
    *, recommendation: Recommendation, actor: User, expected_state: str | None = None
) -> Recommendation:
    """Forward one more application after the batch was sent (e.g. corrected after a formal-check return).

    A re-forward after a formal-check return is a correction and ignores the deadline; a first
    forward keeps the deadline and the quota.
    """
    batch = recommendation.batch
    if batch is None or batch.state != BatchState.SUBMITTED:
        raise WorkflowError(_("请通过推荐名单统一报送。"))
    first_time = not FormalCheck.objects.filter(application_id=recommendation.application_id).exists()
    if first_time:
        _check_deadline(batch.call)
    _check_quota(authority_id=recommendation.authority_id, call=batch.call, adding=1)
    if expected_state is not None and recommendation.state != expected_state:
        raise StaleState(
            _("该记录已被他人处理（当前状态：%(state)s），请刷新页面后再操作。")
            % {"state": state_label(recommendation, recommendation.state)}
        )
    _forward_one(rec=recommendation, actor=actor)
    notify(recipients=department_users(), kind="formal_check_pending", template="recommendation_forwarded_again",
           context={"application": recommendation.application, "authority": recommendation.authority},
           url=reverse("reviews:fc_queue"))
    recommendation.refresh_from_db()
    return recommendation


# ---- the batch ----------------------------------------------------------------------------------
@decided
def batch_set_priority(
    *, authority: Organization, call: Call, ordered_recommendation_ids: Sequence[int], actor: User
) -> RecommendationBatch:
    """Set the priority order (1 = first) of the authority's recommended applications for the call."""
    batch = RecommendationBatch.objects.select_for_update().get(call=call, authority=authority)
    if batch.state != BatchState.DRAFT:
        raise WorkflowError(_("推荐名单已报送，不能再调整排序。"))
    if actor.organization_id != authority.pk:
        from django.core.exceptions import PermissionDenied

        raise PermissionDenied(_("您没有权限执行该操作。"))
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
    import uuid

    locked = RecommendationBatch.objects.select_for_update().get(pk=batch.pk)
    if actor.organization_id != locked.authority_id:
        from django.core.exceptions import PermissionDenied

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
    batch.refresh_from_db()
    return locked


@decided
def batch_submit(*, batch: RecommendationBatch, actor: User, expected_state: str | None = None) -> RecommendationBatch:
    """报送推荐名单: before the deadline, with the letter, at least one and at most the call's quota."""
    call = batch.call
    _check_deadline(call)
    locked = RecommendationBatch.objects.select_for_update().get(pk=batch.pk)
    if locked.state == BatchState.DRAFT:
        if not locked.letter:
            raise WorkflowError(_("请先上传盖章的推荐函。"))
        recs = list(locked.recommendations.filter(state=RecommendationState.RECOMMENDED)
                    .select_related("application").order_by("priority", "id"))
        if not recs:
            raise WorkflowError(_("推荐名单为空：请至少拟推荐一项申报。"))
        _check_quota(authority_id=locked.authority_id, call=call, adding=len(recs))
    else:
        recs = []

    def stamp(b: RecommendationBatch) -> None:
        b.submitted_at, b.submitted_by = timezone.now(), actor

    result = transition_run(instance=batch, name="submit", actor=actor, expected_state=expected_state,
                            before_save=stamp)
    for rec in recs:
        _forward_one(rec=rec, actor=actor)
        notify(recipients=applicant_users(rec.application), kind="recommendation_forwarded",
               template="recommendation_forwarded", context={"application": rec.application,
                                                              "authority": locked.authority},
               url=_applicant_url(rec.application))
    notify(recipients=department_users(), kind="formal_check_pending", template="recommendation_batch_submitted",
           context={"batch": locked, "call": call, "authority": locked.authority, "count": len(recs)},
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


def _fill_check(results: dict, opinion: str, actor: User):
    def fill(check: FormalCheck) -> None:
        check.results, check.opinion = results, opinion
        check.checked_by, check.checked_at = actor, timezone.now()

    return fill


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
                          expected_state=expected_state, before_save=_fill_check(results, opinion, actor))
    notify(recipients=applicant_users(application), kind="formal_check_passed", template="recommendation_formal_passed",
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
                          expected_state=expected_state, before_save=_fill_check(results, opinion, actor))
    rec = Recommendation.objects.get(application=application)

    def mark(r: Recommendation) -> None:
        r.returned_version = application.version

    transition_run(instance=rec, name="send_back", actor=actor, subject=application, check_permission=False,
                   expected_state=RecommendationState.FORWARDED, before_save=mark)
    transition_run(instance=application, name="return_for_revision", actor=actor, subject=application,
                   comment=comment)
    context = {"application": application, "opinion": opinion, "failed": failed}
    notify(recipients=applicant_users(application), kind="formal_check_returned",
           template="recommendation_formal_returned", context=context, url=_applicant_url(application))
    notify(recipients=authority_users(application.authority_id), kind="formal_check_returned",
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
                          expected_state=expected_state, before_save=_fill_check(results, opinion, actor))
    transition_run(instance=application, name="reject", actor=actor, subject=application, comment=opinion)
    context = {"application": application, "opinion": opinion, "failed": failed_items(results)}
    notify(recipients=[*applicant_users(application), *authority_users(application.authority_id)],
           kind="formal_check_rejected", template="recommendation_formal_rejected", context=context,
           url=_applicant_url(application))
    return done


# ---- signal consequences (called by hooks.recommendation) ----------------------------------------
def recommendation_reopen_on_resubmit(*, application: Application, actor: User | None) -> Recommendation | None:
    rec = Recommendation.objects.filter(application=application).first()
    if rec is None:
        return recommendation_create_for(application=application)
    if rec.state != RecommendationState.RETURNED:
        return rec
    # The authority is told by applications' submit service (its mail says "resubmitted").
    return transition_run(instance=rec, name="reopen", actor=actor, subject=application, check_permission=False)


def recommendation_close_on_withdraw(*, application: Application, actor: User | None) -> Recommendation | None:
    """The applicant withdrew: the authority's pending review closes, so no queue or reminder waits on it."""
    rec = Recommendation.objects.filter(application=application).first()
    if rec is None or rec.state not in {RecommendationState.PENDING, RecommendationState.RETURNED}:
        return rec
    return transition_run(instance=rec, name="close_on_withdraw", actor=actor, subject=application,
                          check_permission=False)


def recommendation_follow_return(*, application: Application, actor: User | None) -> None:
    """An application returned by someone else (not through these services): keep the record in step."""
    rec = Recommendation.objects.filter(application=application).first()
    if rec is None or rec.state not in {RecommendationState.PENDING, RecommendationState.FORWARDED}:
        return
    if application.state != ApplicationState.RETURNED:
        return

    def mark(r: Recommendation) -> None:
        r.returned_version = application.version

    transition_run(instance=rec, name="send_back", actor=actor, subject=application, check_permission=False,
                   before_save=mark)
