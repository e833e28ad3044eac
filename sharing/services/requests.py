"""服务需求 services: a requester makes a request to a base (numbered, its answer due in working days, logged on the
base's timeline as 「提交服务需求」), and one service per declared transition of `ServiceRequest` through
`transition_run` (logged with the reason as the comment). Each step tells the other side (`notify`: the bell now,
the e-mail after commit); the reminders and the sweep that lets lapsed quotes expire are in `request_reminders`.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.utils.translation import gettext_lazy as _l

from pilotbase.documents import official_language
from pilotbase.formats import cn_date
from pilotbase.models import Base, Sequence, User
from pilotbase.money import amount as money_amount
from pilotbase.notifications import notify
from pilotbase.recipients import Kind, requester_users, unit_users
from pilotbase.workdays import add_working_days
from pilotbase.workflow import WorkflowError, creation_log, transition_run

from ..models import RequestState, ServiceOffering, ServiceRequest
from ..rules import may_make_request

SUBMIT_LABEL = gettext_lazy("提交服务需求")
TEMPLATE = "service_request"
FIELDS = ("title", "description", "quantity", "wanted_by", "budget", "uses_voucher", "voucher_number",
          "voucher_amount")


# ---- who is told ------------------------------------------------------------------------------------------
def base_side_users(req: ServiceRequest) -> list[User]:
    """The base's lead unit's users (the side that answers; the partner units do not act on requests)."""
    return unit_users(req.base, partners=False)


def owner_users(req: ServiceRequest) -> list[User]:
    return requester_users(req.requester_id)


def _url(req: ServiceRequest) -> str:
    from django.urls import reverse

    return reverse("sharing:request_detail", args=[req.pk])


def day(value: date) -> str:
    """A date as the notices write it: in Chinese whatever the actor reads (they outlive the request)."""
    with official_language():
        return cn_date(value)


def _tell(req: ServiceRequest, recipients: list[User], *, kind: str, headline: Any, message: Any,
          **params: Any) -> None:
    """The notice in Chinese whoever acted in which language (it outlives the request)."""
    with official_language():
        context = {"headline": str(headline), "message": str(message) % params, "number": req.number,
                   "title": req.title}
    notify(recipients=recipients, kind=kind, template=TEMPLATE, url=_url(req), context=context)


# ---- the request ------------------------------------------------------------------------------------------
def request_problems(data: dict[str, Any], *, today: date | None = None) -> dict[str, str]:
    """What is wrong with a request's fields, by field (the form shows each beside its field; the service refuses
    the whole request). Empty when the request may be made."""
    today = today or timezone.localdate()
    problems: dict[str, str] = {}
    for name, label in (("title", _("需求名称")), ("description", _("需求内容")), ("quantity", _("数量或规模"))):
        if not str(data.get(name) or "").strip():
            problems[name] = _("请填写%(label)s。") % {"label": label}
    wanted_by = data.get("wanted_by")
    if wanted_by is None:
        problems["wanted_by"] = _("请填写期望完成日期。")
    elif wanted_by < today:
        problems["wanted_by"] = _("期望完成日期不能早于今天。")
    budget, amount = data.get("budget"), data.get("voucher_amount")
    if budget is not None and budget < 0:
        problems["budget"] = _("金额不能为负数。")
    if data.get("uses_voucher"):
        if not str(data.get("voucher_number") or "").strip():
            problems["voucher_number"] = _("使用科技创新券时请填写创新券编号。")
        if amount is None:
            problems["voucher_amount"] = _("使用科技创新券时请填写使用金额。")
        elif amount <= 0:
            problems["voucher_amount"] = _("创新券使用金额须大于0。")
        elif budget is not None and budget >= 0 and amount > budget:
            problems["voucher_amount"] = _("创新券使用金额不能超过预算（%(budget)s元）。") % {"budget": budget}
    return problems


def request_number(year: int) -> str:
    """FW2026-00001: one counter per year (`Sequence.next_value`: one upsert, race-free)."""
    return f"FW{year}-{Sequence.next_value(f'service-request-{year}'):05d}"


@transaction.atomic
def request_create(*, base: Base, actor: User, data: dict[str, Any],
                   offering: ServiceOffering | None = None) -> ServiceRequest:
    """提交服务需求: a requester's user to a base that takes requests (active or rectifying), optionally for one of
    its public catalogue entries. Refused with `ValidationError` (by field) when a field is wrong."""
    if not may_make_request(actor, base):
        raise PermissionDenied(_("只有服务需求单位的用户可以向未撤销认定的基地提交服务需求。"))
    if offering is not None and (offering.base_id != base.pk or offering.hidden):
        raise WorkflowError(_("所选服务不属于该基地或未公开。"))
    problems = request_problems(data)
    if problems:
        raise ValidationError(problems)
    values = {k: data.get(k) for k in FIELDS}
    for k in ("title", "description", "quantity", "voucher_number"):
        values[k] = str(values[k] or "").strip()
    values["uses_voucher"] = bool(values["uses_voucher"])
    if not values["uses_voucher"]:
        values["voucher_number"], values["voucher_amount"] = "", None
    now = timezone.now()
    req = ServiceRequest.objects.create(
        base=base, offering=offering, requester_id=actor.organization_id, created_by=actor, submitted_at=now,
        number=request_number(timezone.localdate(now).year),
        reply_due=add_working_days(timezone.localdate(now), settings.SERVICE_REQUEST_REPLY_WORKING_DAYS),
        **values)
    creation_log(record=req, subject=base, label=SUBMIT_LABEL, actor=actor, comment=req.title)
    _tell(req, base_side_users(req), kind=Kind.SERVICE_REQUEST_SUBMITTED, headline=_l("新的服务需求"),
          message=_l("%(org)s向“%(base)s”提交了服务需求“%(title)s”，请于%(due)s前报价或答复。"), **{
              "org": req.requester.name, "base": base.name, "title": req.title,
              "due": day(req.reply_due)})
    return req


def _reason(reason: str, message: str) -> str:
    reason = (reason or "").strip()
    if not reason:
        raise WorkflowError(message)
    return reason


def _run(req: ServiceRequest, name: str, actor: Any, *, expected_state: str | None, comment: str = "",
         args: dict[str, Any] | None = None) -> ServiceRequest:
    return transition_run(instance=req, name=name, actor=actor, subject=req.base, expected_state=expected_state,
                          comment=comment, args=args)


# ---- the base's side --------------------------------------------------------------------------------------
def request_quote(*, request: ServiceRequest, actor: User, amount: Decimal, valid_until: date, note: str = "",
                  expected_state: str | None = None) -> ServiceRequest:
    """报价: the amount (yuan, ≥ 0) and until when it holds (today or later)."""
    if amount is None or amount < 0:
        raise WorkflowError(_("报价金额不能为负数。"))
    if valid_until is None or valid_until < timezone.localdate():
        raise WorkflowError(_("报价有效期不能早于今天。"))
    note = (note or "").strip()
    req = _run(request, "quote", actor, expected_state=expected_state, comment=note,
               args={"amount": amount, "note": note, "valid_until": valid_until})
    _tell(req, owner_users(req), kind=Kind.SERVICE_REQUEST_ANSWERED, headline=_l("基地已报价"),
          message=_l("“%(base)s”对服务需求“%(title)s”报价%(amount)s元，有效期至%(until)s，请在有效期内接受或不接受报价。"), **{"base": req.base.name, "title": req.title, "amount": money_amount(amount),
             "until": day(valid_until)})
    return req


def request_decline(*, request: ServiceRequest, actor: User, reason: str,
                    expected_state: str | None = None) -> ServiceRequest:
    reason = _reason(reason, _("请填写婉拒的理由。"))
    req = _run(request, "decline", actor, expected_state=expected_state, comment=reason, args={"reason": reason})
    _tell(req, owner_users(req), kind=Kind.SERVICE_REQUEST_ANSWERED, headline=_l("基地婉拒了服务需求"),
          message=_l("“%(base)s”婉拒了服务需求“%(title)s”，理由：%(reason)s"), **{
              "base": req.base.name, "title": req.title, "reason": reason})
    return req


def request_start(*, request: ServiceRequest, actor: User, expected_state: str | None = None) -> ServiceRequest:
    req = _run(request, "start", actor, expected_state=expected_state)
    _tell(req, owner_users(req), kind=Kind.SERVICE_REQUEST_PROGRESS, headline=_l("基地已开始服务"),
          message=_l("“%(base)s”已开始服务需求“%(title)s”的服务。"), **{"base": req.base.name, "title": req.title})
    return req


def request_deliver(*, request: ServiceRequest, actor: User, note: str,
                    expected_state: str | None = None) -> ServiceRequest:
    """交付成果: the requester confirms within `SERVICE_REQUEST_CONFIRM_WORKING_DAYS` working days."""
    note = _reason(note, _("请填写交付说明。"))
    due = add_working_days(timezone.localdate(), settings.SERVICE_REQUEST_CONFIRM_WORKING_DAYS)
    req = _run(request, "deliver", actor, expected_state=expected_state, comment=note,
               args={"note": note, "confirm_due": due})
    _tell(req, owner_users(req), kind=Kind.SERVICE_REQUEST_PROGRESS, headline=_l("基地已交付成果"),
          message=_l("“%(base)s”已交付服务需求“%(title)s”的成果，请于%(due)s前确认完成或提出异议。"), **{
              "base": req.base.name, "title": req.title, "due": day(due)})
    return req


def request_rework(*, request: ServiceRequest, actor: User, expected_state: str | None = None) -> ServiceRequest:
    req = _run(request, "rework", actor, expected_state=expected_state)
    _tell(req, owner_users(req), kind=Kind.SERVICE_REQUEST_PROGRESS, headline=_l("基地处理异议，继续服务"),
          message=_l("“%(base)s”已受理对“%(title)s”的异议，继续服务。"), **{"base": req.base.name, "title": req.title})
    return req


# ---- the requester's side ---------------------------------------------------------------------------------
def request_accept(*, request: ServiceRequest, actor: User, expected_state: str | None = None) -> ServiceRequest:
    req = _run(request, "accept", actor, expected_state=expected_state)
    _tell(req, base_side_users(req), kind=Kind.SERVICE_REQUEST_ANSWERED, headline=_l("需求方接受了报价"),
          message=_l("%(org)s接受了“%(title)s”的报价，请安排开始服务。"), **{"org": req.requester.name, "title": req.title})
    return req


def request_refuse(*, request: ServiceRequest, actor: User, reason: str,
                   expected_state: str | None = None) -> ServiceRequest:
    reason = _reason(reason, _("请填写不接受报价的理由。"))
    req = _run(request, "refuse", actor, expected_state=expected_state, comment=reason, args={"reason": reason})
    _tell(req, base_side_users(req), kind=Kind.SERVICE_REQUEST_ANSWERED, headline=_l("需求方未接受报价"),
          message=_l("%(org)s未接受“%(title)s”的报价，理由：%(reason)s"), **{
              "org": req.requester.name, "title": req.title, "reason": reason})
    return req


def request_withdraw(*, request: ServiceRequest, actor: User, reason: str = "",
                     expected_state: str | None = None) -> ServiceRequest:
    reason = (reason or "").strip()
    req = _run(request, "withdraw", actor, expected_state=expected_state, comment=reason, args={"reason": reason})
    _tell(req, base_side_users(req), kind=Kind.SERVICE_REQUEST_ANSWERED, headline=_l("需求方撤回了服务需求"),
          message=_l("%(org)s撤回了服务需求“%(title)s”。"), **{"org": req.requester.name, "title": req.title})
    return req


def request_confirm(*, request: ServiceRequest, actor: User, expected_state: str | None = None) -> ServiceRequest:
    req = _run(request, "confirm", actor, expected_state=expected_state)
    _tell(req, base_side_users(req), kind=Kind.SERVICE_REQUEST_PROGRESS, headline=_l("需求方已确认完成"),
          message=_l("%(org)s确认“%(title)s”的服务已完成。"), **{"org": req.requester.name, "title": req.title})
    return req


def request_dispute(*, request: ServiceRequest, actor: User, reason: str,
                    expected_state: str | None = None) -> ServiceRequest:
    reason = _reason(reason, _("请填写异议内容。"))
    req = _run(request, "dispute", actor, expected_state=expected_state, comment=reason, args={"reason": reason})
    _tell(req, base_side_users(req), kind=Kind.SERVICE_REQUEST_PROGRESS, headline=_l("需求方对交付提出异议"),
          message=_l("%(org)s对“%(title)s”的交付提出异议：%(reason)s"), **{
              "org": req.requester.name, "title": req.title, "reason": reason})
    return req


# ---- the portal -------------------------------------------------------------------------------------------
def request_expire(*, request: ServiceRequest) -> ServiceRequest:
    """报价过期 (beat, `perm_system`): the quote's validity has passed without an answer."""
    req = _run(request, "expire", None, expected_state=RequestState.QUOTED)
    _tell(req, [*owner_users(req), *base_side_users(req)], kind=Kind.SERVICE_REQUEST_PROGRESS,
          headline=_l("报价已过期"), message=_l("服务需求“%(title)s”的报价已过有效期，需求已结束。"), **{"title": req.title})
    return req
