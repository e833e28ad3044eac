"""Reads for the notice, objections, bases and certificates, each scoped to who asks."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db.models import Count, Prefetch, Q, QuerySet
from django.http import Http404

from applications.models import Application, ApplicationState, Call, Partner
from pilotbase.models import Base, BaseStatus, Certificate, Role, User
from pilotbase.rules import is_staff_side

from ..models import (
    AssessmentState,
    NoticeEntry,
    NoticeEntryState,
    NoticeState,
    Objection,
    ObjectionState,
    PublicNotice,
)

PUBLIC_NOTICE_STATES = [NoticeState.PUBLISHED, NoticeState.CLOSED]


def notice_candidates(*, call: Call) -> QuerySet[Application]:
    """Applications of the call whose assessment passed and that wait for the list, best score first."""
    busy = NoticeEntry.objects.filter(state=NoticeEntryState.LISTED,
                                      notice__state__in=[NoticeState.DRAFT, NoticeState.PUBLISHED])
    return (
        Application.objects.filter(call=call, state=ApplicationState.UNDER_REVIEW,
                                   assessment__state=AssessmentState.PASSED)
        .exclude(pk__in=busy.values("application_id"))
        .select_related("applicant", "assessment")
        .order_by("-assessment__total_score", "id")
    )


def calls_with_candidates() -> QuerySet[Call]:
    return Call.objects.order_by("-year", "-id")


def _partners_prefetch(prefix: str = "application__") -> Prefetch:
    return Prefetch(f"{prefix}partners", queryset=Partner.objects.select_related("organization"))


def notices_public() -> QuerySet[PublicNotice]:
    """Every published or closed notice, of both kinds (the certification lists and the rounds' results)."""
    return (PublicNotice.objects.filter(state__in=PUBLIC_NOTICE_STATES).select_related("call")
            .annotate(entry_count=Count("entries", filter=~Q(entries__state=NoticeEntryState.REMOVED)))
            .order_by("-starts_on", "-id"))


def notice_public_get(pk: int) -> PublicNotice:
    try:
        return notices_public().get(pk=pk)
    except PublicNotice.DoesNotExist as exc:
        raise Http404 from exc


def notice_entries_public(notice: PublicNotice) -> QuerySet[NoticeEntry]:
    """What the public sees of the list: no objector, no score, removed entries left out."""
    return (notice.entries.exclude(state=NoticeEntryState.REMOVED)
            .select_related("application__applicant", "application__authority", "base__lead_unit")
            .prefetch_related(_partners_prefetch()))


def notices_for_staff() -> QuerySet[PublicNotice]:
    return PublicNotice.objects.select_related("call").annotate(
        entry_count=Count("entries", distinct=True),
        pending_objections=Count("entries__objections", filter=Q(entries__objections__state=ObjectionState.PENDING),
                                 distinct=True),
    )


def notice_for_staff(user: User, pk: int) -> PublicNotice:
    if not is_staff_side(user):
        raise Http404
    try:
        return notices_for_staff().get(pk=pk)
    except PublicNotice.DoesNotExist as exc:
        raise Http404 from exc


def notice_entries_staff(notice: PublicNotice) -> QuerySet[NoticeEntry]:
    return (notice.entries.select_related("application__applicant", "application__assessment",
                                          "application__base__certificate", "base__lead_unit")
            .prefetch_related(_partners_prefetch(),
                              Prefetch("objections", queryset=Objection.objects.order_by("created_at"))))


def objections_for_staff(*, state: str | None = None) -> QuerySet[Objection]:
    qs = Objection.objects.select_related("entry__notice", "entry__application", "entry__base", "handled_by")
    if state:
        qs = qs.filter(state=state)
    return qs.order_by("state", "created_at")


def objection_for_staff(user: User, pk: int) -> Objection:
    if not is_staff_side(user):
        raise Http404
    try:
        return objections_for_staff().get(pk=pk)
    except Objection.DoesNotExist as exc:
        raise Http404 from exc


def _bases_filter(qs: QuerySet[Base], filters: dict | None) -> QuerySet[Base]:
    """Search (name, lead or partner unit, certificate number) and city / industry / batch filters."""
    filters = filters or {}
    q = (filters.get("q") or "").strip()
    if q:
        hits = Q(name__icontains=q) | Q(lead_unit__name__icontains=q) | Q(certificate__number__icontains=q)
        qs = qs.filter(hits | Q(pk__in=Base.objects.filter(partner_units__name__icontains=q).values("pk")))
    for key in ("city", "industry", "batch", "state"):  # `state` only comes from the staff form
        if filters.get(key):
            qs = qs.filter(**{key: filters[key]})
    return qs


def _public_bases() -> QuerySet[Base]:
    return Base.objects.exclude(state=BaseStatus.REVOKED)


def bases_public(filters: dict | None = None) -> QuerySet[Base]:
    """Every certified base that is not revoked, newest first (the public 名单)."""
    qs = _public_bases().select_related("lead_unit")
    return _bases_filter(qs, filters).order_by("-certified_on", "batch", "id")


def bases_for_staff(filters: dict | None = None) -> QuerySet[Base]:
    qs = Base.objects.select_related("lead_unit", "certificate")
    return _bases_filter(qs, filters).order_by("-certified_on", "batch", "id")


def base_batches(*, public: bool) -> list[int]:
    """The batches the filter offers: on the public list only those with a base still certified."""
    qs = _public_bases() if public else Base.objects.all()
    return list(qs.order_by("batch").values_list("batch", flat=True).distinct())


def certificate_by_token(token) -> Certificate | None:
    """The certificate a QR code or 核验码 points to; None when there is none (the page says so)."""
    try:
        return Certificate.objects.select_related("base").filter(token=token).first()
    except (ValueError, ValidationError):
        return None


def certificate_can_download(user: User, certificate: Certificate, application: Application | None = None) -> bool:
    """Lead and partner units' applicant users, the recommending authority, the commissioned
    agency, department staff. Everyone else must not learn the certificate exists (404).
    `application` (the base's), when the caller holds it, saves looking it up."""
    if not user.is_authenticated:
        return False
    if is_staff_side(user):
        return True
    base = certificate.base
    org_id = user.organization_id
    if not org_id:
        return False
    if user.role == Role.APPLICANT:
        return base.lead_unit_id == org_id or base.partner_units.filter(pk=org_id).exists()
    application = application or Application.objects.filter(base=base).select_related(
        "assessment__commission").first()
    if application is None:
        return False
    if user.role == Role.AUTHORITY:
        return application.authority_id == org_id
    if user.role == Role.AGENCY:
        assessment = getattr(application, "assessment", None)
        return assessment is not None and assessment.commission.agency_id == org_id
    return False


def certificate_for_download(user: User, pk: int) -> Certificate:
    certificate = Certificate.objects.select_related("base").filter(pk=pk).first()
    if certificate is None or not certificate_can_download(user, certificate):
        raise Http404
    return certificate


def notice_objections(notice: PublicNotice) -> QuerySet[Objection]:
    """A notice's objections for staff (the objector's identity included), oldest first."""
    return (Objection.objects.filter(entry__notice=notice)
            .select_related("entry__application", "entry__base", "handled_by").order_by("created_at", "id"))


def department_counts() -> dict[str, int]:
    return {
        "running": PublicNotice.objects.filter(state=NoticeState.PUBLISHED).count(),
        "objections": Objection.objects.filter(state=ObjectionState.PENDING).count(),
    }
