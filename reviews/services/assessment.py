"""Writes of the assessment stage (评估论证): commission, panel draw, expert seats, site visit, conclusion.

Every state change goes through pilotbase.workflow.transition_run with the application as the
subject, so the application's timeline tells the whole story. Mail goes through notify() (queued
after commit).
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Mapping
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from applications.models import Application, Call
from pilotbase.documents import official_language
from pilotbase.expert_pool import expert_facts
from pilotbase.models import ExpertProfile, Organization, OrgKind, Role, User
from pilotbase.notifications import Candidate, Due, Text, notify, remind_many, url_for_ids
from pilotbase.panels import KIND_LABELS, DrawResult, draw_panel, panel_score, seed_new
from pilotbase.recipients import Kind, agencies_users, agency_users
from pilotbase.rules import is_staff_side
from pilotbase.uploads import upload_check
from pilotbase.workflow import WorkflowError, decided, decision, record_refresh, transition_run

from ..models import (
    SITE_VISIT_ITEMS,
    Assessment,
    AssessmentState,
    AssignmentState,
    Commission,
    CommissionState,
    ExpertAssignment,
    IndicatorScore,
    PanelDraw,
    SiteVisit,
    SiteVisitFile,
    SiteVisitState,
    scoring_open,
)
from ..models.assessment import commission_all_concluded
from ..selectors import assessment as sel

SITE_VISIT_FILE_TYPES = ["jpg", "png", "pdf"]


def panel_size_default() -> int:
    return int(getattr(settings, "ASSESSMENT_PANEL_SIZE", 5))


def scoring_days_default() -> int:
    return int(getattr(settings, "ASSESSMENT_SCORING_DAYS", 14))


# ---- commission -----------------------------------------------------------------------------
def commission_create(
    *, call: Call, agency: Organization, applications: Iterable[Application], due_on: date, title: str,
    note: str = "", actor: User,
) -> Commission:
    """Department commissions an agency; one Assessment (state panel) per application."""
    if not is_staff_side(actor):
        raise PermissionDenied(_("只有科技厅工作人员可以委托第三方机构。"))
    if agency.kind != OrgKind.AGENCY:
        raise WorkflowError(_("受托单位必须是第三方机构。"))
    apps = list(applications)
    if not apps:
        raise WorkflowError(_("请至少选择一个申报项目。"))
    if due_on < timezone.localdate():
        raise WorkflowError(_("完成期限不能早于今天。"))
    with decision():
        ok = set(sel.applications_commissionable(call=call).select_for_update(of=("self",))
                 .filter(pk__in=[a.pk for a in apps]).values_list("pk", flat=True))
        bad = [str(a) for a in apps if a.pk not in ok]
        if bad:
            raise WorkflowError(_("以下申报未通过形式审查、不属于本批次或已委托评估：%(names)s")
                                % {"names": "、".join(bad)})
        commission = Commission.objects.create(call=call, agency=agency, title=title, due_on=due_on, note=note,
                                               created_by=actor)
        for app in apps:
            Assessment.objects.create(application=app, commission=commission)
        url = reverse("reviews:assess_commissions")
        notify(recipients=agency_users(agency.pk), kind=Kind.ASSESSMENT_COMMISSIONED,
               template="assessment_commissioned",
               context={"commission": commission, "count": len(apps)}, url=url)
    return commission


# ---- panel draw -----------------------------------------------------------------------------
def _draw_record(*, assessment: Assessment, result: DrawResult, actor: User,
                 replaces: ExpertAssignment | None = None) -> PanelDraw:
    criteria = {**result.criteria, "notes": result.notes}
    return PanelDraw.objects.create(assessment=assessment, seed=result.seed, criteria=criteria,
                                    candidates=result.candidates, exclusions=result.exclusions,
                                    drawn=result.drawn, replaces=replaces, drawn_by=actor)


def _seat(*, assessment: Assessment, draw: PanelDraw, expert_ids: list[int], actor: User) -> list[ExpertAssignment]:
    due = assessment.commission.due_on or (timezone.localdate() + timedelta(days=scoring_days_default()))
    seats = []
    experts = {e.pk: e for e in ExpertProfile.objects.filter(pk__in=expert_ids).select_related("user")}
    for pk in expert_ids:
        seat = ExpertAssignment.objects.create(assessment=assessment, expert=experts[pk], draw=draw, due_on=due)
        seats.append(seat)
        notify(recipients=[experts[pk].user], kind=Kind.ASSESSMENT_INVITED, template="assessment_invited",
               context={"assignment": seat, "application": assessment.application},
               url=reverse("reviews:assess_assignment", args=[seat.pk]))
    return seats


def _check_agency(assessment: Assessment, actor: User) -> None:
    if not (actor.role == Role.AGENCY and actor.organization_id == assessment.commission.agency_id):
        raise PermissionDenied(_("只有受托第三方机构可以抽取专家。"))


def panel_draw(*, assessment: Assessment, actor: User, size: int | None = None, seed: str | None = None) -> PanelDraw:
    """Draw a full panel for an assessment that has none yet; invite every drawn expert."""
    _check_agency(assessment, actor)
    size = size or panel_size_default()
    with decision():
        locked = Assessment.objects.select_for_update().get(pk=assessment.pk)
        if locked.state != AssessmentState.PANEL:
            raise WorkflowError(_("评审已开始，不能重新抽取整个专家组；请对谢绝或回避的席位补抽。"))
        if locked.assignments.exclude(state__in=sel.GONE_SEATS).exists():
            raise WorkflowError(_("本项目已抽取专家组。"))
        result = draw_panel(expert_facts(), sel.application_facts(assessment=locked), seed or seed_new(), size)
        if not result.drawn:
            raise WorkflowError(_("没有符合条件的专家可供抽取。"))
        draw = _draw_record(assessment=locked, result=result, actor=actor)
        _seat(assessment=locked, draw=draw, expert_ids=result.drawn, actor=actor)
    return draw


def panel_redraw(*, assignment: ExpertAssignment, actor: User, seed: str | None = None) -> PanelDraw:
    """Replace a declined or recused seat with one expert of the same kind."""
    assessment = assignment.assessment
    _check_agency(assessment, actor)
    with decision():
        seat = ExpertAssignment.objects.select_for_update().select_related("expert").get(pk=assignment.pk)
        if seat.state not in sel.GONE_SEATS:
            raise WorkflowError(_("只能为已谢绝或已回避的席位补抽专家。"))
        if PanelDraw.objects.filter(replaces=seat).exists():
            raise WorkflowError(_("该席位已补抽过专家。"))
        if assessment.state not in (AssessmentState.PANEL, AssessmentState.SCORING):
            raise WorkflowError(_("当前阶段不能补抽专家。"))
        result = draw_panel(expert_facts(), sel.application_facts(assessment=assessment), seed or seed_new(),
                            1, kind=seat.expert.kind)
        if not result.drawn:
            raise WorkflowError(_("没有符合条件的%(kind)s可供补抽。") % {"kind": KIND_LABELS[seat.expert.kind]})
        draw = _draw_record(assessment=assessment, result=result, actor=actor, replaces=seat)
        _seat(assessment=assessment, draw=draw, expert_ids=result.drawn, actor=actor)
    return draw


# ---- expert seat ----------------------------------------------------------------------------
def _seat_run(assignment: ExpertAssignment, name: str, actor: User, comment: str = "",
              args: dict[str, Any] | None = None) -> ExpertAssignment:
    return transition_run(instance=assignment, name=name, actor=actor, comment=comment, args=args,
                          subject=assignment.assessment.application, expected_state=assignment.state)


def assignment_accept(*, assignment: ExpertAssignment, actor: User, no_conflict: bool, declaration: str) -> ExpertAssignment:
    if not no_conflict or not declaration.strip():
        raise WorkflowError(_("接受邀请前须勾选并填写无利益冲突声明。"))
    return _seat_run(assignment, "accept", actor, declaration.strip(), args={"declaration": declaration.strip()})


def _seat_leave(assignment: ExpertAssignment, name: str, actor: User, reason: str) -> ExpertAssignment:
    if not reason.strip():
        raise WorkflowError(_("请填写理由。"))
    seat = _seat_run(assignment, name, actor, reason.strip())
    assessment = assignment.assessment
    notify(recipients=agency_users(assessment.commission.agency_id), kind=Kind.ASSESSMENT_SEAT_LEFT,
           template="assessment_seat_left", context={"assignment": seat, "application": assessment.application,
                                                     "reason": reason.strip()},
           url=reverse("reviews:assess_detail", args=[assessment.pk]))
    return seat


def assignment_decline(*, assignment: ExpertAssignment, actor: User, reason: str) -> ExpertAssignment:
    return _seat_leave(assignment, "decline", actor, reason)


def assignment_recuse(*, assignment: ExpertAssignment, actor: User, reason: str) -> ExpertAssignment:
    return _seat_leave(assignment, "recuse", actor, reason)


def scores_save(
    *, assignment: ExpertAssignment, actor: User, scores: Mapping[int, Decimal | None],
    vetoes: Mapping[int, bool], veto_reason: str = "", opinion: str = "",
) -> ExpertAssignment:
    """Save a draft score sheet (indicator id → score; veto indicator id → yes/no)."""
    if assignment.expert.user_id != actor.pk:
        raise PermissionDenied(_("只能填写本人的评分表。"))
    with decision():
        seat = ExpertAssignment.objects.select_for_update().get(pk=assignment.pk)
        if seat.state != AssignmentState.ACCEPTED:
            raise WorkflowError(_("只有已接受且未提交的评审任务可以填写评分。"))
        if not scoring_open(seat):  # experts may accept while the panel forms, but score once scoring starts
            raise WorkflowError(_("专家组组建完成、受托机构开始专家评审后才能评分。"))
        indicators = list(seat.assessment.application.call.indicators.all())
        for ind in indicators:
            if ind.is_veto:
                values = {"score": None, "vetoed": bool(vetoes.get(ind.pk))}
            else:
                value = scores.get(ind.pk)
                if value is not None and not (Decimal("0") <= value <= ind.max_score):
                    raise WorkflowError(_("“%(name)s”的得分应在 0 至 %(max)s 分之间。")
                                        % {"name": ind.name, "max": ind.max_score})
                values = {"score": value, "vetoed": False}
            IndicatorScore.objects.update_or_create(assignment=seat, indicator=ind, defaults=values)
        seat.vetoed = any(bool(vetoes.get(i.pk)) for i in indicators if i.is_veto)
        seat.veto_reason = veto_reason.strip() if seat.vetoed else ""
        seat.opinion = opinion
        seat.total = sum((s for s in (scores.get(i.pk) for i in indicators if not i.is_veto) if s is not None),
                         Decimal("0"))
        seat.save(update_fields=["vetoed", "veto_reason", "opinion", "total"])
    record_refresh(assignment)
    return seat


def assignment_submit(*, assignment: ExpertAssignment, actor: User) -> ExpertAssignment:
    """Submit the sheet: every scored indicator filled, a veto has its reason, an opinion written
    (the transition itself re-checks, on the locked seat, that scoring is open)."""
    missing = [s.indicator.name for s in assignment.scores.select_related("indicator")
               if not s.indicator.is_veto and s.score is None]
    scored = set(assignment.scores.values_list("indicator_id", flat=True))
    missing += [i.name for i in assignment.assessment.application.call.indicators.all() if i.pk not in scored]
    if missing:
        raise WorkflowError(_("以下指标尚未评分：%(names)s") % {"names": "、".join(missing)})
    if assignment.vetoed and not assignment.veto_reason.strip():
        raise WorkflowError(_("触发一票否决时须填写否决理由。"))
    if not assignment.opinion.strip():
        raise WorkflowError(_("请填写评审意见。"))
    seat = _seat_run(assignment, "submit", actor)
    assessment = assignment.assessment
    if not assessment.assignments.filter(state__in=sel.OPEN_SEATS).exists():
        notify(recipients=agency_users(assessment.commission.agency_id), kind=Kind.ASSESSMENT_ALL_SUBMITTED,
               template="assessment_all_submitted", context={"application": assessment.application},
               url=reverse("reviews:assess_detail", args=[assessment.pk]))
    return seat


def assignment_reopen(*, assignment: ExpertAssignment, actor: User, reason: str) -> ExpertAssignment:
    return _seat_run(assignment, "reopen", actor, reason)


# ---- assessment flow ------------------------------------------------------------------------
def _assessment_run(assessment: Assessment, name: str, actor: User, comment: str = "",
                    args: dict[str, Any] | None = None) -> Assessment:
    return transition_run(instance=assessment, name=name, actor=actor, comment=comment, args=args,
                          subject=assessment.application, expected_state=assessment.state)


def assessment_start_scoring(*, assessment: Assessment, actor: User) -> Assessment:
    return _assessment_run(assessment, "start_scoring", actor)


def assessment_start_site_visit(*, assessment: Assessment, actor: User) -> Assessment:
    return _assessment_run(assessment, "start_site_visit", actor)


def site_visit_save(*, assessment: Assessment, actor: User, visit_date: date, team: str, items: dict,
                    findings: str, conclusion: str) -> SiteVisit:
    _check_agency(assessment, actor)
    if assessment.state != AssessmentState.SITE_VISIT:
        raise WorkflowError(_("只有现场核查阶段可以填写核查记录。"))
    with decision():
        visit = SiteVisit.objects.select_for_update().filter(assessment=assessment).first()
        if visit is not None and visit.state == SiteVisitState.DONE:
            raise WorkflowError(_("现场核查已完成，不能再修改。"))
        clean = {code: {"ok": bool(items.get(code, {}).get("ok")), "note": str(items.get(code, {}).get("note", ""))}
                 for code, _label in SITE_VISIT_ITEMS}
        values = {"visit_date": visit_date, "team": team, "items": clean, "findings": findings,
                  "conclusion": conclusion, "recorded_by": actor}
        if visit is None:
            visit = SiteVisit.objects.create(assessment=assessment, **values)
        else:
            for key, value in values.items():
                setattr(visit, key, value)
            visit.save()
    return visit


def site_visit_complete(*, visit: SiteVisit, actor: User) -> SiteVisit:
    return transition_run(instance=visit, name="complete", actor=actor, subject=visit.assessment.application,
                          expected_state=visit.state)


def site_visit_file_add(*, visit: SiteVisit, actor: User, upload: Any, caption: str = "") -> SiteVisitFile:
    """Store a photo or scan after checking its content (not its name) with `filetype`."""
    _check_agency(visit.assessment, actor)
    try:
        checked = upload_check(uploaded_file=upload, allowed=SITE_VISIT_FILE_TYPES, match_name=False,
                               max_size_mb=int(getattr(settings, "ASSESSMENT_SITE_FILE_MAX_MB", 20)))
    except ValidationError as exc:
        raise WorkflowError(exc.messages[0]) from exc
    record = SiteVisitFile(site_visit=visit, original_name=upload.name[:200], caption=caption,
                           content_type=checked.mime, uploaded_by=actor)
    record.file.save(f"{visit.assessment_id}/{uuid.uuid4().hex}.{checked.extension}", upload, save=False)
    record.save()
    return record


@decided
def assessment_conclude(*, assessment: Assessment, actor: User, consensus_opinion: str, passed: bool) -> Assessment:
    """Record the panel's conclusion (what a pass needs is declared on `Assessment.conclude_pass`); the
    commission completes with its last conclusion."""
    if not consensus_opinion.strip():
        raise WorkflowError(_("请填写专家组综合意见。"))
    submitted = list(assessment.assignments.filter(state=AssignmentState.SUBMITTED))
    total = panel_score((s.total for s in submitted if s.total is not None), rule=sel.SCORE_RULE)
    result = _assessment_run(assessment, "conclude_pass" if passed else "conclude_fail", actor,
                             consensus_opinion.strip(),
                             args={"consensus_opinion": consensus_opinion.strip(), "total_score": total,
                                   "vetoed": any(s.vetoed for s in submitted)})
    commission = assessment.commission
    if commission.state == CommissionState.ISSUED and commission_all_concluded(commission):
        transition_run(instance=commission, name="complete", actor=actor, subject=commission,
                       expected_state=CommissionState.ISSUED)
    return result


# ---- reminders ------------------------------------------------------------------------------
def reminder_kind(due_on: date, today: date) -> str | None:
    """2 days before → due_soon; due day → due_today; every 2nd day after → overdue."""
    days = (due_on - today).days
    if days == 2:
        return "due_soon"
    if days == 0:
        return "due_today"
    if days < 0 and (-days) % 2 == 0:
        return "overdue"
    return None


DIGEST_SEATS = 10  # the overdue seats a digest names, longest overdue first; it counts them all


def assignment_reminders_send(today: date | None = None) -> int:
    """The sweeper: remind experts of their open seats, one reminder per seat; give each agency staff member one
    digest a day of the agency's overdue seats (how many, the longest overdue by name and link, the agency's
    commissions), not a notice per seat and staff member: thousands of identical notices a day tell nobody anything.

    One query finds the seats due (ids only) and one the staff of the agencies with overdue seats; names are read
    only for the reminders not sent yet (remind_many's `complete`), so a sweep that finds everything sent costs a
    few queries. A digest is keyed per staff member and day: sent once a day while the agency has overdue seats."""
    today = today or timezone.localdate()
    seats = list(sel.assignments_due(until=today + timedelta(days=2)))
    overdue: dict[int, list] = {}
    for seat in seats:
        if seat.due_on < today and seat.assessment__commission__agency_id:
            overdue.setdefault(seat.assessment__commission__agency_id, []).append(seat)
    for late in overdue.values():
        late.sort(key=lambda s: (s.due_on, s.pk))  # longest overdue first
    staff = agencies_users(overdue)

    def candidates():  # refs: (seat, kind) for an expert's reminder, (agency id, staff member) for a digest
        for seat in seats:
            kind = reminder_kind(seat.due_on, today)
            if kind:
                yield Candidate(key=f"assess:{seat.pk}:{kind}:{today.isoformat()}", ref=(seat, kind))
        for agency_id in overdue:
            for user in staff.get(agency_id, []):
                yield Candidate(key=f"assess-agency-digest:{user.pk}:{today.isoformat()}", ref=(agency_id, user))

    names: dict[int, Text] = {}  # application → its name, read once per sweep
    experts: dict[int, User] = {}
    expert_names: dict[int, str] = {}  # for the digests' rows
    digests: dict[int, tuple] = {}  # agency → the rows its digest lists, built once for all its staff
    seat_url, detail_url = url_for_ids("reviews:assess_assignment"), url_for_ids("reviews:assess_detail")
    commissions_url = reverse("reviews:assess_commissions")
    with official_language():  # the names and labels as the mail prints them
        states = {state.value: str(state.label) for state in AssignmentState}

    def complete(fresh: list[Candidate]) -> list[Due]:
        refs = [c.ref for c in fresh]
        own = [seat for seat, kind in refs if isinstance(kind, str)]
        listed = [seat for agency_id, _u in refs if isinstance(agency_id, int) and agency_id not in digests
                  for seat in overdue[agency_id][:DIGEST_SEATS]]
        with official_language():
            missing = {seat.assessment__application_id for seat in (*own, *listed)} - names.keys()
            names.update((pk, Text(app)) for pk, app in Application.objects.only("id", "name").in_bulk(missing).items())
            new_experts = User.objects.in_bulk({seat.expert__user_id for seat in (*own, *listed)} - experts.keys())
            experts.update(new_experts)
            expert_names.update((pk, str(user)) for pk, user in new_experts.items())
        due = []
        for candidate, (ref, kind_or_user) in zip(fresh, refs, strict=True):
            if isinstance(kind_or_user, str):
                seat, kind = ref, kind_or_user
                due.append(Due(
                    key=candidate.key, recipient=experts[seat.expert__user_id], kind=f"assessment.{kind}",
                    template="assessment_reminder",
                    context={"application": names[seat.assessment__application_id], "reminder": kind,
                             "days": (seat.due_on - today).days, "due_on": seat.due_on},
                    url=seat_url(seat.pk), due_on=seat.due_on))
                continue
            agency_id, user = ref, kind_or_user
            if agency_id not in digests:  # plain rows: part of the kind, one rendering for the agency's staff
                digests[agency_id] = tuple(
                    (str(names[seat.assessment__application_id]), expert_names[seat.expert__user_id],
                     seat.due_on, states[seat.state], detail_url(seat.assessment_id))
                    for seat in overdue[agency_id][:DIGEST_SEATS])
            due.append(Due(
                key=candidate.key, recipient=user, kind=Kind.ASSESSMENT_OVERDUE_AGENCY,
                template="assessment_overdue_digest",
                context={"count": len(overdue[agency_id]), "seats": digests[agency_id], "today": today},
                url=commissions_url, due_on=today))
        return due

    return remind_many(candidates(), complete)


__all__ = [
    "SITE_VISIT_ITEMS", "assessment_conclude", "assessment_start_scoring", "assessment_start_site_visit",
    "assignment_accept", "assignment_decline", "assignment_recuse", "assignment_reminders_send", "assignment_reopen",
    "assignment_submit", "commission_create", "panel_draw", "panel_redraw", "reminder_kind",
    "scores_save", "site_visit_complete", "site_visit_file_add", "site_visit_save",
]
