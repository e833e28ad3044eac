"""Nav links of 基地名录, 我的基地 and 基地建设统计, and the staff's and authorities' dashboard panel that leads to
the programme dashboard with the current round's progress (the registry: lower apps' pages never link up here)."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from pilotbase.models import Role
from pilotbase.registry import NavLink, Panel, register_nav, register_panel

STAFF = frozenset({Role.DEPARTMENT, Role.ADMIN})

register_nav(NavLink(_("我的基地"), "evaluations:base_mine", frozenset({Role.APPLICANT}), order=12))
register_nav(NavLink(_("基地名录"), "evaluations:base_list", STAFF | {Role.AUTHORITY}, order=53))
register_nav(NavLink(_("基地建设统计"), "evaluations:dashboard", STAFF | {Role.AUTHORITY}, order=54))


def programme_panel(user: Any) -> Panel:
    """基地建设统计: the current round's progress for the user's scope (the dashboard's own two queries), each
    step a link to the dashboard's progress chart; the count is the round's bases in scope."""
    from .. import selectors_bases as sel

    url = reverse("evaluations:dashboard")
    rnd = sel.dashboard_round(user)
    if rnd is None:
        return Panel(
            title=str(_("基地建设统计")),
            count=0,
            url=url,
            empty_text=gettext("目前没有进行中的年度绩效考核。布局、认定进度和历年等次见基地建设统计。"),
            order=60,
        )
    progress = sel.round_progress(sel.bases_visible_to(user), rnd)
    labels = {
        "filed": gettext("已提交年度报告"),
        "confirmed": gettext("推荐单位已确认"),
        "accepted": gettext("已受理"),
        "scored": gettext("已评分"),
        "graded": gettext("等次已确认"),
    }
    steps = [s for s in labels if s != "confirmed" or rnd.authority_confirms]
    items = [
        {"label": f"{labels[s]}：{progress[s]} / {progress['included']}", "url": f"{url}#round-progress"}
        for s in steps
    ]
    return Panel(
        title=gettext("%(year)s年度考核进度") % {"year": rnd.year},
        count=progress["included"],
        url=url,
        items=items,
        order=60,
    )


register_panel(STAFF | {Role.AUTHORITY}, programme_panel)
