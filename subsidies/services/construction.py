"""建设支持 services: the annual budget, the staff's confirmation of the eligibility facts, propose (eligible bases
only), override the budget, approve (a different staff member: four eyes), disburse (the two-year window starts),
report spending (the base, files through the upload check), close. Every state change is a declared transition
through `transition_run` (logged); money rows through `ledger_post` (docs/subsidies.md, 建设支持)."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from pilotbase.documents import official_language
from pilotbase.formats import cn_date
from pilotbase.models import Base, User
from pilotbase.money import amount as money
from pilotbase.money import parse_amount
from pilotbase.rules import is_staff_side
from pilotbase.uploads import upload_store
from pilotbase.workflow import WorkflowError, creation_log, decided, transition_run

from ..eligibility import ROUTE_LABELS
from ..models import (
    ConstructionCheck,
    ConstructionGrant,
    LedgerKind,
    SpendingFile,
    SpendingItem,
    SupportBudget,
    SupportKind,
)
from ..selectors.construction import base_construction_eligibility
from .ledger import event_day, event_moment, ledger_post

SPENDING_FILE_TYPES = ["pdf", "jpg", "png", "docx", "xlsx"]
SPENDING_FILE_MAX_MB = 20
PROPOSE_LABEL = gettext_lazy("提出建设支持建议")  # the creation's row in the log (the grant has no state before it)


def _money(value: Any, *, allow_zero: bool = False) -> Decimal:
    if isinstance(value, float):
        raise TypeError("金额必须是 Decimal（元），不接受浮点数。")
    try:
        return parse_amount(str(value) if isinstance(value, Decimal) else value, allow_zero=allow_zero)
    except ValidationError as exc:
        raise WorkflowError("；".join(exc.messages)) from None


def _staff(actor: User) -> None:
    if not is_staff_side(actor):
        raise PermissionDenied(_("您没有权限执行该操作。"))


@transaction.atomic
def support_budget_set(*, actor: User, year: int, kind: str, amount: Any, note: str = "") -> SupportBudget:
    """Set (or change) the annual budget of one kind of support."""
    _staff(actor)
    if kind not in SupportKind.values:
        raise WorkflowError(_("资金类别无效。"))
    value = _money(amount, allow_zero=True)
    budget, _created = SupportBudget.objects.update_or_create(
        year=year, kind=kind, defaults={"amount": value, "note": note, "set_by": actor, "set_at": timezone.now()})
    return budget


@transaction.atomic
def construction_check_record(*, actor: User, base: Base, cultivation_confirmed: bool | None,
                              newly_built: bool | None, note: str = "") -> ConstructionCheck:
    """Staff confirm the declaration of no related cultivation support and whether the platform is newly built."""
    _staff(actor)
    check, _created = ConstructionCheck.objects.update_or_create(
        base=base, defaults={"cultivation_confirmed": cultivation_confirmed, "newly_built": newly_built,
                             "note": note, "checked_by": actor, "checked_at": timezone.now()})
    return check


@transaction.atomic
def construction_propose(*, actor: User, base: Base, year: int, amount: Any, basis: str = "") -> ConstructionGrant:
    """建议支持 an eligible base (the proposer may not approve it)."""
    _staff(actor)
    base = Base.objects.select_for_update().get(pk=base.pk)
    value = _money(amount)
    result = base_construction_eligibility(base)
    if not result.eligible:
        raise WorkflowError(_("该基地不符合建设支持条件：%(why)s") % {"why": result.why})
    grant = ConstructionGrant.objects.create(base=base, year=year, amount=value, route=ROUTE_LABELS[result.route],
                                             basis=(basis or "").strip(), proposed_by=actor)
    with official_language():
        comment = _("%(year)s年度建议支持%(amount)s元（%(route)s）") % {
            "year": year, "amount": money(value), "route": grant.route}
    creation_log(record=grant, subject=base, actor=actor, label=PROPOSE_LABEL,
                 comment=f"{comment}：{grant.basis}" if grant.basis else comment)
    return grant


@decided
def construction_budget_override(*, grant: ConstructionGrant, actor: User, reason: str,
                                 expected_state: str | None = None) -> ConstructionGrant:
    reason = (reason or "").strip()
    if not reason:
        raise WorkflowError(_("请填写超出预算的理由。"))
    return transition_run(instance=grant, name="override_budget", actor=actor, subject=grant.base,
                          expected_state=expected_state, comment=reason, args={"reason": reason})


@decided
def construction_approve(*, grant: ConstructionGrant, actor: User, opinion: str = "", document_no: str = "",
                         approved_on: date | None = None, expected_state: str | None = None) -> ConstructionGrant:
    """批准 (not by the proposer: 403) on `approved_on` (the decision's day, default today), and the GRANT ledger
    row dated that day."""
    document_no = (document_no or "").strip()
    if not document_no:
        raise WorkflowError(_("请填写下达文号。"))
    approved_on = event_day(approved_on)
    grant = transition_run(instance=grant, name="approve", actor=actor, subject=grant.base,
                           expected_state=expected_state, comment=opinion,
                           args={"opinion": (opinion or "").strip(), "document_no": document_no,
                                 "approved_at": event_moment(approved_on)})
    ledger_post(base=grant.base, kind=LedgerKind.GRANT, support=SupportKind.CONSTRUCTION, amount=grant.amount,
                year=grant.year, occurred_on=approved_on, source=grant, actor=actor,
                idempotency_key=f"construction-grant-{grant.pk}-grant", document_no=document_no,
                reason=_("%(year)s年度建设支持") % {"year": grant.year})
    return grant


@decided
def construction_disburse(*, grant: ConstructionGrant, actor: User, disbursed_on: date, amount: Any,
                          document_no: str, expected_state: str | None = None) -> ConstructionGrant:
    """登记拨付 (date, amount up to the approved amount, document number): the DISBURSEMENT ledger row; the
    two-year window starts."""
    value = _money(amount)
    document_no = (document_no or "").strip()
    if not document_no:
        raise WorkflowError(_("请填写拨付文号或凭证号。"))
    if disbursed_on > timezone.localdate():
        raise WorkflowError(_("拨付日期不能晚于今天。"))
    if value > grant.amount:
        raise WorkflowError(_("拨付金额不能超过批准的支持金额（%(amount)s元）。") % {"amount": grant.amount})
    grant = transition_run(instance=grant, name="disburse", actor=actor, subject=grant.base,
                           expected_state=expected_state,
                           args={"disbursed_on": disbursed_on, "amount": value, "document_no": document_no})
    ledger_post(base=grant.base, kind=LedgerKind.DISBURSEMENT, support=SupportKind.CONSTRUCTION, amount=value,
                year=grant.year, occurred_on=disbursed_on, source=grant, actor=actor,
                idempotency_key=f"construction-grant-{grant.pk}-disbursement", document_no=document_no,
                reason=_("%(year)s年度建设支持拨付") % {"year": grant.year})
    return grant


@decided
def spending_report(*, grant: ConstructionGrant, actor: User, item: str, amount: Any, spent_on: date,
                    is_equipment: bool = False, equipment: str = "", note: str = "",
                    files: list[UploadedFile] | None = None) -> SpendingItem:
    """报告资金使用 in the window (the base's units or staff): one item, its files checked by content."""
    item, equipment = (item or "").strip(), (equipment or "").strip()
    if not item:
        raise WorkflowError(_("请填写支出事项。"))
    if is_equipment and not equipment:
        raise WorkflowError(_("购置设备的，请填写设备名称及型号。"))
    value = _money(amount)
    if spent_on > timezone.localdate():
        raise WorkflowError(_("支出日期不能晚于今天。"))
    if grant.disbursed_on and spent_on < grant.disbursed_on:
        raise WorkflowError(_("支出日期不能早于拨付日期（%(day)s）。") % {"day": cn_date(grant.disbursed_on)})
    grant = transition_run(instance=grant, name="report_spending", actor=actor, subject=grant.base,
                           comment=_("%(item)s %(amount)s元") % {"item": item, "amount": money(value)})
    row = SpendingItem.objects.create(grant=grant, item=item, amount=value, spent_on=spent_on,
                                      is_equipment=is_equipment, equipment=equipment if is_equipment else "",
                                      note=note, reported_by=actor)
    for upload in files or []:
        upload_store(SpendingFile(item=row, uploaded_by=actor), upload=upload, allowed=SPENDING_FILE_TYPES,
                     max_size_mb=SPENDING_FILE_MAX_MB)
    return row


@decided
def construction_close(*, grant: ConstructionGrant, actor: User, completed: bool, note: str,
                       closed_on: date | None = None, expected_state: str | None = None) -> ConstructionGrant:
    """结束 as completed or not completed (not completed only once the window has ended)."""
    note = (note or "").strip()
    if not note:
        raise WorkflowError(_("请填写结束说明（建设任务完成情况）。"))
    name = "close_completed" if completed else "close_not_completed"
    grant = transition_run(instance=grant, name=name, actor=actor, subject=grant.base, expected_state=expected_state,
                           comment=note, args={"closed_on": closed_on or timezone.localdate(), "note": note})
    if not completed:
        _recovery_for_not_completed(grant, actor=actor, note=note)
    return grant


def _recovery_for_not_completed(grant: ConstructionGrant, *, actor: User, note: str) -> None:
    """未完成建设 opens, in the same decision, the recovery of the grant's disbursed funds (六.(三)): the period is the
    window, the amount what this grant disbursed (not the operating rewards of the same years), due
    `PILOTBASE_CONSTRUCTION_RECOVERY_DUE_DAYS` days after the close; staff may adjust it on the recovery's page."""
    from django.conf import settings

    from .recovery import funds_received, recovery_open_for_construction

    if not grant.disbursed_amount:
        return
    start, end = grant.disbursed_on, max(grant.window_ends_on, grant.disbursed_on)
    received = funds_received(base=grant.base, period_from=start, period_to=end)
    recovery_open_for_construction(
        subsidy=grant, actor=actor, period_from=start, period_to=end,
        due_on=grant.closed_on + timedelta(days=settings.PILOTBASE_CONSTRUCTION_RECOVERY_DUE_DAYS),
        reason=_("建设支持资金使用期满未完成建设任务：%(note)s") % {"note": note},
        amount=grant.disbursed_amount,
        amount_reason="" if grant.disbursed_amount == received else _(
            "只追回该项建设支持已拨付的资金，不含同期其他拨付。"),
    )
