"""The service catalogue's writes: the base's lead unit adds, edits and deletes its entries (plain writes: an entry
has no lifecycle of its own); staff hide an entry from the public or show it again (the declared `hide` / `unhide`
transitions through `transition_run`, logged on the base's timeline with the reason as the comment)."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils.translation import gettext as _

from pilotbase.models import Base
from pilotbase.workflow import WorkflowError, transition_run

from ..models import ServiceOffering
from ..rules import may_keep_catalogue

FIELDS = ("kind", "title", "description", "equipment", "capacity", "lead_time", "fee_standard", "contact",
          "contact_public", "accepts_vouchers", "order")


def _check_keeper(actor: Any, base: Base) -> None:
    if not may_keep_catalogue(actor, base):
        raise PermissionDenied(_("只有基地牵头单位的用户可以维护本基地的服务目录（已撤销认定的基地不能维护）。"))


def offering_create(*, base: Base, actor: Any, data: dict[str, Any]) -> ServiceOffering:
    _check_keeper(actor, base)
    return ServiceOffering.objects.create(base=base, **{k: data[k] for k in FIELDS if k in data})


def offering_update(*, offering: ServiceOffering, actor: Any, data: dict[str, Any]) -> ServiceOffering:
    _check_keeper(actor, offering.base)
    for key in FIELDS:
        if key in data:
            setattr(offering, key, data[key])
    offering.save(update_fields=[*(k for k in FIELDS if k in data), "updated_at"])
    return offering


@transaction.atomic
def offering_delete(*, offering: ServiceOffering, actor: Any) -> None:
    _check_keeper(actor, offering.base)
    offering.delete()


def _visibility(offering: ServiceOffering, name: str, actor: Any, reason: str, expected_state: str | None):
    reason = (reason or "").strip()
    if not reason:
        raise WorkflowError(_("请填写理由。"))
    return transition_run(instance=offering, name=name, actor=actor, comment=reason, subject=offering.base,
                          expected_state=expected_state, args={"reason": reason})


def offering_hide(*, offering: ServiceOffering, actor: Any, reason: str,
                  expected_state: str | None = None) -> ServiceOffering:
    """Staff take the entry off the public pages (the base still sees it, with the reason)."""
    return _visibility(offering, "hide", actor, reason, expected_state)


def offering_unhide(*, offering: ServiceOffering, actor: Any, reason: str,
                    expected_state: str | None = None) -> ServiceOffering:
    return _visibility(offering, "unhide", actor, reason, expected_state)
