"""Dashboard panels, nav links, reminder sweepers, signal receivers and demo seeder of this stage."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from django.dispatch import receiver
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from applications.hooks import register_detail_panel
from applications.models import Application
from pilotbase.dashboard import head_and_count
from pilotbase.models import Role
from pilotbase.registry import NavLink, Panel, register_nav, register_panel, register_seeder, register_sweeper
from pilotbase.signals import transitioned

REMIND_DAYS_BEFORE = (3, 1)


# ---- keep the review records in step with the application -----------------------------------------
@receiver(transitioned, sender=Application, dispatch_uid="reviews.recommendation.application_transitioned")
def application_transitioned(sender, *, instance, name, actor=None, **kwargs) -> None:
    from ..services import recommendation as svc

    if name == "submit":
        svc.recommendation_create_for(application=instance)
    elif name == "resubmit":
        svc.recommendation_reopen_on_resubmit(application=instance, actor=actor)
    elif name == "withdraw":
        svc.recommendation_close_on_withdraw(application=instance, actor=actor)


# ---- navigation and dashboard -------------------------------------------------------------------
register_nav(NavLink(_("初审推荐"), "reviews:rec_queue", frozenset({Role.AUTHORITY}), order=20))
register_nav(NavLink(_("推荐名单"), "reviews:rec_batches", frozenset({Role.AUTHORITY}), order=21))
register_nav(NavLink(_("形式审查"), "reviews:fc_queue", frozenset({Role.DEPARTMENT, Role.ADMIN}), order=30))


def authority_pending_panel(user: Any) -> Panel | None:
    from ..models import RecommendationState
    from ..selectors.recommendation import pending_count, recommendation_queue

    if not user.organization_id:
        return None
    items = [
        {"label": f"{r.application} · {r.application.applicant}", "url": reverse("reviews:rec_review", args=[r.pk]),
         "meta": r.application.call.recommendation_deadline}
        for r in recommendation_queue(user=user, state=RecommendationState.PENDING)[:5]
    ]
    return Panel(title=str(_("待初审的申报")), count=pending_count(user=user), url=reverse("reviews:rec_queue"),
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


# ---- the authority's opinion on the application page (applications.hooks detail panels) ---------
def opinion_panel(request: Any, application: Application) -> tuple[str, dict] | None:
    from ..models import Recommendation

    rec = Recommendation.objects.filter(application=application).select_related("authority").first()
    if rec is None or not rec.opinion:
        return None
    return "reviews/recommendation/_opinion_panel.html", {"recommendation": rec}


register_detail_panel(opinion_panel)


# ---- reminders ----------------------------------------------------------------------------------
def recommendation_deadline_sweep(now=None) -> int:
    """3 and 1 days before the recommendation deadline, remind authorities that still have work."""
    from django.db.models import Q

    from pilotbase.models import User
    from pilotbase.notifications import Due, remind_many
    from pilotbase.recipients import Kind

    from ..models import Recommendation, RecommendationState

    now = now or timezone.now()
    today = timezone.localdate(now)
    horizon = now + timedelta(days=max(REMIND_DAYS_BEFORE) + 1)
    open_work = Recommendation.objects.filter(
        Q(state=RecommendationState.PENDING, application__state="submitted")
        | Q(state=RecommendationState.RECOMMENDED, batch__state="draft"),
        application__call__recommendation_deadline__gt=now,
        application__call__recommendation_deadline__lte=horizon,
    ).values("authority_id", "application__call_id", "application__call__title",
             "application__call__recommendation_deadline").distinct()
    rows = [row for row in open_work
            if (timezone.localdate(row["application__call__recommendation_deadline"]) - today).days
            in REMIND_DAYS_BEFORE]
    users_of: dict[int, list[User]] = {}  # one query for every authority's users, not one per (call, authority)
    for user in User.objects.filter(organization_id__in={r["authority_id"] for r in rows}, role=Role.AUTHORITY,
                                    is_active=True).order_by("pk"):
        users_of.setdefault(user.organization_id, []).append(user)
    due = []
    for row in rows:
        deadline = row["application__call__recommendation_deadline"]
        days = (timezone.localdate(deadline) - today).days
        for user in users_of.get(row["authority_id"], []):
            due.append(Due(
                key=f"rec-deadline:{row['application__call_id']}:{row['authority_id']}:{user.pk}:{days}d",
                recipient=user, kind=Kind.RECOMMENDATION_DEADLINE, template="recommendation_deadline_reminder",
                context={"call_title": row["application__call__title"], "deadline": deadline, "days": days},
                url=reverse("reviews:rec_queue"), due_on=timezone.localdate(deadline),
            ))
    return remind_many(due)


register_sweeper(recommendation_deadline_sweep)


# ---- demo data ------------------------------------------------------------------------------------
DEMO_UNITS = [  # extra applicant units under 南宁市科学技术局, so its queue has something to rank
    ("广西南宁化工新材料中试科技有限公司", "new-materials", "recommend"),
    ("南宁生物医药产业研究院有限公司", "biomedicine", "recommend"),
    ("广西邕江绿色环保科技有限公司", "green-env", "pending"),
]


def seed(core: dict) -> None:
    """南宁: two applications pending, 广西科学院's returned for revision, and a batch with its letter sent
    to the department, so two applications wait in the formal check. Services only."""
    from django.db import transaction

    from applications import demo as intake
    from applications.models import Call
    from pilotbase.demo import _user, demo_credit_code
    from pilotbase.models import Industry, Organization, OrgKind, UnitType

    from ..demo import recommend_and_forward
    from ..models import BatchState, Recommendation, RecommendationBatch, RecommendationState
    from ..services import recommendation as svc

    call = Call.objects.filter(title=intake.TITLE_2026).first()
    bureau, officer = core["bureaus"]["nanning"], core["users"]["authority"]
    if call is None or RecommendationBatch.objects.filter(call=call, authority=bureau,
                                                          state=BatchState.SUBMITTED).exists():
        return
    with transaction.atomic():
        to_recommend = []
        for i, (name, industry_code, plan) in enumerate(DEMO_UNITS):
            org, _created = Organization.objects.get_or_create(name=name, defaults={
                "kind": OrgKind.APPLICANT, "unit_type": UnitType.ENTERPRISE, "city": bureau.city,
                "authority": bureau, "credit_code": demo_credit_code(500 + i), "registered_on": date(2012, 3, 1 + i),
                "contact_name": "陆工", "contact_phone": f"0771-58{60 + i}5678"})
            _user(f"nanning_unit{i + 1}", Role.APPLICANT, org, "陆", f"联系人{i + 1}")
            app = call.applications.filter(applicant=org).first()
            if app is None:
                industry = Industry.objects.filter(code=industry_code).first() or Industry.objects.first()
                app = intake.submit(call, org, 30 + i, industry=industry)
            if plan == "recommend" and app.recommendation.state == RecommendationState.PENDING:
                to_recommend.append(app)
        # 广西科学院 (demo_applicant): returned for revision, so its dashboard has work to do.
        returned = (Recommendation.objects.filter(application__call=call, application__applicant=core["applicants"][5],
                                                  state=RecommendationState.PENDING).first())
        if returned is not None:
            svc.recommendation_return(recommendation=returned, actor=officer,
                                      opinion="请补充近三年对外中试服务合同清单，并完善收费标准。")
        if to_recommend:
            recommend_and_forward(to_recommend)


register_seeder(20, "初审推荐", seed)
