"""撤销认定 / 摘牌: detection of a second consecutive fail, proposals, the second person's confirmation.

Detection (`revocation_detect_base`, and `revocations_detect` as the registry's sweeper) reads a base's
`EvaluationResult` rows and rectifications through the pure rule in `evaluations.consecutive` and lists the base
with both years as evidence, once per pair of years. Confirmation revokes the base and its certificate, records
the plaque's return when it is known, and raises the flag for recovering the regional funds, in one decision;
the subsidies stage reads the flag (`Revocation.recovery_flagged`) or receives `pilotbase.signals.transitioned`
(sender Revocation, name "confirm"): this app never imports subsidies.
"""

from __future__ import annotations

from datetime import date

from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from pilotbase.documents import official_language
from pilotbase.models import Base, BaseStatus, CertificateState, User
from pilotbase.notifications import notify
from pilotbase.recipients import Kind, authority_users, department_users, unit_users
from pilotbase.workflow import WorkflowError, decided, transition_run

from ..consecutive import second_consecutive_fail
from ..models import (
    EvaluationResult,
    Grade,
    Rectification,
    RectificationState,
    Revocation,
    RevocationReason,
    RevocationState,
)
from ..models.consequences import UNRESOLVED_REVOCATION


def _url(rev: Revocation) -> str:
    return reverse("evaluations:revocation_detail", args=[rev.pk])


def _tell(rev: Revocation, *, event: str) -> None:
    base = rev.base
    if event == "confirmed":
        recipients = [*unit_users(base), *authority_users(base.lead_unit.authority_id), *department_users()]
        kind = Kind.REVOCATION_CONFIRMED
    else:
        recipients = department_users()
        kind = Kind.REVOCATION_LISTED if event == "listed" else Kind.REVOCATION_PROPOSED
    notify(
        recipients=recipients,
        kind=kind,
        template="revocation",
        url=_url(rev),
        context={"revocation": rev, "event": event},
    )


def base_history(base: Base) -> tuple[list[tuple[int, str]], list[tuple[int, str]]]:
    """What the rule reads for one base: (year, grade) results and (year, state) rectifications."""
    results = list(base.evaluation_results.order_by("year").values_list("year", "grade"))
    rectifications = list(
        base.rectifications.exclude(state=RectificationState.NEW).values_list("year", "state")
    )
    return results, rectifications


@decided
def revocation_detect_base(*, base: Base) -> Revocation | None:
    """List `base` for revocation if its history ends in a second consecutive fail not listed before."""
    base = Base.objects.select_for_update().get(pk=base.pk)
    if base.state == BaseStatus.REVOKED or base.revocations.filter(state__in=UNRESOLVED_REVOCATION).exists():
        return None
    pair = second_consecutive_fail(*base_history(base))
    if pair is None or base.revocations.filter(second_year=pair[1]).exists():
        return None
    with official_language():
        reason = _("%(first)s年度、%(second)s年度连续两年考核不合格（《实施方案》六.三）。") % {
            "first": pair[0],
            "second": pair[1],
        }
    rev = Revocation.objects.create(base=base, reason_kind=RevocationReason.CONSECUTIVE_FAIL, reason=reason)
    rev = transition_run(
        instance=rev,
        name="detect",
        actor=None,
        subject=base,
        args={"first_year": pair[0], "second_year": pair[1], "reason": reason},
    )
    _tell(rev, event="listed")
    return rev


def revocations_detect() -> int:
    """The sweeper: every base not revoked with a fail (or a not-accepted rectification) on record is checked;
    returns how many were listed now. Idempotent: a listed pair is never listed again.

    The histories and revocations of all those bases are read in three queries and the rule applied to each; only
    a base with a pair not yet listed goes to `revocation_detect_base`, which locks it and decides again. Each base
    one by one (its lock and four queries, every day, for every base that ever failed) cost 1,400 queries a sweep
    at the bench's scale, the same on a day that listed nothing."""
    failing = Q(evaluation_results__grade=Grade.FAIL) | Q(rectifications__state=RectificationState.NOT_ACCEPTED)
    candidates = Base.objects.exclude(state=BaseStatus.REVOKED).filter(failing).values("pk")
    results: dict[int, list[tuple[int, str]]] = {}
    for base_id, year, grade in (EvaluationResult.objects.filter(base__in=candidates)
                                 .order_by("base_id", "year").values_list("base_id", "year", "grade")):
        results.setdefault(base_id, []).append((year, grade))
    rectifications: dict[int, list[tuple[int, str]]] = {}
    for base_id, year, state in (Rectification.objects.filter(base__in=candidates)
                                 .exclude(state=RectificationState.NEW).order_by("base_id", "year", "id")
                                 .values_list("base_id", "year", "state")):
        rectifications.setdefault(base_id, []).append((year, state))
    unresolved, listed = set(), set()
    for base_id, second_year, state in (Revocation.objects.filter(base__in=candidates)
                                        .values_list("base_id", "second_year", "state")):
        listed.add((base_id, second_year))
        if state in UNRESOLVED_REVOCATION:
            unresolved.add(base_id)
    due = []
    for base_id in sorted(set(results) | set(rectifications)):
        pair = second_consecutive_fail(results.get(base_id, []), rectifications.get(base_id, []))
        if pair is not None and base_id not in unresolved and (base_id, pair[1]) not in listed:
            due.append(base_id)
    return sum(1 for base in Base.objects.filter(pk__in=due).order_by("id")
               if revocation_detect_base(base=base) is not None)


@decided
def revocation_propose(
    *, revocation: Revocation, actor: User, opinion: str, expected_state: str | None = RevocationState.LISTED
) -> Revocation:
    """提请撤销认定 of a listed base: another staff member must confirm."""
    rev = transition_run(
        instance=revocation,
        name="propose",
        actor=actor,
        subject=revocation.base,
        expected_state=expected_state,
        comment=opinion,
        args={"opinion": opinion},
    )
    _tell(rev, event="proposed")
    return rev


@decided
def revocation_propose_other(*, base: Base, actor: User, reason_kind: str, reason: str) -> Revocation:
    """因其他事由提请撤销认定: the base asks, fraud, a major accident, … with the reason written out."""
    if reason_kind == RevocationReason.CONSECUTIVE_FAIL or reason_kind not in RevocationReason.values:
        raise WorkflowError(_("请选择撤销事由（连续两年考核不合格由平台自动列入名单）。"))
    if not reason.strip():
        raise WorkflowError(_("请填写撤销原因。"))
    base = Base.objects.select_for_update().get(pk=base.pk)
    if base.revocations.filter(state__in=UNRESOLVED_REVOCATION).exists():
        raise WorkflowError(_("该基地已有待处理的撤销认定，请在该记录中办理。"))
    rev = Revocation.objects.create(base=base, reason_kind=reason_kind, reason=reason)
    rev = transition_run(
        instance=rev,
        name="propose_other",
        actor=actor,
        subject=base,
        comment=reason,
        args={"reason_kind": reason_kind, "reason": reason},
    )
    _tell(rev, event="proposed")
    return rev


@decided
def revocation_confirm(
    *,
    revocation: Revocation,
    actor: User,
    revoked_on: date | None = None,
    plaque_returned_on: date | None = None,
    plaque_return_note: str = "",
    expected_state: str | None = RevocationState.PROPOSED,
) -> Revocation:
    """确认撤销认定 (a second staff member): the base and its certificate are revoked from `revoked_on` with the
    reason, the plaque's return is recorded when given, the funds are flagged for recovery; everyone is told."""
    revoked_on = revoked_on or timezone.localdate()
    rev = transition_run(
        instance=revocation,
        name="confirm",
        actor=actor,
        subject=revocation.base,
        expected_state=expected_state,
        args={"revoked_on": revoked_on},
    )
    base = rev.base
    transition_run(instance=base, name="revoke", actor=actor, subject=base, comment=rev.reason)
    certificate = getattr(base, "certificate", None)
    if certificate is not None and certificate.state != CertificateState.REVOKED:
        transition_run(
            instance=certificate,
            name="revoke",
            actor=actor,
            subject=base,
            args={"revoked_on": revoked_on, "reason": rev.reason},
        )
    if plaque_returned_on is not None:
        base_plaque_return(base=base, actor=actor, returned_on=plaque_returned_on, note=plaque_return_note)
    _tell(rev, event="confirmed")
    return rev


@decided
def revocation_dismiss(
    *, revocation: Revocation, actor: User, reason: str, expected_state: str | None = None
) -> Revocation:
    """不予撤销, with the reason (the pair of years stays recorded and is not listed again)."""
    if not reason.strip():
        raise WorkflowError(_("请填写不予撤销的理由。"))
    return transition_run(
        instance=revocation,
        name="dismiss",
        actor=actor,
        subject=revocation.base,
        expected_state=expected_state,
        comment=reason,
        args={"reason": reason},
    )


@decided
def base_plaque_return(*, base: Base, actor: User, returned_on: date, note: str = "") -> Base:
    """登记标牌收回 of a revoked base."""
    return transition_run(
        instance=base,
        name="record_plaque_return",
        actor=actor,
        subject=base,
        args={"plaque_returned_on": returned_on, "plaque_return_note": note},
    )
