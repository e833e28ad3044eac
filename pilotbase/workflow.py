"""The one way an FSM record changes state.

`transition_run` locks the row, checks that the state is still the one the user saw, that the
transition is allowed from it (source and conditions) and that the actor has permission, calls
the transition method (which only changes fields), saves, and writes a TransitionLog row — all
in one transaction. Services wrap it to add their own work (numbers, notifications on commit).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied
from django.db import models, transaction
from django.utils.translation import gettext as _
from django_fsm import can_proceed, has_transition_perm

from .documents import official_language
from .models import TransitionLog
from .signals import transitioned


class WorkflowError(Exception):
    """A transition that cannot happen now; the message is shown to the user as is."""


class StaleState(WorkflowError):
    """Someone else changed the record since the user loaded it."""


def state_label(instance: models.Model, state: str, field: str = "state") -> str:
    choices = dict(instance._meta.get_field(field).choices or [])
    return str(choices.get(state, state))


def transition_label(method: Callable) -> str:
    doc = (method.__doc__ or "").strip().splitlines()
    return doc[0] if doc else method.__name__


def transition_log(
    *, record: models.Model, subject: models.Model | None, transition: str, label: str, from_state: str,
    to_state: str, actor: Any, comment: str = "",
) -> TransitionLog:
    """The audit row. Its labels are stored in the official language (Chinese), whoever acted in
    which language; pages re-read state labels from the model's choices for the reader."""
    subject = subject or record
    org = getattr(actor, "organization", None) if actor is not None else None
    with official_language():
        return _log(record=record, subject=subject, transition=transition, label=label, from_state=from_state,
                    to_state=to_state, actor=actor, org=org, comment=comment)


def _log(*, record, subject, transition, label, from_state, to_state, actor, org, comment) -> TransitionLog:
    return TransitionLog.objects.create(
        record_type=ContentType.objects.get_for_model(record, for_concrete_model=False),
        record_id=record.pk,
        subject_type=ContentType.objects.get_for_model(subject, for_concrete_model=False),
        subject_id=subject.pk,
        transition=transition,
        label=label,
        from_state=from_state,
        to_state=to_state,
        from_label=state_label(record, from_state) if from_state else "",
        to_label=state_label(record, to_state),
        actor=actor if getattr(actor, "pk", None) else None,
        actor_name=str(actor) if actor is not None else _("系统"),
        actor_org=str(org) if org else "",
        comment=comment,
    )


def transition_run(
    *,
    instance: models.Model,
    name: str,
    actor: Any,
    comment: str = "",
    subject: models.Model | None = None,
    expected_state: str | None = None,
    check_permission: bool = True,
    before_save: Callable[[models.Model], None] | None = None,
    kwargs: dict | None = None,
) -> models.Model:
    """Run transition `name` on a locked fresh copy of `instance` and return that copy.

    `expected_state` (usually the state the user's page showed) guards against "someone else
    was faster"; `before_save` lets a service set fields the transition depends on under the lock.
    Call inside a service; it opens (or joins) the transaction itself.
    """
    model = type(instance)
    with transaction.atomic():
        locked = model.objects.select_for_update().get(pk=instance.pk)
        from_state = locked.state
        if expected_state is not None and from_state != expected_state:
            raise StaleState(
                _("该记录已被他人处理（当前状态：%(state)s），请刷新页面后再操作。")
                % {"state": state_label(locked, from_state)}
            )
        method = getattr(locked, name)
        if not can_proceed(method, check_conditions=False):
            raise WorkflowError(
                _("当前状态“%(state)s”下不能执行“%(action)s”。")
                % {"state": state_label(locked, from_state), "action": transition_label(method)}
            )
        if check_permission and not has_transition_perm(method, actor):
            if can_proceed(method):
                raise PermissionDenied(_("您没有权限执行该操作。"))
            unmet = _unmet_conditions(locked, method)
            raise WorkflowError(
                _("暂不能执行“%(action)s”：%(why)s")
                % {"action": transition_label(method), "why": "；".join(unmet) or _("条件不满足")}
            )
        if not check_permission and not can_proceed(method):
            raise WorkflowError(
                _("暂不能执行“%(action)s”：%(why)s")
                % {"action": transition_label(method), "why": "；".join(_unmet_conditions(locked, method))}
            )
        if before_save is not None:
            before_save(locked)
        method(**(kwargs or {}))
        locked.save()
        transition_log(
            record=locked, subject=subject, transition=name, label=transition_label(method),
            from_state=from_state, to_state=locked.state, actor=actor, comment=comment,
        )
        transitioned.send(sender=model, instance=locked, name=name, from_state=from_state,
                          to_state=locked.state, actor=actor, comment=comment)
    # The caller's copy gets the new values too (a plain refresh_from_db would trip protected FSM fields).
    instance.__dict__.update({f.attname: getattr(locked, f.attname) for f in model._meta.concrete_fields})
    return locked


def _unmet_conditions(instance: models.Model, method: Callable) -> list[str]:
    meta = method._django_fsm
    trans = meta.get_transition(meta.field.get_state(instance))
    if trans is None:
        return []
    return [
        str(getattr(cond, "message", None) or (cond.__doc__ or cond.__name__).strip())
        for cond in trans.conditions
        if not cond(instance)
    ]


def condition(message: str) -> Callable[[Callable], Callable]:
    """Marks an FSM condition with the Chinese sentence shown when it is not met."""

    def wrap(func: Callable) -> Callable:
        func.message = message
        return func

    return wrap


def available_transitions(instance: models.Model, user: Any) -> list[Any]:
    """Transitions the user may run now (for the "actions" box of a record page)."""
    return list(instance.get_available_user_state_transitions(user))
