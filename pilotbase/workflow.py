"""The one way an FSM record changes state, and what a transition declares about itself.

A transition declares everything about itself on its `@transition`:
- `permission=`: who may run it (a django-rules predicate through `pilotbase.rules.fsm_permission`;
  transitions run by beat or a task use `perm_system`, never "no permission");
- `conditions=[...]`: every rule that decides whether it may run now, each written with `condition(message)`
  so the refusal is the condition's own sentence;
- `custom={"label": _("…"), "confirm": True}`: its name in the reader's language, and whether the page
  asks for confirmation (irreversible; a sentence instead of True is the question itself); `"button": _("…")`
  when the page's button says it as a verb other than the label (the timeline's name of what was done);
- keyword-only arguments for what the decision records (`def recommend(self, *, opinion, batch, priority)`).

`transition_run` locks the row, checks that the state is still the one the user saw, that the transition
exists from it, the permission, then the conditions, calls the method with its arguments, saves and writes a
`TransitionLog` — in one transaction. Rows written inside one `decision()` share one decision id, so the
timeline shows a decision that moved two records (a stage record and the application) as one row.
Services wrap it to add their own work (numbers, next records, notifications on commit).
"""

from __future__ import annotations

import inspect
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from functools import wraps
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied
from django.db import models, transaction
from django.utils.translation import gettext as _
from django_fsm import FSMFieldMixin, Transition

from .documents import official_language
from .models import TransitionLog
from .signals import transitioned


class WorkflowError(Exception):
    """A transition that cannot happen now; the message is shown to the user as is."""


class StaleState(WorkflowError):
    """Someone else changed the record since the user loaded it."""


# ---- who acts, for the conditions ------------------------------------------------------------------
_acting: ContextVar[Any] = ContextVar("pilotbase_workflow_acting", default=None)


@contextmanager
def acting(user: Any) -> Iterator[None]:
    """While conditions are checked, `acting_user()` is the user who runs (or looks at) the transition:
    `transition_run`, `available_transitions`, `page_actions`, `can_run` and `blocked_reasons(user=…)` set it, so
    a condition such as "not the one who proposed it" (four eyes) is declared on the transition like any other."""
    token = _acting.set(user)
    try:
        yield
    finally:
        _acting.reset(token)


def acting_user() -> Any:
    """The user the current condition check is for (None outside one: a condition that needs it fails closed)."""
    return _acting.get()


# ---- declarations -----------------------------------------------------------------------------
def condition(message: str, *, detail: Callable[[Any], str] | None = None) -> Callable[[Callable], Callable]:
    """Marks an FSM condition with the sentence shown when it is not met (may be lazy). `detail(instance)`, when
    given, says the same with the record's own values (dates, numbers) where a page or a refusal shows it."""

    def wrap(func: Callable) -> Callable:
        @wraps(func)
        def checked(instance: Any) -> bool:
            memo = _looked.get()
            if memo is None:
                return func(instance)
            key = (checked, type(instance), instance.pk, getattr(acting_user(), "pk", None))
            if key not in memo:
                memo[key] = func(instance)
            return memo[key]

        checked.message = message
        checked.detail = detail
        return checked

    return wrap


_looked: ContextVar[dict | None] = ContextVar("pilotbase_workflow_looked", default=None)


@contextmanager
def looking() -> Iterator[None]:
    """While a page is built (a GET: nothing changes), each condition is checked once per record and viewer, however
    many of the page's transitions, buttons and hints declare it. Never around a transition's run: it checks
    its conditions afresh under the lock."""
    token = _looked.set({})
    try:
        yield
    finally:
        _looked.reset(token)


def state_label(instance: models.Model, state: str, field: str = "state") -> str:
    choices = dict(instance._meta.get_field(field).choices or [])
    return str(choices.get(state, state))


def transition_label(method: Callable) -> str:
    """The transition's declared label (custom={"label": …}) in the active language, else its docstring."""
    meta = getattr(method, "_django_fsm", None)
    if meta is not None:
        for trans in meta.transitions.values():
            if trans.custom.get("label"):
                return str(trans.custom["label"])
    doc = (method.__doc__ or "").strip().splitlines()
    return doc[0] if doc else method.__name__


def label_of(model: type[models.Model] | None, name: str, stored: str = "") -> str:
    """The label of transition `name` of `model` in the reader's language (for the timeline)."""
    method = getattr(model, name, None) if model is not None else None
    if method is None or not hasattr(method, "_django_fsm"):  # a creation, an import: the stored (Chinese) label,
        return _(str(stored)) if stored else name  # in the reader's language when it is a msgid of the catalogue
    return transition_label(method)


def fsm_transitions(model: type[models.Model]) -> list[tuple[FSMFieldMixin, Transition]]:
    """Every declared transition of `model` (one entry per source state)."""
    out = []
    for field in model._meta.fields:
        if isinstance(field, FSMFieldMixin):
            out += [(field, t) for t in field.get_all_transitions(model)]
    return out


# ---- decisions ----------------------------------------------------------------------------------
_decision: ContextVar[uuid.UUID | None] = ContextVar("pilotbase_decision", default=None)


@contextmanager
def decision() -> Iterator[uuid.UUID]:
    """One transaction whose transitions share one decision id (joins an enclosing decision)."""
    current = _decision.get()
    if current is not None:
        with transaction.atomic():
            yield current
        return
    token = _decision.set(uuid.uuid4())
    try:
        with transaction.atomic():
            yield _decision.get()
    finally:
        _decision.reset(token)


def decided(func: Callable) -> Callable:
    """Decorator for a service: atomic, and every transition it runs belongs to one decision."""

    @wraps(func)
    def wrapper(*args, **kwargs):
        with decision():
            return func(*args, **kwargs)

    return wrapper


# ---- the audit row ------------------------------------------------------------------------------
def transition_log(
    *, record: models.Model, subject: models.Model | None, transition: str, label: str, from_state: str,
    to_state: str, actor: Any, comment: str = "",
) -> TransitionLog:
    """The audit row. Its labels are stored in the official language (Chinese), whoever acted in
    which language; pages re-read labels from the model's declarations for the reader. A record without a
    state (a second-factor device) is logged with both states empty."""
    subject = subject or record
    org = getattr(actor, "organization", None) if actor is not None else None
    with official_language():
        return TransitionLog.objects.create(
            record_type=ContentType.objects.get_for_model(record, for_concrete_model=False),
            record_id=record.pk,
            subject_type=ContentType.objects.get_for_model(subject, for_concrete_model=False),
            subject_id=subject.pk,
            transition=transition,
            label=label_of(type(record), transition, label),
            from_state=from_state,
            to_state=to_state,
            from_label=state_label(record, from_state) if from_state else "",
            to_label=state_label(record, to_state) if to_state else "",
            actor=actor if getattr(actor, "pk", None) else None,
            actor_name=str(actor) if actor is not None else _("系统"),
            actor_org=str(org) if org else "",
            comment=comment,
            decision=_decision.get() or uuid.uuid4(),
        )


CREATE = "create"  # the log's transition name for a record's creation (no declared transition ran)


def creation_log(
    *, record: models.Model, actor: Any, label: str, comment: str = "", subject: models.Model | None = None,
) -> TransitionLog:
    """The audit row of a record's creation (who, when, why): from no state to the state it was created in, in the
    decision that created it. `label` says what was done (「提出建设支持建议」), `comment` why (the basis, the reason).
    Call it in the service that creates the record, right after the create."""
    return transition_log(record=record, subject=subject, transition=CREATE, label=label, from_state="",
                          to_state=record.state, actor=actor, comment=comment)


# ---- the one door -----------------------------------------------------------------------------
def _transition_of(instance: models.Model, method: Callable) -> Transition | None:
    meta = method._django_fsm
    return meta.get_transition(meta.field.get_state(instance))


def unmet_conditions(instance: models.Model, name: str) -> list[str]:
    """The messages of the conditions of transition `name` that `instance` does not meet now."""
    trans = _transition_of(instance, getattr(instance, name))
    if trans is None:
        return []
    return [_condition_message(cond, instance) for cond in trans.conditions if not cond(instance)]


def _condition_message(cond: Callable, instance: models.Model) -> str:
    detail = getattr(cond, "detail", None)
    if detail is not None:
        return str(detail(instance))
    return str(getattr(cond, "message", None) or (cond.__doc__ or cond.__name__).strip())


def join_reasons(messages: list[str] | tuple[str, ...]) -> str:
    """Several refusal sentences as one: 「甲；乙。」 (each condition's message ends with its own 。)."""
    parts = [str(m).strip().rstrip("。；") for m in messages if str(m).strip()]
    return "；".join(parts) + "。" if parts else ""


def _accepts(method: Callable, arg: str) -> bool:
    params = inspect.signature(method).parameters
    return arg in params or any(p.kind is p.VAR_KEYWORD for p in params.values())


def record_refresh(instance: models.Model, *, fields: list[str] | None = None) -> None:
    """`refresh_from_db` for a record with protected FSM fields, safe across threads: django-fsm-2's own switches
    the field's `protected` flag off and on *on the model class* while it reloads, so two threads refreshing at once
    can switch it back under each other ("Direct state modification is not allowed"). This reloads the row and sets
    the values directly, and forgets the cached related objects so they load again."""
    model = type(instance)
    concrete = model._meta.concrete_fields
    chosen = [f for f in concrete if fields is None or f.name in fields or f.attname in fields]
    fresh = model._base_manager.only(*[f.attname for f in chosen]).get(pk=instance.pk)
    instance.__dict__.update({f.attname: getattr(fresh, f.attname) for f in chosen})
    for f in chosen:
        if f.is_relation and f.is_cached(instance):
            f.delete_cached_value(instance)


def transition_run(
    *,
    instance: models.Model,
    name: str,
    actor: Any,
    comment: str = "",
    subject: models.Model | None = None,
    expected_state: str | None = None,
    args: dict[str, Any] | None = None,
) -> models.Model:
    """Run transition `name` on a locked fresh copy of `instance` and return that copy.

    `expected_state` (usually the state the user's page showed) guards against "someone else was
    faster". `args` are the transition's keyword arguments (what the decision records); the method
    also receives `actor` when its signature names it. Call inside a service; it opens (or joins)
    the transaction itself.
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
        trans = _transition_of(locked, method)
        if trans is None:
            raise WorkflowError(
                _("当前状态“%(state)s”下不能执行“%(action)s”。")
                % {"state": state_label(locked, from_state), "action": transition_label(method)}
            )
        if not trans.has_perm(locked, actor):
            raise PermissionDenied(_("您没有权限执行该操作。"))
        call_args = dict(args or {})
        if _accepts(method, "actor"):
            call_args["actor"] = actor
        with acting(actor):  # django-fsm checks the conditions again inside the call
            unmet = unmet_conditions(locked, name)
            if unmet:
                raise WorkflowError(
                    _("暂不能执行“%(action)s”：%(why)s") % {"action": transition_label(method), "why": join_reasons(unmet)}
                )
            method(**call_args)
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


# ---- what a page may offer --------------------------------------------------------------------
@dataclass(frozen=True)
class Action:
    """A transition as a record page's actions box shows it: runnable now, or (`blocked`) held back by its unmet
    conditions, whose sentences the disabled button shows."""

    name: str
    label: str
    confirm: bool = False
    style: str = "primary"
    question: str = ""  # the confirmation's own question (custom={"confirm": _("…")}), else the generic one
    blocked: tuple[str, ...] = ()
    url: str = ""  # where the form posts, for a transition with a URL of its own (…/publish/); else the page

    @property
    def blocked_text(self) -> str:
        return join_reasons(self.blocked)


def _action(trans: Transition, *, blocked: tuple[str, ...] = (), url: str = "") -> Action:
    confirm = trans.custom.get("confirm")
    return Action(name=trans.name, label=str(trans.custom.get("button") or trans.custom.get("label")
                                             or transition_label(trans.method)),
                  confirm=bool(confirm), question=str(confirm) if confirm and confirm is not True else "",
                  style=trans.custom.get("style", "primary"), blocked=blocked, url=url)


def available_transitions(instance: models.Model, user: Any) -> list[Action]:
    """Transitions `user` may run on `instance` now: source, permission and every condition met."""
    with acting(user):
        return [_action(trans) for trans in instance.get_available_user_state_transitions(user)]


def page_actions(
    instance: models.Model, user: Any, *, names: list[str], show_blocked: bool | set[str] = False,
    urls: dict[str, str] | None = None,
) -> list[Action]:
    """The actions box of a page that offers `names` (in that order): each transition from the record's state
    that `user` holds the permission for and whose conditions are met; with `show_blocked` (True, or the names)
    also those whose conditions are unmet, as a disabled button with the reasons. `urls`: a transition's own URL."""
    out = []
    for name in names:
        trans = _transition_of(instance, getattr(instance, name))
        if trans is None or not trans.has_perm(instance, user):
            continue
        with acting(user):
            unmet = tuple(unmet_conditions(instance, name))
        if unmet and not (show_blocked is True or (show_blocked and name in show_blocked)):
            continue
        out.append(_action(trans, blocked=unmet, url=(urls or {}).get(name, "")))
    return out


def can_run(instance: models.Model, name: str, user: Any) -> bool:
    """May `user` run transition `name` on `instance` now (the page asks; it never re-codes the rule)."""
    method = getattr(instance, name)
    trans = _transition_of(instance, method)
    if trans is None or not trans.has_perm(instance, user):
        return False
    with acting(user):
        return not unmet_conditions(instance, name)


def blocked_reasons(instance: models.Model, name: str, *, user: Any = None) -> list[str]:
    """Why transition `name` cannot run now for someone who holds its permission (for a disabled button);
    `user`: who looks, for the conditions that depend on who acts."""
    method = getattr(instance, name)
    if _transition_of(instance, method) is None:
        return [_("当前状态“%(state)s”下不能执行“%(action)s”。")
                % {"state": state_label(instance, instance.state), "action": transition_label(method)}]
    with acting(user if user is not None else acting_user()):
        return unmet_conditions(instance, name)
