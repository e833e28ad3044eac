"""Reads of the intake stage, always scoped to the user who asks."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db.models import Count, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from pilotbase import registry
from pilotbase.models import City, Role, TransitionLog
from pilotbase.subqueries import InSubquery

from .models import Application, ApplicationState, Call, CallState, Partner
from .search import application_search
from .snapshots import snapshot_changes  # noqa: F401  (re-exported: reviews import it from here)

HIDDEN_FROM_REVIEWERS = (ApplicationState.DRAFT, ApplicationState.WITHDRAWN)
LIST_RELATED = ("call", "applicant", "authority")


def applications_visible_to(user: Any) -> QuerySet[Application]:
    """An applicant sees its own and those it is a partner of; an authority its applicants' submitted
    ones; the department all that reached it; everyone else none (reviews scope experts themselves)."""
    qs = Application.objects.all()
    if not getattr(user, "is_authenticated", False):
        return qs.none()
    if user.role == Role.APPLICANT and user.organization_id:
        partner_of = Partner.objects.filter(organization_id=user.organization_id).values("application_id")
        return qs.filter(Q(applicant_id=user.organization_id) | InSubquery("pk", partner_of))
    if user.role == Role.AUTHORITY and user.organization_id:
        return qs.filter(authority_id=user.organization_id).exclude(state__in=HIDDEN_FROM_REVIEWERS)
    if user.role in (Role.DEPARTMENT, Role.ADMIN) or user.is_superuser:
        return qs.exclude(state__in=HIDDEN_FROM_REVIEWERS)
    return qs.none()


def applications_readable_by(user: Any) -> QuerySet[Application]:
    """What `user` may read on the record page and as PDF: what they see, plus what later stages grant
    through `pilotbase.registry.register_reader(Application, …)` (e.g. an expert seated on the assessment). Never drafts or withdrawn."""
    visible = applications_visible_to(user)
    extra = registry.readable_extra(Application, user) if getattr(user, "is_authenticated", False) else []
    if not extra:
        return visible
    granted = Q(pk__in=visible.values("pk"))
    for qs in extra:
        granted |= Q(pk__in=qs.exclude(state__in=HIDDEN_FROM_REVIEWERS).values("pk"))
    return Application.objects.filter(granted)


def application_list(user: Any, *, filters: dict[str, Any] | None = None, sort: str = "") -> QuerySet[Application]:
    """The list pages' queryset: scoped, filtered, sorted, with every related row in the same query."""
    filters = filters or {}
    qs = applications_visible_to(user).select_related(*LIST_RELATED)
    if filters.get("call"):
        qs = qs.filter(call=filters["call"])
    if filters.get("city"):
        qs = qs.filter(applicant__city=filters["city"])
    if filters.get("authority"):
        qs = qs.filter(authority=filters["authority"])
    if filters.get("industry"):
        qs = qs.filter(industry=filters["industry"])
    if filters.get("state"):
        qs = qs.filter(state=filters["state"])
    if filters.get("q"):
        qs = application_search(qs, filters["q"])
    return qs.order_by(*SORTS.get(sort, SORTS[""]))


EXPORT_CHUNK = 2000  # rows fetched per round trip (a server-side cursor on PostgreSQL)


def application_export_rows(qs: QuerySet[Application]) -> Iterator[list[Any]]:
    """The department's export rows of a (scoped, filtered, sorted) list queryset, streamed: only the columns
    the sheet shows, fetched in chunks, no model instances. Reference names (city, industry) go through the
    function their ``__str__`` uses and the state labels are read once from the choices, so each cell is what
    the row of instances showed (the city in English for an English reader); one query, whatever the rows."""
    ref = City.display  # ReferenceItem.display: what str(city) and str(industry) show
    states = {value: str(label) for value, label in ApplicationState.choices}
    columns = qs.values_list("acceptance_no", "name", "applicant__name", "applicant__credit_code",
                             "applicant__city__name", "applicant__city__name_en", "authority__name",
                             "industry__name", "industry__name_en", "call__title", "state", "submitted_at",
                             "funding_requested")
    for (acc, name, unit, credit, city, city_en, authority, industry, industry_en, call, state, submitted,
         amount) in columns.iterator(chunk_size=EXPORT_CHUNK):
        yield [acc or "", name, unit, credit or "", ref(city, city_en), authority, ref(industry, industry_en),
               call, states.get(state, state), submitted, amount]


SORTS = {
    "": ("-submitted_at", "-id"),
    "submitted": ("submitted_at", "id"),
    "-submitted": ("-submitted_at", "-id"),
    "acceptance": ("acceptance_no", "id"),
    "-acceptance": ("-acceptance_no", "-id"),
    "applicant": ("applicant__name", "id"),
    "requested": ("funding_requested", "id"),
    "-requested": ("-funding_requested", "-id"),
}


def application_state_counts(qs: QuerySet[Application]) -> list[tuple[str, str, int]]:
    """(state, label, count) of a (filtered) list, for the counts strip. ``COUNT(*)``, not of the id: with no
    column beyond those the list's scope and filters test, PostgreSQL answers it from the index
    `application_state_counts` (or the call's or the authority's (…, state) index) without reading a row."""
    rows = dict(qs.order_by().values_list("state").annotate(n=Count("*")))
    return [(value, label, rows[value]) for value, label in ApplicationState.choices if rows.get(value)]


def my_applications(user: Any) -> QuerySet[Application]:
    return (applications_visible_to(user).select_related("call", "applicant", "authority")
            .order_by("-updated_at", "-id"))


def calls_open(at: Any = None) -> QuerySet[Call]:
    at = at or timezone.now()
    return Call.objects.filter(state=CallState.PUBLISHED, opens_at__lte=at, closes_at__gt=at).order_by("closes_at")


def calls_visible_to(user: Any) -> QuerySet[Call]:
    if getattr(user, "role", None) in (Role.DEPARTMENT, Role.ADMIN) or getattr(user, "is_superuser", False):
        return Call.objects.annotate(
            submitted_count=Count("applications", filter=~Q(applications__state__in=HIDDEN_FROM_REVIEWERS)))
    return Call.objects.exclude(state=CallState.DRAFT)


def application_next_step(application: Application) -> tuple[str, str]:
    """(what happens next, who holds it) for a record page and lists."""
    s = ApplicationState
    steps = {
        s.DRAFT: (_("完善并提交申报书"), application.applicant.name),
        s.RETURNED: (_("按退回意见修改后重新提交"), application.applicant.name),
        s.SUBMITTED: (_("推荐单位初审"), application.authority.name),
        s.RECOMMENDED: (_("推荐单位报送科技厅"), application.authority.name),
        s.UNDER_REVIEW: (_("科技厅形式审查与评估论证"), _("自治区科技厅")),
        s.ON_NOTICE: (_("公示期结束后认定"), _("自治区科技厅")),
    }
    return steps.get(application.state, (_("流程已结束"), "—"))


def application_return_log(application: Application) -> TransitionLog | None:
    """The latest 退回修改 of a returned application: who returned it, when, and the opinion (the comment)."""
    if application.state != ApplicationState.RETURNED:
        return None
    ct = ContentType.objects.get_for_model(Application)
    return (TransitionLog.objects.filter(record_type=ct, record_id=application.pk, transition="return_for_revision")
            .order_by("-at", "-id").first())


def snapshot_latest_pair(application: Application) -> tuple[dict | None, dict | None]:
    """The data of the last two submitted versions (for "what changed since it was returned")."""
    snaps = list(application.snapshots.order_by("-version")[:2])
    new = snaps[0].data if snaps else None
    old = snaps[1].data if len(snaps) > 1 else None
    return old, new
