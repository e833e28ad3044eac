"""The record page's 流转记录: transition logs of one subject, one row per decision.

A decision at a review stage moves two records in one transaction: the stage's own record (e.g. the
Recommendation: 待审核 → 拟推荐) and the application it is about. Both are logged — the audit keeps
every change — but the reader wants one line: what was decided (the stage's label), at which stage,
and where the application went (its states), with the opinion once.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db.models import Model

from .models import Role, TransitionLog

SAME_DECISION = timedelta(seconds=5)

# Records whose log rows only some roles may read on a subject's timeline, e.g. the experts' seats:
# who assessed an application stays confidential to the applicant and its authority.
_RESTRICTED: dict[type[Model], frozenset[str]] = {}


def restrict(model: type[Model], *, visible_to: Iterable[str]) -> None:
    """Later apps declare which roles may see the transitions of `model` on a timeline."""
    _RESTRICTED[model] = frozenset(visible_to)


def _hidden_types(viewer: Any) -> list[int]:
    role = getattr(viewer, "role", None)
    if getattr(viewer, "is_superuser", False) or role == Role.ADMIN:
        return []
    return [ContentType.objects.get_for_model(model).pk for model, roles in _RESTRICTED.items() if role not in roles]


@dataclass
class TimelineRow:
    label: str
    from_label: str
    to_label: str
    at: datetime
    actor_name: str
    actor_org: str
    stage: str = ""
    comments: list[str] = field(default_factory=list)

    @property
    def comment(self) -> str:
        return "\n".join(self.comments)


def _model(log: TransitionLog) -> type[Model] | None:
    return ContentType.objects.get_for_id(log.record_type_id).model_class()  # cached: no query


def _state(model: type[Model] | None, state: str, stored: str) -> str:
    """The state's label in the reader's language (the model's choices), else the stored Chinese one."""
    from django_fsm import FSMField

    for f in model._meta.concrete_fields if model else ():
        if isinstance(f, FSMField):
            return str(dict(f.choices or []).get(state, stored))
    return stored


def _row(log: TransitionLog) -> TimelineRow:
    model = _model(log)
    return TimelineRow(label=log.label, from_label=_state(model, log.from_state, log.from_label) if log.from_state else "",
                       to_label=_state(model, log.to_state, log.to_label), at=log.at, actor_name=log.actor_name,
                       actor_org=log.actor_org, stage=str(model._meta.verbose_name) if model else "",
                       comments=[log.comment] if log.comment else [])


def _pairs(a: TransitionLog, b: TransitionLog) -> bool:
    """Two logs of one decision: same actor, same moment, one on the subject itself, one on a stage record."""
    on_subject = [log.record_type_id == log.subject_type_id and log.record_id == log.subject_id for log in (a, b)]
    return (a.actor_id == b.actor_id and abs(b.at - a.at) <= SAME_DECISION and sum(on_subject) == 1)


def merge(logs: Iterable[TransitionLog]) -> list[TimelineRow]:
    """One row per decision, oldest first (`logs` ordered by time)."""
    logs = list(logs)
    rows: list[TimelineRow] = []
    i = 0
    while i < len(logs):
        log = logs[i]
        nxt = logs[i + 1] if i + 1 < len(logs) else None
        if nxt is None or not _pairs(log, nxt):
            rows.append(_row(log))
            i += 1
            continue
        subject_log, stage_log = (log, nxt) if log.record_type_id == log.subject_type_id else (nxt, log)
        row = _row(stage_log)
        subject_row = _row(subject_log)
        row.from_label, row.to_label = subject_row.from_label, subject_row.to_label
        row.at = min(log.at, nxt.at)
        if subject_log.comment and subject_log.comment not in row.comments:
            row.comments.append(subject_log.comment)
        rows.append(row)
        i += 2
    return rows


def timeline_of(subject: Model, *, viewer: Any) -> list[TimelineRow]:
    """Every transition whose subject is `subject`, across all stages, that `viewer`'s role may read,
    one row per decision (one query)."""
    ct = ContentType.objects.get_for_model(type(subject))
    logs = TransitionLog.objects.filter(subject_type=ct, subject_id=subject.pk)
    hidden = _hidden_types(viewer)
    if hidden:
        logs = logs.exclude(record_type_id__in=hidden)
    return merge(logs.order_by("at", "id"))
