"""What 初审推荐 and 形式审查 contribute to pilotbase.registry: nav links, dashboard panels, the authority's
opinion on the application page, the deadline-reminder sweeper and the demo seeder (its code in reviews.demo).
The signal receivers are in reviews.receivers."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from applications.models import Application
from pilotbase.dashboard import head_and_count
from pilotbase.models import Role
from pilotbase.registry import (
    NavLink,
    Panel,
    register_detail_panel,
    register_nav,
    register_panel,
    register_seeder,
    register_sweeper,
)

# ---- navigation and dashboard -------------------------------------------------------------------
register_nav(NavLink(_("初审推荐"), "reviews:rec_queue", frozenset({Role.AUTHORITY}), order=20))
register_nav(NavLink(_("推荐名单"), "reviews:rec_batches", frozenset({Role.AUTHORITY}), order=21))
register_nav(NavLink(_("形式审查"), "reviews:fc_queue", frozenset({Role.DEPARTMENT, Role.ADMIN}), order=30))


def authority_pending_panel(user: Any) -> Panel | None:
    from ..selectors.recommendation import recommendations_pending

    if not user.organization_id:
        return None
    recommendations, count = head_and_count(recommendations_pending(user=user))
    items = [
        {"label": f"{r.application} · {r.application.applicant}", "url": reverse("reviews:rec_review", args=[r.pk]),
         "meta": r.application.call.recommendation_deadline}
        for r in recommendations
    ]
    return Panel(title=str(_("待初审的申报")), count=count, url=reverse("reviews:rec_queue"),
                 items=items, empty_text=str(_("没有待初审的申报。")), order=10)


def department_formal_panel(user: Any) -> Panel | None:
    from ..models import FormalCheckState
    from ..selectors.recommendation import formal_check_queue

    checks, count = head_and_count(formal_check_queue(user=user, state=FormalCheckState.PENDING))
    items = [{"label": f"{c.application} · {c.application.authority}", "url": reverse("reviews:fc_check", args=[c.pk])}
             for c in checks]
    return Panel(title=str(_("待形式审查")), count=count, url=reverse("reviews:fc_queue"), items=items,
                 empty_text=str(_("没有待形式审查的申报。")), order=10)


register_panel({Role.AUTHORITY}, authority_pending_panel)
register_panel({Role.DEPARTMENT}, department_formal_panel)


# ---- the authority's opinion on the application page (a detail panel of Application) ---------
def opinion_panel(request: Any, application: Application) -> tuple[str, dict] | None:
    from ..models import Recommendation

    rec = Recommendation.objects.filter(application=application).select_related("authority").first()
    if rec is None or not rec.opinion:
        return None
    return "reviews/recommendation/_opinion_panel.html", {"recommendation": rec}


register_detail_panel(Application, opinion_panel)


# ---- reminders ----------------------------------------------------------------------------------
def recommendation_deadline_sweep() -> int:
    from ..services.recommendation import recommendation_deadline_reminders_send

    return recommendation_deadline_reminders_send()


register_sweeper(recommendation_deadline_sweep)


def _seed(core: dict) -> None:
    from ..demo import seed_recommendation

    seed_recommendation(core)


register_seeder(20, "初审推荐", _seed)
