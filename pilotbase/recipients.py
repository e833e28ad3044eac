"""Who gets told: the one place that answers "the users of …" for notifications.

Every stage asks here instead of filtering users itself, so a rule (partners are told too, inactive users
never) holds everywhere. `subject` is an application or a base: anything with `applicant_id` or
`lead_unit_id` and `partners`.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db import models
from django.utils.translation import gettext_lazy as _

from .models import Role, User


class Kind(models.TextChoices):
    """Notification kinds: `<stage>.<event>`, one naming scheme (the bell's filter and the e-mail log use it)."""

    APPLICATION_SUBMITTED = "application.submitted", _("申报已提交")
    APPLICATION_WITHDRAWN = "application.withdrawn", _("申报已撤回")
    APPLICATION_DEADLINE = "application.deadline", _("申报截止提醒")
    CALL_PUBLISHED = "call.published", _("申报批次发布")
    RECOMMENDATION_RETURNED = "recommendation.returned", _("初审退回修改")
    RECOMMENDATION_DECLINED = "recommendation.declined", _("未获推荐")
    RECOMMENDATION_FORWARDED = "recommendation.forwarded", _("已报送科技厅")
    RECOMMENDATION_DEADLINE = "recommendation.deadline", _("推荐截止提醒")
    FORMAL_CHECK_PENDING = "formal_check.pending", _("待形式审查")
    FORMAL_CHECK_PASSED = "formal_check.passed", _("形式审查通过")
    FORMAL_CHECK_RETURNED = "formal_check.returned", _("形式审查退回补正")
    FORMAL_CHECK_REJECTED = "formal_check.rejected", _("形式审查不通过")
    ASSESSMENT_COMMISSIONED = "assessment.commissioned", _("委托评估")
    ASSESSMENT_INVITED = "assessment.invited", _("评审邀请")
    ASSESSMENT_SEAT_LEFT = "assessment.seat_left", _("专家退出")
    ASSESSMENT_ALL_SUBMITTED = "assessment.all_submitted", _("专家评分已全部提交")
    ASSESSMENT_REMINDER = "assessment.reminder", _("评审提醒")
    ASSESSMENT_OVERDUE_AGENCY = "assessment.overdue_agency", _("评审逾期")
    CERTIFICATION_NOTICE_PUBLISHED = "certification.notice_published", _("公示发布")
    CERTIFICATION_OBJECTION_UPHELD = "certification.objection_upheld", _("异议成立")
    CERTIFICATION_CERTIFIED = "certification.certified", _("认定授牌")
    NOTICE_BASE_LISTED = "notice.base_listed", _("考核结果公示")
    NOTICE_OBJECTION_UPHELD = "notice.objection_upheld", _("公示异议成立")
    RECTIFICATION_OPENED = "rectification.opened", _("整改通知")
    RECTIFICATION_REPORTED = "rectification.reported", _("整改报告已提交")
    RECTIFICATION_DECIDED = "rectification.decided", _("整改复核结果")
    RECTIFICATION_DEADLINE = "rectification.deadline", _("整改期限提醒")
    REVOCATION_LISTED = "revocation.listed", _("列入撤销名单")
    REVOCATION_PROPOSED = "revocation.proposed", _("拟撤销认定")
    REVOCATION_CONFIRMED = "revocation.confirmed", _("撤销认定")
    REGISTRATION = "registration", _("单位注册")
    EVALUATION_REPORTS_OPEN = "evaluation.reports_open", _("年度报告填报启动")
    EVALUATION_SCORING_STARTED = "evaluation.scoring_started", _("考核进入评价打分")
    EVALUATION_RESULT = "evaluation.result", _("年度考核结果")
    EVALUATION_INVITED = "evaluation.invited", _("考核评分邀请")
    ANNUAL_REPORT_SUBMITTED = "annual_report.submitted", _("年度报告已提交")
    ANNUAL_REPORT_CONFIRMED = "annual_report.confirmed", _("年度报告已确认")
    ANNUAL_REPORT_RETURNED = "annual_report.returned", _("年度报告退回修改")
    ANNUAL_REPORT_ACCEPTED = "annual_report.accepted", _("年度报告已受理")
    ANNUAL_REPORT_DEADLINE = "annual_report.deadline", _("年度报告截止提醒")
    ANNUAL_REPORT_OVERDUE = "annual_report.overdue", _("年度报告逾期未交")
    SERVICE_REQUEST_SUBMITTED = "service_request.submitted", _("新的服务需求")
    SERVICE_REQUEST_ANSWERED = "service_request.answered", _("服务需求有答复")
    SERVICE_REQUEST_PROGRESS = "service_request.progress", _("服务需求进展")
    SERVICE_REQUEST_REMINDER = "service_request.reminder", _("服务需求提醒")


def _users(org_ids: Iterable[int | None], role: str) -> list[User]:
    ids = sorted({i for i in org_ids if i})
    if not ids:
        return []
    return list(User.objects.filter(organization_id__in=ids, role=role, is_active=True).order_by("id"))


def unit_users(subject: Any, *, partners: bool = True) -> list[User]:
    """The applicant-side users of an application or a base: the lead unit and, by default, its partners."""
    lead = getattr(subject, "applicant_id", None) or getattr(subject, "lead_unit_id", None)
    partner_ids: list[int] = []
    if partners and hasattr(subject, "partner_units"):  # a Base
        partner_ids = list(subject.partner_units.values_list("pk", flat=True))
    elif partners and hasattr(subject, "partners"):  # an Application's Partner rows
        partner_ids = list(subject.partners.values_list("organization_id", flat=True))
    return _users([lead, *partner_ids], Role.APPLICANT)


def bases_unit_users(bases: Iterable[Any]) -> dict[int, list[User]]:
    """`unit_users` of many bases with two queries (a sweep over every base's grants), by base id: the same users
    in the same order as `unit_users(base)` gives for each."""
    from .models import Base

    units = {base.pk: {base.lead_unit_id} for base in bases}
    links = Base.partner_units.through.objects.filter(base_id__in=list(units))
    for base_id, org_id in links.values_list("base_id", "organization_id"):
        units[base_id].add(org_id)
    users = _users({org for orgs in units.values() for org in orgs}, Role.APPLICANT)
    return {base_id: [u for u in users if u.organization_id in orgs] for base_id, orgs in units.items()}


def every_applicant_user() -> list[User]:
    """The active users of every applicant unit (told when a call is published)."""
    return list(User.objects.filter(role=Role.APPLICANT, is_active=True, organization__isnull=False).order_by("id"))


def authority_users(authority_id: int | None) -> list[User]:
    """The reviewers of a recommending authority."""
    return _users([authority_id], Role.AUTHORITY)


def agency_users(agency_id: int | None) -> list[User]:
    """The staff of a (commissioned) third-party agency."""
    return _users([agency_id], Role.AGENCY)


def agencies_users(agency_ids: Iterable[int | None]) -> dict[int, list[User]]:
    """The staff of many agencies with one query (a sweep over every agency's seats), by agency."""
    staff: dict[int, list[User]] = {}
    for user in _users(agency_ids, Role.AGENCY):
        staff.setdefault(user.organization_id, []).append(user)
    return staff


def requester_users(requester_id: int | None) -> list[User]:
    """The users of an enterprise that requests services from bases (服务需求方)."""
    return _users([requester_id], Role.REQUESTER)


def department_users() -> list[User]:
    """The department's staff."""
    return list(User.objects.filter(role=Role.DEPARTMENT, is_active=True).order_by("id"))


def stakeholders(application: Any) -> list[User]:
    """Everyone outside the department who follows an application: its units, its authority, its agency."""
    assessment = getattr(application, "assessment", None)
    agency_id = assessment.commission.agency_id if assessment is not None else None
    return [*unit_users(application), *authority_users(application.authority_id), *agency_users(agency_id)]
