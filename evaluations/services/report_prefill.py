"""The annual report's pre-fill: what the portal already knows of a base's year.

When a base's report for a round is made (the round opens its reports, or staff add the base while they are
open), the figures the apps above evaluations know are filled in and kept in `AnnualReport.prefilled`. Those apps
contribute through `pilotbase.registry.register_report_prefill` (evaluations may not import them: sharing gives
voucher income, pilot projects for outside units and client enterprises in and outside Guangxi from its delivered
service requests). The base may correct any of them; the agency and staff then see, per corrected figure, the
portal's figure and the difference (`prefill_notes`), and nothing where the two agree.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from pilotbase.registry import report_prefills

from ..models import AnnualReport, EvaluationRound
from ..models.report import COUNT_FIELDS, MONEY_FIELDS

_COUNTS = {name for name, _label in COUNT_FIELDS}
_MONEY = {name for name, _label in MONEY_FIELDS}


def _as_json(name: str, value: Any) -> Any:
    return str(Decimal(value).quantize(Decimal("0.01"))) if name in _MONEY else int(value)


def prefill_values(base_ids: Iterable[int], year: int) -> dict[int, dict[str, Any]]:
    """Per base, {figure: value as stored in `prefilled`} from every registered provider (figures only: a
    provider's other keys are ignored; a later provider wins a figure two give)."""
    ids = list(base_ids)
    out: dict[int, dict[str, Any]] = {pk: {} for pk in ids}
    if not ids:
        return out
    for provider in report_prefills():
        for pk, values in provider(ids, year).items():
            if pk in out:
                out[pk].update({k: _as_json(k, v) for k, v in values.items() if k in _COUNTS | _MONEY})
    return out


def _apply(report: AnnualReport, values: dict[str, Any]) -> AnnualReport:
    report.prefilled = values
    for name, value in values.items():
        setattr(report, name, Decimal(value) if name in _MONEY else value)
    return report


def reports_new(rnd: EvaluationRound, base_ids: Iterable[int]) -> list[AnnualReport]:
    """Unsaved draft reports of the round for these bases, pre-filled for the round's year."""
    values = prefill_values(base_ids, rnd.year)
    return [_apply(AnnualReport(round=rnd, base_id=pk), v) for pk, v in values.items()]


def report_new_prefilled(report: AnnualReport) -> AnnualReport:
    """A just-created report pre-filled and saved (the one-report case)."""
    values = prefill_values([report.base_id], report.round.year)[report.base_id]
    if values:
        _apply(report, values)
        report.save(update_fields=["prefilled", *values, "updated_at"])
    return report


@dataclass(frozen=True)
class PrefillNote:
    """A filed figure beside the portal's: `difference` = filed − portal (None when the base left it blank)."""

    recorded: Any
    difference: Any


def _parse(name: str, value: Any) -> Any:
    try:
        return Decimal(str(value)) if name in _MONEY else int(value)
    except (InvalidOperation, TypeError, ValueError):
        return None


def prefill_notes(report: AnnualReport) -> dict[str, PrefillNote]:
    """The figures whose filed value differs from what the portal pre-filled, by field (empty when they agree or
    the report was made before the pre-fill)."""
    notes: dict[str, PrefillNote] = {}
    for name, stored in (report.prefilled or {}).items():
        recorded = _parse(name, stored) if name in _COUNTS | _MONEY else None
        if recorded is None:
            continue
        filed = getattr(report, name)
        if filed is None:
            notes[name] = PrefillNote(recorded, None)
        elif filed != recorded:
            notes[name] = PrefillNote(recorded, filed - recorded)
    return notes
