"""The expert's pages in the experts mode of scoring: my seats, and a seat (the base's figures beside the sheet;
accept with the declaration of no conflict of interest, decline or 回避 with a reason, submit the sheet). Another
expert's seat does not exist for a user (404)."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from pilotbase.actions import page
from pilotbase.rules import is_expert
from pilotbase.workflow import WorkflowError, can_run

from ..forms_scoring import ScoreSheetForm
from ..models import EvaluationSeat, SeatState
from ..services import report as report_svc
from ..services import seats as svc
from ..services.scoring import ScoreProblems


class AcceptForm(forms.Form):
    no_conflict = forms.BooleanField(
        label=gettext_lazy("本人确认与该基地的牵头单位、共建单位无利益关系，并对评分情况保密。"), required=False
    )
    declaration = forms.CharField(
        label=gettext_lazy("补充说明"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )


class DeclineForm(forms.Form):
    reason = forms.CharField(
        label=gettext_lazy("谢绝或回避理由"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": gettext_lazy("请填写谢绝或回避的理由。")},
    )


def seats_of(user):
    return EvaluationSeat.objects.filter(expert__user=user).select_related(
        "evaluation__round", "evaluation__base", "evaluation__report"
    )


@page(visible=is_expert)
def seat_mine(request: HttpRequest) -> HttpResponse:
    """Who: an expert (its own seats only)."""
    seats = seats_of(request.user).order_by("-evaluation__round__year", "state", "id")
    return render(request, "evaluations/seat_list.html", {"seats": seats})


@page(visible=is_expert)
def seat_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """Who: the seat's expert. POST `action`: accept, decline or submit (the sheet)."""
    seat = get_object_or_404(seats_of(request.user), pk=pk)
    ev = seat.evaluation
    indicators = list(ev.round.indicators.all())
    accept_form, decline_form, sheet = AcceptForm(), DeclineForm(), None
    if request.method == "POST":
        action = request.POST.get("action", "")
        expected = request.POST.get("expected_state") or None
        try:
            if action == "accept":
                accept_form = AcceptForm(request.POST)
                if accept_form.is_valid():
                    svc.seat_accept(
                        seat=seat, actor=request.user, expected_state=expected, **accept_form.cleaned_data
                    )
                    messages.success(request, _("已接受邀请，请评分。"))
                    return redirect(request.path)
            elif action == "decline":
                decline_form = DeclineForm(request.POST)
                if decline_form.is_valid():
                    svc.seat_decline(
                        seat=seat, actor=request.user, expected_state=expected, **decline_form.cleaned_data
                    )
                    messages.success(request, _("已谢绝，受托机构将另行抽取专家。"))
                    return redirect(request.path)
            elif action == "submit":
                sheet = ScoreSheetForm(request.POST, indicators=indicators)
                if sheet.is_valid():
                    try:
                        svc.seat_submit(
                            seat=seat,
                            actor=request.user,
                            entries=sheet.entries(),
                            comment=sheet.cleaned_data["comment"],
                            expected_state=expected,
                        )
                    except ScoreProblems as exc:
                        sheet.add_problems(exc.problems)
                        raise
                    messages.success(request, _("评分已提交。"))
                    return redirect(request.path)
            else:
                raise PermissionDenied
        except WorkflowError as exc:
            messages.error(request, str(exc))
    if sheet is None and seat.state == SeatState.ACCEPTED:
        sheet = ScoreSheetForm(indicators=indicators)
    scores = {s.indicator_id: s for s in seat.scores.all()}
    return render(
        request,
        "evaluations/seat_detail.html",
        {
            "seat": seat,
            "evaluation": ev,
            "round": ev.round,
            "base": ev.base,
            "figures": report_svc.report_comparison(ev.report),
            "accept_form": accept_form if can_run(seat, "accept", request.user) else None,
            "decline_form": decline_form if can_run(seat, "decline", request.user) else None,
            "form": sheet if seat.state == SeatState.ACCEPTED else None,
            "sheet": [(ind, scores.get(ind.pk)) for ind in indicators],
        },
    )
