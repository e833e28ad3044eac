"""The record page's 流转记录: transition logs of one subject, one row per decision.

A decision at a review stage moves two records in one transaction: the stage's own record (e.g. the
Recommendation: 待审核 → 拟推荐) and the application it is about. Both are logged — the audit keeps
every change — with one decision id (`pilotbase.workflow.decision`); the reader wants one line: what was
decided (the stage's label, in the reader's language), at which stage, and where the application went
(its states), with the opinion once.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db.models import Model, Q

from . import registry
from .models import Role, TransitionLog
from .subqueries import InSubquery
from .workflow import label_of


def _hidden_types(viewer: Any) -> list[int]:
    role = getattr(viewer, "role", None)
    if getattr(viewer, "is_superuser", False) or role == Role.ADMIN:
        return []
    return [ContentType.objects.get_for_model(model).pk for model, roles in registry.restricted().items() if role not in roles]


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


class _Labels(dict):
    """The labels of one timeline, each worked out once: a long record's 400 rows repeat a few transitions and
    states (their lookups were a third of that page's time). One per merge, so per request and language."""

    def get_for(self, key: tuple, compute) -> str:
        if key not in self:
            self[key] = compute()
        return self[key]


def _row(log: TransitionLog, labels: _Labels | None = None) -> TimelineRow:
    labels = _Labels() if labels is None else labels
    model = _model(log)
    return TimelineRow(
        label=labels.get_for(("t", model, log.transition, log.label), lambda: label_of(model, log.transition, log.label)),
        from_label=(labels.get_for(("s", model, log.from_state, log.from_label),
                                   lambda: _state(model, log.from_state, log.from_label)) if log.from_state else ""),
        to_label=labels.get_for(("s", model, log.to_state, log.to_label), lambda: _state(model, log.to_state, log.to_label)),
        at=log.at, actor_name=log.actor_name, actor_org=log.actor_org,
        stage=labels.get_for(("m", model), lambda: str(model._meta.verbose_name) if model else ""),
        comments=[log.comment] if log.comment else [])


def _on_subject(log: TransitionLog) -> bool:
    return log.record_type_id == log.subject_type_id and log.record_id == log.subject_id


def merge(logs: Iterable[TransitionLog]) -> list[TimelineRow]:
    """One row per decision (the rows that share a decision id), oldest first (`logs` ordered by time).

    The row reads as the stage's decision (its label and stage) and shows where the subject went (the
    subject's own states); every distinct opinion once.
    """
    labels = _Labels()
    groups: dict[Any, list[TransitionLog]] = {}
    for log in logs:
        groups.setdefault(log.decision or ("row", log.pk), []).append(log)
    rows = []
    for group in groups.values():
        stage_logs = [log for log in group if not _on_subject(log)]
        subject_logs = [log for log in group if _on_subject(log)]
        row = _row((stage_logs or subject_logs)[0], labels)
        if stage_logs and subject_logs:
            subject_row = _row(subject_logs[0], labels)
            row.from_label, row.to_label = subject_row.from_label, _row(subject_logs[-1], labels).to_label
        row.at = min(log.at for log in group)
        for log in group:
            if log.comment and log.comment not in row.comments:
                row.comments.append(log.comment)
        rows.append(row)
    return sorted(rows, key=lambda r: r.at)


def timeline_of(subject: Model, *, viewer: Any, also: Iterable[Model] = ()) -> list[TimelineRow]:
    """Every transition whose subject is `subject`, across all stages, that `viewer`'s role may read,
    one row per decision (one query). `also`: further subjects whose rows join in time order (a base's page
    shows the base's own rows and those of the application it was certified from)."""
    subjects = Q()
    for each in (subject, *(s for s in also if s is not None)):
        subjects |= Q(subject_type=ContentType.objects.get_for_model(type(each)), subject_id=each.pk)
    logs = TransitionLog.objects.filter(subjects)
    hidden = _hidden_types(viewer)
    if hidden:
        logs = logs.exclude(record_type_id__in=hidden)
    return merge(logs.order_by("at", "id"))


def record_timeline(record: Model, *, with_decisions: bool = False) -> list[TimelineRow]:
    """One record's own 流转记录 (a report, an evaluation, a service request …), oldest first, one row per
    decision. `with_decisions`: also the other records' rows of the same decisions (a rectification's page
    shows the base's state change its decision made)."""
    mine = Q(record_type=ContentType.objects.get_for_model(type(record)), record_id=record.pk)
    own = TransitionLog.objects.filter(mine)
    if with_decisions:
        own = TransitionLog.objects.filter(mine | InSubquery("decision", own.values("decision")))
    return merge(own.order_by("at", "id"))
