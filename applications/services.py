"""Writes of the intake stage: calls, applications, their rows and files, submission and withdrawal.

Every state change goes through pilotbase.workflow.transition_run (lock, guard, log); the
functions here add the stage's own work (acceptance number, snapshot, notices, the PDF task)
inside the same transaction, and enqueue anything external only on commit.

受理编号 (acceptance number) format: ``ZS<call year>-<4-digit sequence>``, e.g. ``ZS2026-0001``;
the sequence counts first submissions per call year (pilotbase Sequence key ``acceptance-<year>``),
is assigned once and kept on resubmission; it widens past 9999 rather than wrapping.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from typing import Any

import rules
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import Model
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from pilotbase import formats
from pilotbase.documents import official_language
from pilotbase.models import Organization, Role, Sequence, User
from pilotbase.notifications import Due, Text, notify, remind_many, url_for_ids
from pilotbase.recipients import Kind, authority_users, every_applicant_user
from pilotbase.uploads import upload_check
from pilotbase.workflow import WorkflowError, decision, record_refresh, transition_run

from .models import Application, ApplicationState, Attachment, Call, CallState, RequiredAttachment, Snapshot
from .models.application import SUPPLEMENTARY_MAX_MB, SUPPLEMENTARY_TYPES
from .sections import SECTION_MAP, SECTIONS, TABLES
from .snapshots import snapshot_build

EDITABLE_STATES = (ApplicationState.DRAFT, ApplicationState.RETURNED)
ACCEPTANCE_PREFIX = "ZS"


# ---- calls -----------------------------------------------------------------------------------
def _require(actor: Any, perm: str, obj: Any = None) -> None:
    if not rules.has_perm(perm, actor, obj):
        raise PermissionDenied(_("您没有权限执行该操作。"))


def call_create(*, actor: User, fields: dict[str, Any], platform_types: Iterable | None = None,
                industries: Iterable | None = None) -> Call:
    _require(actor, "applications.manage_call")
    call = Call(**fields, created_by=actor)
    call.full_clean(exclude=["platform_types", "industries", "state"])
    call.save()
    if platform_types is not None:
        call.platform_types.set(platform_types)
    if industries is not None:
        call.industries.set(industries)
    return call


def call_update(*, call: Call, actor: User, fields: dict[str, Any], platform_types: Iterable | None = None,
                industries: Iterable | None = None) -> Call:
    _require(actor, "applications.manage_call")
    if call.state == CallState.CLOSED:
        raise WorkflowError(_("申报批次已结束，不能再修改。"))
    for name, value in fields.items():
        setattr(call, name, value)
    call.full_clean(exclude=["platform_types", "industries", "state"])
    call.save()
    if platform_types is not None:
        call.platform_types.set(platform_types)
    if industries is not None:
        call.industries.set(industries)
    return call


# ---- a new call from last year's or from the notice's defaults ------------------------------------------
# The default score sheet (weighted, configurable per call) and checklist: the notice's conditions (三) and the two
# files every call asks for (附件1 申报书, 附件2 可行性研究报告), as /work/shared/DOMAIN.md records them.
DEFAULT_INDICATORS = (
    (gettext_noop("基本条件"), gettext_noop("依托平台、场地面积、仪器设备原值、注册年限等申报条件"), 10),
    (gettext_noop("服务绩效"), gettext_noop("近三年对外中试服务项目数量、服务企业数量与成效"), 30),
    (gettext_noop("服务能力"), gettext_noop("中试生产线、检测仪器与实验条件，人才队伍的结构与规模"), 30),
    (gettext_noop("运行管理"), gettext_noop("内部管理制度、对外服务制度及承接程序、收费标准"), 20),
    (gettext_noop("社会信誉"), gettext_noop("信用记录、社会评价与安全环保情况"), 10),
)
DEFAULT_CHECKS = (
    gettext_noop("已提交申报书（附件1），内容完整并加盖公章"),
    gettext_noop("已提交可行性研究报告（附件2）"),
    gettext_noop("依托国家级或自治区级重点实验室、技术创新中心、工程研究中心、工程实验室或新型研发机构等已有平台"),
    gettext_noop("能力条件：具备中试所需的计量检测仪器、实验设备、中试生产设备及场地配套设施"),
    gettext_noop("能力条件：具备安全、环保设施及制度"),
    gettext_noop("人才队伍：拥有结构合理、规模适当的专业化人才队伍，具备中试方案设计和组织实施能力"),
    gettext_noop("管理机制：内部管理制度健全，对外服务流程清晰，收费标准合理"),
)
DEFAULT_ATTACHMENTS = (
    (gettext_noop("申报书（盖章扫描件）"), gettext_noop("在线填写后导出的申报书，加盖申报单位公章"), "pdf", 20),
    (gettext_noop("可行性研究报告"), gettext_noop("按建设指南提纲编写"), "pdf", 20),
)


@dataclass(frozen=True)
class CallStart:
    """What a new call's form starts with: the call's fields and its rows (nothing is saved until the form is)."""

    fields: dict[str, Any]
    rows: dict[str, list[dict[str, Any]]]
    source: Call | None = None


def _next_year(value: Any, years: int) -> Any:
    try:
        return value.replace(year=value.year + years)
    except ValueError:  # 29 February
        return value.replace(year=value.year + years, day=28)


def call_start_default(*, year: int | None = None) -> CallStart:
    """The notice's defaults: sections of the score sheet (10/30/30/20/10), the checklist of 三 and the two files."""
    year = year or timezone.localdate().year
    return CallStart(
        fields={"year": year, "title": _("%(year)s年度自治区中试研究基地建设申报") % {"year": year}},
        rows={"attachments": [{"name": _(n), "help_text": _(h), "required": True, "allowed_types": t, "max_size_mb": m,
                               "order": i} for i, (n, h, t, m) in enumerate(DEFAULT_ATTACHMENTS, start=1)],
              "indicators": [{"name": _(n), "description": _(d), "max_score": s, "order": i}
                             for i, (n, d, s) in enumerate(DEFAULT_INDICATORS, start=1)],
              "checks": [{"text": _(t), "order": i} for i, t in enumerate(DEFAULT_CHECKS, start=1)]})


COPIED_FIELDS = ("guide", "batch_number", "min_site_area", "min_equipment_value", "min_fulltime_staff",
                 "min_technical_staff", "min_years_registered", "min_outside_projects", "max_per_authority",
                 "reminder_days", "notice_working_days", "blind_scoring")


def call_start_copy(*, source: Call) -> CallStart:
    """A copy of `source` for the next year: its guide, thresholds, accepted types and fields, attachment rules,
    score sheet and checklist; dates a year later; the title's year moved on; a new 文号 and batch to fill in."""
    year = source.year + 1
    fields = {name: getattr(source, name) for name in COPIED_FIELDS}
    fields |= {"year": year, "title": source.title.replace(str(source.year), str(year)),
               "batch_number": (source.batch_number + 1) if source.batch_number else None,
               "platform_types": list(source.platform_types.all()), "industries": list(source.industries.all())}
    for name in ("opens_at", "closes_at", "recommendation_deadline"):
        fields[name] = _next_year(timezone.localtime(getattr(source, name)), 1)
    rows = {"attachments": list(source.required_attachments.values(
                "name", "help_text", "required", "consortium_only", "allowed_types", "max_size_mb", "order")),
            "indicators": list(source.indicators.values("name", "description", "max_score", "is_veto", "order")),
            "checks": list(source.check_items.values("text", "order"))}
    return CallStart(fields=fields, rows=rows, source=source)


def call_rows_save(*, call: Call, formsets: Iterable[Any], actor: User) -> None:
    """Save the call's row formsets (attachment rules, score sheet, checklist); a new attachment rule gets its code
    from the system (att-1, att-2, … unique in the call), never typed."""
    _require(actor, "applications.manage_call")
    for formset in formsets:
        formset.instance = call
        saved = formset.save(commit=False)
        for obj in formset.deleted_objects:
            obj.delete()
        for obj in saved:
            obj.call = call
            if isinstance(obj, RequiredAttachment) and not obj.code:
                obj.code = _attachment_code(call)
            obj.save()


def _attachment_code(call: Call) -> str:
    used = set(RequiredAttachment.objects.filter(call=call).values_list("code", flat=True))
    n = len(used) + 1
    while f"att-{n}" in used:
        n += 1
    return f"att-{n}"


def call_publish(*, call: Call, actor: User) -> Call:
    """发布: the call's own conditions (dates in order, attachment rules set) decide whether it may go out."""
    with transaction.atomic():
        published = transition_run(instance=call, name="publish", actor=actor, expected_state=CallState.DRAFT)
        call_published_notify(call=published)
    return published


def call_published_notify(*, call: Call) -> int:
    """Tell every applicant unit's users that a call is out (bell now, e-mail after commit). Runs inside the
    publish transition's transaction: a publish happens once (draft → published), so the notice goes once."""
    notes = notify(recipients=every_applicant_user(), kind=Kind.CALL_PUBLISHED, template="call_published",
                   url=reverse("applications:call_detail", args=[call.pk]), context={"call": call})
    return len(notes)


def call_close(*, call: Call, actor: User) -> Call:
    return transition_run(instance=call, name="close", actor=actor, expected_state=CallState.PUBLISHED)


# ---- applications: create and edit -----------------------------------------------------------
def application_create(*, call: Call, applicant: Organization, actor: User) -> Application:
    if not (rules.has_perm("applications.create_application", actor) and actor.organization_id == applicant.pk):
        raise PermissionDenied(_("只有申报单位本单位的用户才能创建申报。"))
    if not call.is_open():
        raise WorkflowError(_("“%(call)s”当前不在申报时间内（截止时间：%(deadline)s）。")
                            % {"call": call.title, "deadline": formats.cn_date(call.closes_at)})
    with decision():
        Organization.objects.select_for_update().get(pk=applicant.pk)  # one create at a time per unit
        existing = call.applications.filter(applicant=applicant).exclude(state=ApplicationState.WITHDRAWN).first()
        if existing is not None:
            raise WorkflowError(_("本单位在该批次已有申报（%(name)s），请继续编辑该申报。") % {"name": existing})
        return Application.objects.create(call=call, applicant=applicant, authority=applicant.authority,
                                          created_by=actor, contact_name=applicant.contact_name,
                                          contact_phone=applicant.contact_phone)


def _editable_locked(application: Application, actor: User) -> Application:
    """Lock the row and check that the actor may still edit it (state may have moved on)."""
    locked = Application.objects.select_for_update().get(pk=application.pk)
    if not rules.has_perm("applications.edit_application", actor, locked):
        raise PermissionDenied(_("只有申报单位本单位的用户才能修改申报书。"))
    if locked.state not in EDITABLE_STATES:
        raise WorkflowError(_("申报已提交（当前状态：%(state)s），不能再修改。") % {"state": locked.get_state_display()})
    return locked


def application_update_section(*, application: Application, section: str, data: dict[str, Any],
                               actor: User) -> Application:
    """Save the fields of one section (a draft may be incomplete; completeness is checked on submit)."""
    names = [n for n in SECTION_MAP[section].fields if n in data]
    with decision():
        locked = _editable_locked(application, actor)
        for name in names:
            setattr(locked, name, data[name])
        locked.full_clean(exclude=[f.name for f in Application._meta.fields if f.name not in names])
        locked.save(update_fields=[*names, "updated_at"])
    for name in names:
        setattr(application, name, getattr(locked, name))
    return locked


def application_rows_save(*, application: Application, formset: Any, actor: User) -> list[Model]:
    """Save a validated inline formset of partners, equipment or team members of an editable application."""
    with decision():
        _editable_locked(application, actor)
        formset.instance = application
        saved = formset.save(commit=False)
        for obj in formset.deleted_objects:
            obj.delete()
        for i, obj in enumerate(saved):
            obj.application = application
            if not obj.order:
                obj.order = i + 1
            obj.save()
        return saved


def attachment_add(*, application: Application, requirement: RequiredAttachment | None, uploaded_file: UploadedFile,
                   actor: User, title: str = "") -> Attachment:
    """One file under a requirement of the call, or (requirement None) 其他补充材料 named by the applicant (`title`),
    e.g. what a return opinion asks for; several of those are allowed. Both go through the same upload check."""
    title = (title or "").strip()
    if requirement is None:
        if not title:
            raise ValidationError(_("请填写补充材料的名称。"))
        allowed, max_size_mb = list(SUPPLEMENTARY_TYPES), SUPPLEMENTARY_MAX_MB
    else:
        if requirement.call_id != application.call_id:
            raise ValidationError(_("附件类别不属于本申报批次。"))
        allowed, max_size_mb, title = requirement.allowed_list(), requirement.max_size_mb, ""
    with decision():
        _editable_locked(application, actor)
        checked = upload_check(uploaded_file=uploaded_file, allowed=allowed, max_size_mb=max_size_mb)
        name = uploaded_file.name.rsplit("/", 1)[-1][:200]
        return Attachment.objects.create(
            application=application, requirement=requirement, title=title[:100], file=uploaded_file,
            original_name=name, size=uploaded_file.size, content_type=checked.mime, sha256=checked.sha256,
            uploaded_by=actor)


def attachment_delete(*, attachment: Attachment, actor: User) -> None:
    with decision():
        _editable_locked(attachment.application, actor)
        stored = attachment.file
        attachment.delete()
        transaction.on_commit(lambda: stored.delete(save=False))


# ---- checks ------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Missing:
    label: str
    url: str
    section: str


def _section_url(application: Application, section: str, anchor: str = "") -> str:
    url = reverse("applications:edit", args=[application.pk, section])
    return f"{url}#{anchor}" if anchor else url


def application_completeness(application: Application) -> list[Missing]:
    """What is still missing before the application can be submitted, each with a link to fix it."""
    missing: list[Missing] = []
    for section in SECTIONS:
        for name in section.required:
            attname = Application._meta.get_field(name).attname  # industry_id: no query per FK
            value = getattr(application, attname)
            empty = value in (None, "") or (name == "commitment" and not value)
            if empty:
                field_label = Application._meta.get_field(name).verbose_name
                text = _("请阅读并勾选承诺书") if name == "commitment" else _("请填写“%(field)s”") % {"field": field_label}
                missing.append(Missing(f"{section.label}：{text}", _section_url(application, section.key, f"id_{name}"),
                                       section.key))
    rows = {"partners": application.partners.count() if application.is_consortium else 1,
            "equipment": application.equipment.count(), "team": application.team.count()}
    where = {"partners": "basic", "equipment": "capability", "team": "team"}
    for key, count in rows.items():
        if count == 0:
            label = TABLES[key][0]
            missing.append(Missing(f"{SECTION_MAP[where[key]].label}：" + _("请至少填写一行“%(table)s”") % {"table": label},
                                   _section_url(application, where[key], f"table-{key}"), where[key]))
    if (application.funding_total is not None and application.funding_self is not None
            and application.funding_requested is not None
            and application.funding_self + application.funding_requested > application.funding_total):
        missing.append(Missing(f"{SECTION_MAP['funding'].label}：" + _("自筹资金与申请财政支持之和不应超过总投入"),
                               _section_url(application, "funding", "id_funding_total"), "funding"))
    have = set(application.attachments.values_list("requirement_id", flat=True))
    for req in application.required_attachments():
        if req.required and req.pk not in have:
            missing.append(Missing(f"{SECTION_MAP['attachments'].label}：" + _("请上传“%(name)s”") % {"name": req.name},
                                   _section_url(application, "attachments", f"req-{req.code}"), "attachments"))
    return missing


def _years_between(start: date, end: date) -> int:
    return end.year - start.year - ((end.month, end.day) < (start.month, start.day))


def application_eligibility(application: Application) -> list[str]:
    """Call thresholds the application does not meet (each threshold optional)."""
    call = application.call
    totals = application.totals()
    failed = []
    if call.min_site_area is not None and (application.site_area or 0) < call.min_site_area:
        failed.append(_("中试场地面积 %(have)s 平方米，低于本批次要求的 %(need)s 平方米")
                      % {"have": application.site_area or 0, "need": call.min_site_area})
    if call.min_equipment_value is not None and totals["equipment_value"] < call.min_equipment_value:
        failed.append(_("仪器设备原值合计 %(have)s，低于本批次要求的 %(need)s")
                      % {"have": formats.wan_yuan(totals["equipment_value"]),
                         "need": formats.wan_yuan(call.min_equipment_value)})
    if call.min_fulltime_staff is not None and totals["fulltime"] < call.min_fulltime_staff:
        failed.append(_("专职人员 %(have)d 人，少于本批次要求的 %(need)d 人")
                      % {"have": totals["fulltime"], "need": call.min_fulltime_staff})
    if call.min_technical_staff is not None and totals["technical"] < call.min_technical_staff:
        failed.append(_("技术人员 %(have)d 人，少于本批次要求的 %(need)d 人")
                      % {"have": totals["technical"], "need": call.min_technical_staff})
    if call.min_years_registered is not None:
        registered = application.applicant.registered_on
        if registered is None:
            failed.append(_("申报单位未登记注册成立日期，无法核对注册年限（要求满 %(need)d 年）")
                          % {"need": call.min_years_registered})
        elif _years_between(registered, timezone.localdate()) < call.min_years_registered:
            failed.append(_("申报单位注册成立不满 %(need)d 年（成立于 %(on)s）")
                          % {"need": call.min_years_registered, "on": formats.cn_date(registered)})
    if call.min_outside_projects is not None and (application.outside_projects or 0) < call.min_outside_projects:
        failed.append(_("近三年对外中试项目 %(have)d 项，少于本批次要求的 %(need)d 项")
                      % {"have": application.outside_projects or 0, "need": call.min_outside_projects})
    return failed


# ---- submit / withdraw -----------------------------------------------------------------------------
def acceptance_no_format(*, year: int, value: int) -> str:
    return f"{ACCEPTANCE_PREFIX}{year}-{value:04d}"


def application_problems(application: Application) -> list[str]:
    """Everything that keeps the application from being submitted: what is missing, then unmet thresholds."""
    return [m.label for m in application_completeness(application)] + application_eligibility(application)


def application_submit(*, application: Application, actor: User, expected_state: str | None = None) -> Application:
    """Submit (draft) or resubmit (returned) to the recommending authority.

    The transitions' conditions check the deadline (server clock, this instant) and completeness; the
    list of problems is spelled out here first, so the applicant sees each one with its number.
    """
    with decision():
        locked = Application.objects.select_for_update().select_related("call", "applicant").get(pk=application.pk)
        name = "resubmit" if locked.state == ApplicationState.RETURNED else "submit"
        meta = getattr(locked, name)._django_fsm
        if (expected_state in (None, locked.state) and meta.has_transition_perm(locked, locked.state, actor)
                and locked.call.is_open()):
            problems = application_problems(locked)
            if problems:
                listed = "\n".join(f"{i}. {p}" for i, p in enumerate(problems, start=1))
                raise WorkflowError(_("申报书尚不能提交，请先处理以下问题：\n%(list)s") % {"list": listed})
        acceptance_no = locked.acceptance_no or acceptance_no_format(
            year=locked.call.year, value=Sequence.next_value(f"acceptance-{locked.call.year}"))
        result = transition_run(instance=locked, name=name, actor=actor, subject=locked, expected_state=expected_state,
                                args={"submitted_at": timezone.now(), "acceptance_no": acceptance_no})
        Snapshot.objects.create(application=result, version=result.version, data=snapshot_build(result),
                                created_by=actor)
        notify(recipients=authority_users(result.authority_id), kind=Kind.APPLICATION_SUBMITTED,
               template="application_submitted", url=reverse("applications:detail", args=[result.pk]),
               context={"application": result, "applicant": result.applicant, "call": result.call,
                        "resubmitted": name == "resubmit"})
        pk, version = result.pk, result.version
        transaction.on_commit(lambda: _pdf_enqueue(pk, version))
    record_refresh(application)
    return result


def _pdf_enqueue(application_id: int, version: int) -> None:
    from .pdf import application_pdf_enqueue

    application_pdf_enqueue(application_id=application_id, version=version)


def application_withdraw(*, application: Application, actor: User, comment: str) -> Application:
    if not (comment or "").strip():
        raise WorkflowError(_("请填写撤回原因。"))
    with decision():
        result = transition_run(instance=application, name="withdraw", actor=actor, subject=application,
                                comment=comment.strip())
        notify(recipients=authority_users(result.authority_id), kind=Kind.APPLICATION_WITHDRAWN,
               template="application_withdrawn",
               url="", context={"application": result, "applicant": result.applicant, "comment": comment.strip()})
    return result


# ---- reminders ------------------------------------------------------------------------------------
def deadline_reminders_sweep() -> int:
    """E-mail and bell notice to applicants with an unsubmitted draft N days before the deadline.

    For each call the smallest configured N with days left <= N is due, so a sweep that was down on
    the exact day still catches up, and an earlier N is never sent late. Keyed per application,
    N, deadline date and recipient: running twice sends once; a moved deadline reminds again.
    """
    now = timezone.now()
    today = timezone.localdate()
    due_calls = {}  # call id → (N, closing date, days left)
    for call in Call.objects.filter(state=CallState.PUBLISHED, opens_at__lte=now, closes_at__gt=now):
        closes_on = timezone.localtime(call.closes_at).date()
        left = (closes_on - today).days
        due = [n for n in call.reminder_day_list() if left <= n]
        if due:
            due_calls[call.pk] = (min(due), closes_on, left)
    if not due_calls:
        return 0
    # one query for the drafts, one for their units' users: the cost does not grow per deadline
    apps = (Application.objects.filter(call_id__in=due_calls, state__in=EDITABLE_STATES)
            .select_related("applicant", "call").order_by("pk"))
    users_of: dict[int, list[User]] = {}
    for user in User.objects.filter(role=Role.APPLICANT, is_active=True,
                                    organization_id__in=apps.values("applicant_id")).order_by("pk"):
        users_of.setdefault(user.organization_id, []).append(user)

    detail_url = url_for_ids("applications:detail")
    with official_language():  # the labels as the mail prints them
        states = {state.value: str(state.label) for state in ApplicationState}

    def due_reminders():
        for app in apps.iterator(chunk_size=2000):
            n, closes_on, left = due_calls[app.call_id]
            context = {"application_name": Text(app.name), "state": states[app.state],
                       "call_title": app.call.title, "closes_at": app.call.closes_at, "days": max(left, 0)}
            for user in users_of.get(app.applicant_id, []):
                yield Due(key=f"app-deadline:{app.pk}:{n}:{closes_on.isoformat()}:{user.pk}", recipient=user,
                          kind=Kind.APPLICATION_DEADLINE, template="application_deadline", url=detail_url(app.pk),
                          due_on=closes_on, context=context)

    return remind_many(due_reminders())
