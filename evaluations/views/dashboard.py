"""The programme dashboard (基地建设统计): staff see the whole programme, an authority its region.

Bases per city (all 14, zeros included) and per industry against the notice's coverage aim, bases certified
per year against its numeric targets, and the grade distribution per year (from `EvaluationResult`, imported
and evaluated alike). Every chart is server-rendered SVG (`pilotbase.charts`) with its table beside it, and
every table is an Excel download. Each figure is one aggregated query, so the page's query count does not
grow with the bases.

The coverage figures and the notice's targets are `evaluations.coverage`'s, shared with the public coverage page
(public/coverage/), which counts the public directory's bases instead of the user's scope.
"""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _

from pilotbase.actions import page
from pilotbase.charts import Chart, bar_chart, hbar_chart
from pilotbase.models import BaseStatus
from pilotbase.rules import is_authority, is_staff_side
from pilotbase.xlsx import xlsx_response

from .. import selectors_bases as sel
from ..coverage import coverage, target_table
from ..models import Grade

may_see_dashboard = is_staff_side | is_authority

GRADE_COLORS = {
    Grade.EXCELLENT: "#009E73",
    Grade.GOOD: "#0072B2",
    Grade.PASS: "#56B4E9",
    Grade.RECTIFY: "#E69F00",
    Grade.FAIL: "#D55E00",
}


def _round_chart(rnd, progress: dict[str, int]) -> Chart:
    """The current round's progress: how many of its bases (in the user's scope) reached each step; the
    authority's confirmation only when the round asks for it."""
    labels = {
        "included": _("参评基地"),
        "filed": _("已提交年度报告"),
        "confirmed": _("推荐单位已确认"),
        "accepted": _("已受理"),
        "scored": _("已评分"),
        "graded": _("等次已确认"),
    }
    steps = [s for s in sel.PROGRESS_STEPS if s != "confirmed" or rnd.authority_confirms]
    included = progress["included"]
    title = _("%(round)s 进度") % {"round": rnd.title}
    return hbar_chart(
        key="chart-round",
        title=title,
        items=[(str(labels[s]), progress[s]) for s in steps],
        label_header=_("环节"),
        value_header=_("基地数"),
        color="#0072B2",
        summary=_("%(title)s：参评 %(n)d 家，%(parts)s。")
        % {
            "title": title,
            "n": included,
            "parts": _("，").join(
                _("%(step)s %(n)d 家") % {"step": labels[s], "n": progress[s]}
                for s in steps
                if s != "included"
            ),
        },
    )


def _figures(request: HttpRequest) -> dict:
    scope = sel.bases_visible_to(request.user)
    today = timezone.localdate()
    staff = is_staff_side(request.user)
    figures = coverage(scope, today=today, with_targets=staff)
    grades = sel.grades_per_year(scope)
    charts = figures["charts"]
    grade_years = sorted(grades)
    charts["grades"] = bar_chart(
        key="chart-grades",
        title=_("年度考核等次分布"),
        categories=[str(y) for y in grade_years],
        series=[
            (str(label), [grades[y].get(value, 0) for y in grade_years]) for value, label in Grade.choices
        ],
        colors=[GRADE_COLORS[value] for value, _l in Grade.choices],
        category_header=_("考核年度"),
        total_header=_("参评基地数"),
    )
    rnd = sel.dashboard_round(request.user)
    if rnd is not None:
        charts["round"] = _round_chart(rnd, sel.round_progress(scope, rnd))
    states = sel.state_totals(scope)
    return {
        "charts": charts,
        "round": rnd,
        "grade_years": grade_years,
        "staff": staff,
        "today": today,
        "total": sum(states.values()),
        "revoked": states.get(BaseStatus.REVOKED, 0),
        "active": states.get(BaseStatus.ACTIVE, 0),
        "rectifying": states.get(BaseStatus.RECTIFYING, 0),
        "targets": figures["targets"],
        "region": None if staff else request.user.organization,
    }


@page(visible=may_see_dashboard)
def dashboard(request: HttpRequest) -> HttpResponse:
    return render(request, "evaluations/dashboard.html", _figures(request))


EXPORTS = ("cities", "industries", "years", "grades", "targets", "round")


@page(visible=may_see_dashboard)
def dashboard_export(request: HttpRequest, table: str) -> HttpResponse:
    """One chart's table (or the targets' table) as Excel: the same numbers the page shows."""
    if table not in EXPORTS or (table == "targets" and not is_staff_side(request.user)):
        raise Http404
    figures = _figures(request)
    today = timezone.localdate().isoformat()
    scope_line = figures["region"].name if figures["region"] else _("全区")
    if table == "targets":
        headers, rows = target_table(figures["targets"])
        return xlsx_response(
            filename=f"基地建设目标-{today}.xlsx",
            title=_("建设目标"),
            headers=headers,
            rows=rows,
            heading=[_("中试基地建设目标完成情况"), scope_line],
            widths=(30, 16, 16, 10),
        )
    if table not in figures["charts"]:  # the round's progress when no round is under way
        raise Http404
    chart: Chart = figures["charts"][table]
    return xlsx_response(
        filename=f"{chart.title}-{today}.xlsx",
        title=chart.title[:31],
        headers=chart.headers,
        rows=chart.rows,
        heading=[chart.title, scope_line],
        widths=[30] + [12] * (len(chart.headers) - 1),
    )
