"""Reference data (设区市, 产业领域, 平台类型) held in each process: a few dozen rows that nearly every page shows.

Why: selecting them with `select_related` gave each list query three more joins, and PostgreSQL's planner then
spent most of the query ordering them: the ledger's page query planned in 11 ms and ran in 0.8 ms (1.5 ms to
plan without the three tables), the department's application list 4.8 ms to plan (0.4 ms without). Every filter
bar also read them again, one query per `<select>`.

How:
- `rows(model)` / `get(model, pk)`: every row of the model, read once into the process and kept for
  `PILOTBASE_REFERENCE_TTL` seconds (60). Saving or deleting one through the model (the admin, the data
  migration's loader) drops them in this process at once and again at commit; other processes see the change
  within the TTL. An id that is not held (a row another process created since) is read from the database and
  the rows are read again.
- A foreign key to a reference model reads its row from here: `install()` (from `PilotbaseConfig.ready`) gives
  every such key a descriptor whose lookup is `get()`, so `base.city` costs no query, with or without
  `select_related`. The selectors therefore do not join these tables.
- `ReferenceChoiceField`: a filter's `<select>` from the held rows (no query to render it or to check a choice).

The rows are shared by every record that points at them: treat them as read-only (edit reference data through
the admin, which saves a fresh instance).
"""

from __future__ import annotations

import time
from typing import Any

from django import forms
from django.conf import settings
from django.db import transaction
from django.db.models import Model
from django.db.models.fields.related_descriptors import ForwardManyToOneDescriptor
from django.db.models.signals import post_delete, post_migrate, post_save
from django.forms.models import ModelChoiceIterator

_held: dict[type[Model], tuple[float, list[Model], dict[Any, Model]]] = {}


def reference_models() -> tuple[type[Model], ...]:
    from .models import City, Industry, PlatformType

    return (City, Industry, PlatformType)


def _ttl() -> float:
    return float(getattr(settings, "PILOTBASE_REFERENCE_TTL", 60))


def _load(model: type[Model]) -> tuple[float, list[Model], dict[Any, Model]]:
    ordered = list(model._default_manager.order_by("order", "id"))
    entry = (time.monotonic(), ordered, {obj.pk: obj for obj in ordered})
    _held[model] = entry
    return entry


def _entry(model: type[Model]) -> tuple[float, list[Model], dict[Any, Model]]:
    entry = _held.get(model)
    if entry is None or time.monotonic() - entry[0] > _ttl():
        entry = _load(model)
    return entry


def rows(model: type[Model], *, active_only: bool = False) -> list[Model]:
    """The model's rows in their order (`order`, then id); only the active ones if asked."""
    ordered = _entry(model)[1]
    return [obj for obj in ordered if obj.is_active] if active_only else ordered


def get(model: type[Model], pk: Any) -> Model | None:
    """The row with this id, or None if the database has none."""
    if pk is None:
        return None
    by_pk = _entry(model)[2]
    if pk not in by_pk:
        by_pk = _load(model)[2]
    return by_pk.get(pk)


def clear(**_kwargs: Any) -> None:
    _held.clear()


def warm() -> None:
    """Read every reference model now (the tests start each test with fresh rows)."""
    clear()
    for model in reference_models():
        _load(model)


def _changed(**_kwargs: Any) -> None:
    clear()
    transaction.on_commit(clear)  # a reader in this transaction may have read the rows again before the commit


class ReferenceDescriptor(ForwardManyToOneDescriptor):
    """`obj.city` from the held rows; the database only for an id they do not have."""

    def get_object(self, instance: Model) -> Model:
        obj = get(self.field.related_model, getattr(instance, self.field.attname))
        return obj if obj is not None else super().get_object(instance)


def install() -> None:
    """Give every foreign key to a reference model the held-rows descriptor, and drop the rows on any change."""
    from django.apps import apps

    targets = reference_models()
    for model in apps.get_models():
        for field in model._meta.local_fields:
            if (field.many_to_one and field.related_model in targets and field.target_field.primary_key
                    and type(model.__dict__.get(field.name)) is ForwardManyToOneDescriptor):
                setattr(model, field.name, ReferenceDescriptor(field))
    for model in targets:
        post_save.connect(_changed, sender=model, dispatch_uid=f"refcache-save-{model._meta.label}")
        post_delete.connect(_changed, sender=model, dispatch_uid=f"refcache-delete-{model._meta.label}")
    post_migrate.connect(clear, dispatch_uid="refcache-migrate")


class ReferenceChoiceIterator(ModelChoiceIterator):
    def _objects(self) -> list[Model]:
        return rows(self.queryset.model, active_only=self.field.active_only)

    def __iter__(self):
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        for obj in self._objects():
            yield self.choice(obj)

    def __len__(self) -> int:
        return len(self._objects()) + (self.field.empty_label is not None)

    def __bool__(self) -> bool:
        return self.field.empty_label is not None or bool(self._objects())


class ReferenceChoiceField(forms.ModelChoiceField):
    """A `<select>` of one reference model's rows (the active ones unless `active_only=False`), rendered and
    checked from the held rows. A value that is not one of them is refused with the field's own message."""

    iterator = ReferenceChoiceIterator

    def __init__(self, model: type[Model], *, active_only: bool = True, **kwargs: Any) -> None:
        self.active_only = active_only
        manager = model._default_manager
        super().__init__(queryset=manager.filter(is_active=True) if active_only else manager.all(), **kwargs)

    def to_python(self, value: Any) -> Model | None:
        if value in self.empty_values:
            return None
        self.validate_no_null_characters(value)
        key = str(value.pk if isinstance(value, Model) else value)
        for obj in rows(self.queryset.model, active_only=self.active_only):
            if str(obj.pk) == key:
                return obj
        raise forms.ValidationError(self.error_messages["invalid_choice"], code="invalid_choice",
                                    params={"value": value})
