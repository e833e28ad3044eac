"""Scoring and grades pages: the round's evaluations (staff and the commissioned agency), an evaluation's page (the
report's figures beside the score sheet; the agency scores there in the staff mode; the base reads its own once the
results are published) and staff's confirmation of the round's grades (quotas explained, a change with a reason)."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from pilotbase.actions import Handler, page, run_action
from pilotbase.rules import is_agency, is_applicant, is_staff_side
from pilotbase.timeline import record_timeline
from pilotbase.workflow import WorkflowError, blocked_reasons, can_run, page_actions

from .. import selectors_rounds as sel_rounds
from .. import selectors_scoring as sel
from ..forms_scoring import AmendGradeForm, GradeConfirmForm, ScoreSheetForm
from ..models import Evaluation, EvaluationRound, EvaluationState, RoundState, ScoringMode
from ..services import notice as notice_svc
from ..services import report as report_svc
from ..services import scoring as svc
from ..services import seats as seats_svc

manages_rounds = is_staff_side | is_agency
sees_evaluations = manages_rounds | is_applicant
PAGE_SIZE = 50


@page(visible=manages_rounds)
def evaluation_list(request: HttpRequest, pk: int) -> HttpResponse:
    """Who: staff, the commissioned agency (404 for another agency). A page of PAGE_SIZE evaluations (a national
    round has thousands: the whole list was megabytes of HTML), the counts per state of the whole round."""
    rnd = get_object_or_404(sel_rounds.round_managed(request.user), pk=pk)
    evaluations = sel.round_evaluations(request.user, rnd)
    counts = dict.fromkeys(EvaluationState.values, 0) | sel.evaluation_state_counts(evaluations)
    page_obj = Paginator(evaluations, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "evaluations/evaluation_list.html",
        {
            "round": rnd,
            "page": page_obj,
            "counts": counts,
            "states": [(v, label, counts[v]) for v, label in EvaluationState.choices],
            "staff": is_staff_side(request.user),
        },
    )


def _reopen(*, record, actor, expected_state=None, **_kw):
    return svc.evaluation_reopen(evaluation=record, actor=actor, expected_state=expected_state)


def _score_panel(*, record, actor, expected_state=None, **_kw):
    return seats_svc.evaluation_panel_score(evaluation=record, actor=actor, expected_state=expected_state)


def _amend_grade(*, record, actor, grade, reason, expected_state=None, **_kw):
    return notice_svc.evaluation_grade_amend(
        evaluation=record, actor=actor, grade=grade, reason=reason, expected_state=expected_state
    )


HANDLERS = {
    "reopen": Handler(run=_reopen),
    "score_panel": Handler(run=_score_panel),
    "amend_grade": Handler(run=_amend_grade, form=AmendGradeForm),
}


def _panel_post(request: HttpRequest, ev: Evaluation) -> HttpResponse:
    """The agency's 抽取专家 (`panel=draw`) and 补抽 of a declined seat (`panel=redraw`, `seat`)."""
    if not is_agency(request.user):
        raise PermissionDenied
    try:
        if request.POST["panel"] == "draw":
            draw = seats_svc.evaluation_panel_draw(evaluation=ev, actor=request.user)
        else:
            seat = get_object_or_404(ev.seats.all(), pk=request.POST.get("seat") or 0)
            draw = seats_svc.evaluation_seat_redraw(seat=seat, actor=request.user)
    except WorkflowError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(
            request,
            _("已抽取%(n)d名专家并发出邀请（随机种子 %(seed)s）。")
            % {"n": len(draw.drawn), "seed": draw.seed},
        )
    return redirect(request.path)


def _timeline(ev: Evaluation):
    return record_timeline(ev)


@page(visible=sees_evaluations)
def evaluation_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """Who: staff and the commissioned agency (any time), the base's lead unit (its own, once published).
    POST: the agency's score sheet (`save`), or a transition of the actions box (staff: 撤回等次确认; during the
    results 公示, after an upheld objection on this base: 依异议调整等次 with the new grade and a reason)."""
    ev = get_object_or_404(sel.evaluations_visible(request.user), pk=pk)
    indicators = list(ev.round.indicators.all())
    form = None
    if request.method == "POST" and "panel" in request.POST:
        return _panel_post(request, ev)
    bound: dict = {}
    if request.method == "POST" and "transition" in request.POST:
        response, bound = run_action(request, ev, HANDLERS, redirect_to=request.path)
        if response is not None:
            return response
    if request.method == "POST" and "transition" not in request.POST:  # the score sheet (a bound action form: above)
        if not is_agency(request.user):  # the sheet is the commissioned agency's (others reach it: 403)
            raise PermissionDenied
        form = ScoreSheetForm(request.POST, indicators=indicators)
        if form.is_valid():
            try:
                svc.evaluation_score(
                    evaluation=ev,
                    actor=request.user,
                    entries=form.entries(),
                    comment=form.cleaned_data["comment"],
                    expected_state=request.POST.get("expected_state") or None,
                )
            except svc.ScoreProblems as exc:
                form.add_problems(exc.problems)
                messages.error(request, str(exc))
            except WorkflowError as exc:
                messages.error(request, str(exc))
            else:
                messages.success(request, _("评分已保存，建议等次已按分数线生成。"))
                return redirect(request.path)
        else:
            messages.error(request, _("请按提示修改后再提交。"))
    sheet_open = is_agency(request.user) and can_run(ev, "score", request.user)
    if form is None and sheet_open:
        form = ScoreSheetForm(indicators=indicators, evaluation=ev)
    report = ev.report
    actions = page_actions(
        ev,
        request.user,
        names=["score_panel", "reopen", "amend_grade"]
        if ev.round.scoring_mode == ScoringMode.EXPERTS
        else ["reopen", "amend_grade"],
        show_blocked={"score_panel"},
    )
    return render(
        request,
        "evaluations/evaluation_detail.html",
        {
            "evaluation": ev,
            "round": ev.round,
            "base": ev.base,
            "report": report,
            "figures": report_svc.report_comparison(report, with_prefill=not is_applicant(request.user)),
            "sheet": sel.evaluation_sheet(ev),
            "form": form if (sheet_open or form is not None) else None,
            "score_blocked": blocked_reasons(ev, "score")
            if is_agency(request.user) and not sheet_open
            else [],
            # 汇总专家评分 only where experts score: in the staff mode it is never possible, so it is not offered.
            "actions": actions,
            "action_forms": {
                a.name: bound.get(a.name) or AmendGradeForm(prefix=a.name) for a in actions if a.name == "amend_grade"
            },
            "experts_mode": ev.round.scoring_mode == ScoringMode.EXPERTS and not is_applicant(request.user),
            "seats": list(ev.seats.select_related("expert__user").order_by("id")),
            "draws": list(ev.draws.order_by("drawn_at", "id")),
            "may_draw": is_agency(request.user)
            and ev.round.state == RoundState.SCORING
            and ev.state != EvaluationState.CONFIRMED,
            "timeline": _timeline(ev) if not is_applicant(request.user) else [],
            "staff": is_staff_side(request.user),
            "is_base": is_applicant(request.user),
        },
    )


@page(visible=is_staff_side)
def round_grades(request: HttpRequest, pk: int) -> HttpResponse:
    """Who: staff. The round's bases with totals, the grade the bands propose, the grade after the quotas with the
    explanation, and the grade to confirm (a change needs a reason). POST: 确认考核等次 for every scored base."""
    rnd = get_object_or_404(sel_rounds.rounds_visible(request.user), pk=pk)
    if request.method != "POST":
        response = _grades_read_only(request, rnd)
        if response is not None:
            return response
    evaluations = list(sel.round_grade_evaluations(request.user, rnd))
    rows = svc.round_placements(rnd, evaluations)
    form = GradeConfirmForm(request.POST if request.method == "POST" else None, rows=rows)
    if request.method == "POST":
        if form.is_valid():
            try:
                done = svc.round_grades_confirm(rnd=rnd, actor=request.user, changes=form.changes())
            except svc.GradeProblems as exc:
                form.add_problems(exc.problems)
                messages.error(request, str(exc))
            except WorkflowError as exc:
                messages.error(request, str(exc))
            else:
                messages.success(request, _("已确认%(n)d个基地的考核等次。") % {"n": len(done)})
                return redirect(request.path)
        else:
            messages.error(request, _("请按提示修改后再提交。"))
    pending = sum(1 for r in rows if r.evaluation.state == EvaluationState.PENDING)
    pairs = [(r, form.field_pair(r.evaluation)) for r in rows]
    # Nothing left to confirm (reached on a POST only: a GET of such a round is _grades_read_only's): shown a page
    # at a time. While grades are to be confirmed, every row stays in the one form: 确认考核等次 is one decision
    # over the whole round.
    page_obj = None if form.fields else Paginator(pairs, PAGE_SIZE).get_page(request.GET.get("page"))
    return _grades_page(
        request, rnd, page_obj.object_list if page_obj else pairs, page_obj, form, pending,
        can_confirm=rnd.state == RoundState.SCORING and bool(form.fields),
    )


def _grades_read_only(request: HttpRequest, rnd: EvaluationRound) -> HttpResponse | None:
    """The grades page with nothing to confirm, from its page of rows only (a national round is 3,000 evaluations:
    reading and placing them all took ~80 ms a request): while a base is not scored yet nothing is placed (the
    quotas are settled over every base at once), and once every grade is confirmed each row shows the placement its
    confirmation stored. None while some grade awaits confirmation: the form then needs every row."""
    evaluations = sel.round_grade_evaluations(request.user, rnd)
    counts = sel.evaluation_state_counts(evaluations)
    pending = counts.get(EvaluationState.PENDING, 0)
    if counts.get(EvaluationState.SCORED) and not pending:
        return None
    paginator = Paginator(evaluations, PAGE_SIZE)
    paginator.count = sum(counts.values())  # the counts are of the same rows: no COUNT(*) again
    page_obj = paginator.get_page(request.GET.get("page"))
    page_rows = list(page_obj.object_list)
    rows = [svc.GradeRow(ev, None) for ev in page_rows] if pending else svc.stored_placements(page_rows)
    return _grades_page(request, rnd, [(r, None) for r in rows], page_obj, GradeConfirmForm(rows=[]), pending)


def _grades_page(
    request: HttpRequest, rnd: EvaluationRound, rows: list, page_obj, form: GradeConfirmForm, pending: int, *,
    can_confirm: bool = False,
) -> HttpResponse:
    return render(
        request,
        "evaluations/round_grades.html",
        {"round": rnd, "rows": rows, "page": page_obj, "form": form, "pending": pending, "can_confirm": can_confirm},
    )
