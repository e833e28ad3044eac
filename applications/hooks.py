"""What the intake stage (申报) contributes to pilotbase.registry: nav links, dashboard panels, the deadline
reminder sweeper and the demo seeder (its code in applications.demo).

Later stages add panels to the application's record page and readers of applications straight to the registry
(`pilotbase.registry.register_detail_panel(Application, func)`, `register_reader(Application, func)`).
"""

from __future__ import annotations

from django.db.models import Count, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from pilotbase.formats import days_left_text, days_until
from pilotbase.models import Role
from pilotbase.registry import NavLink, Panel, register_nav, register_panel, register_seeder, register_sweeper

# ---- navigation ----------------------------------------------------------------------------------
register_nav(NavLink(_("申报批次"), "applications:call_list",
                     frozenset({Role.APPLICANT, Role.DEPARTMENT, Role.ADMIN}), order=10))
register_nav(NavLink(_("我的申报"), "applications:mine", frozenset({Role.APPLICANT}), order=11))
register_nav(NavLink(_("申报受理"), "applications:list", frozenset({Role.DEPARTMENT, Role.ADMIN, Role.AUTHORITY}),
                     order=12))


# ---- dashboard panels ----------------------------------------------------------------------------
def applicant_drafts_panel(user) -> Panel:
    from pilotbase.dashboard import head_and_count

    from .models import Application, ApplicationState

    qs = (Application.objects.filter(applicant_id=user.organization_id,
                                     state__in=[ApplicationState.DRAFT, ApplicationState.RETURNED])
          .select_related("call").order_by("call__closes_at", "id"))
    drafts, count = head_and_count(qs)
    items = [{"label": f"{a}（{a.get_state_display()}，{a.call.title}）", "meta": a.call.closes_at,
              "url": reverse("applications:edit", args=[a.pk, "basic"])} for a in drafts]
    return Panel(title=str(_("待提交的申报（截止时间）")), count=count, url=reverse("applications:mine"),
                 items=items, empty_text=str(_("没有待提交的申报。可在“申报批次”中开始申报。")), order=10)


def department_calls_panel(user) -> Panel:
    from .selectors import HIDDEN_FROM_REVIEWERS, calls_open

    calls = calls_open(timezone.now()).annotate(
        n=Count("applications", filter=~Q(applications__state__in=HIDDEN_FROM_REVIEWERS)))
    items = [{"label": ngettext("%(title)s：已提交 %(n)d 份", "%(title)s：已提交 %(n)d 份", c.n) % {"title": c.title, "n": c.n},
              "meta": c.closes_at, "url": reverse("applications:list") + f"?call={c.pk}"} for c in calls]
    return Panel(title=str(_("开放中的申报批次")), count=len(items),
                 url=reverse("applications:call_list"), items=items,
                 empty_text=str(_("目前没有开放的申报批次。")), order=10)


def applicant_open_calls_panel(user) -> Panel:
    """Calls accepting applications now, with the days left (0: closes today)."""
    from .selectors import calls_open

    calls = list(calls_open(timezone.now()))
    today = timezone.localdate()
    items = []
    for c in calls:
        left = days_until(c.closes_at, today)
        when = days_left_text(max(left, 0), closes=True)
        items.append({"label": f"{c.title}（{when}）", "meta": c.closes_at, "days_left": left,
                      "url": reverse("applications:call_detail", args=[c.pk])})
    return Panel(title=str(_("开放中的申报批次（截止时间）")), count=len(items), url=reverse("applications:call_list"),
                 items=items, empty_text=str(_("目前没有开放的申报批次。新批次发布时会通知您。")), order=5)


register_panel({Role.APPLICANT}, applicant_drafts_panel)
register_panel({Role.APPLICANT}, applicant_open_calls_panel)
register_panel({Role.DEPARTMENT, Role.ADMIN}, department_calls_panel)


# ---- sweeper and seeder ------------------------------------------------------------------------
def _sweep() -> int:
    from .services import deadline_reminders_sweep

    return deadline_reminders_sweep()


def _seed(core: dict) -> None:
    from .demo import seed

    seed(core)


register_sweeper(_sweep)
register_seeder(10, "申报批次与申报书", _seed)
