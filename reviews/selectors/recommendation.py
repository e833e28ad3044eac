"""Reads of 初审推荐 and 形式审查, scoped to the user; each list is a fixed number of queries."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from django.db.models import Count, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.shortcuts import get_object_or_404

from applications.models import Application, ApplicationState, Call, Snapshot
from applications.search import application_search
from pilotbase.models import Industry
from pilotbase.rules import is_authority, is_staff_side

from ..models import (
    BatchState,
    FormalCheck,
    FormalCheckState,
    Recommendation,
    RecommendationBatch,
    RecommendationState,
)

# ---- the authority's queue ------------------------------------------------------------------------
_REC_RELATED = ("application", "application__applicant", "application__call", "batch")


def recommendations_visible_to(user: Any) -> QuerySet[Recommendation]:
    """An authority sees its own applicants' reviews; department staff see all (read only)."""
    qs = Recommendation.objects.select_related(*_REC_RELATED)
    if is_authority(user):
        return qs.filter(authority_id=user.organization_id)
    if is_staff_side(user):
        return qs
    return qs.none()


def recommendation_queue(
    *, user: Any, state: str = "", call_id: int | None = None, q: str = ""
) -> QuerySet[Recommendation]:
    """The authority's 初审 queue: pending first, then by the call's deadline and submission time. The keys are
    the row's stored copies (Recommendation.queue_*) under the index `recommendation_queue`: page 1 and a page
    seeking from its link read their 20 rows in the index's order, with no sort of the authority's rows."""
    qs = Recommendation.objects.select_related(*_REC_RELATED)
    qs = qs.filter(authority_id=user.organization_id) if is_authority(user) else qs.none()
    qs = _filter(qs, state=state, call_id=call_id, q=q)
    return qs.order_by("queue_pending", "queue_deadline", "queue_submitted", "id")


def _filter(qs: QuerySet, *, state: str, call_id: int | None, q: str, prefix: str = "") -> QuerySet:
    if state:
        qs = qs.filter(state=state)
    if call_id:
        qs = qs.filter(**{f"{prefix}application__call_id": call_id})
    return application_search(qs, q, prefix=f"{prefix}application__", applicant=f"{prefix}queue_applicant")


def recommendation_counts(*, user: Any, call_id: int | None = None) -> dict[str, int]:
    """Counts per state for the queue's tabs (one query)."""
    qs = Recommendation.objects.filter(authority_id=user.organization_id) if is_authority(user) else Recommendation.objects.none()
    if call_id:
        qs = qs.filter(application__call_id=call_id)
    counts = {s: 0 for s in RecommendationState.values}
    for row in qs.values("state").annotate(n=Count("id")).order_by():
        counts[row["state"]] = row["n"]
    counts["all"] = sum(counts.values())
    return counts


def recommendations_pending(*, user: Any) -> QuerySet[Recommendation]:
    """What the authority still has to review: pending, the application still submitted, in the queue's order
    (the dashboard's panel and its total)."""
    return recommendation_queue(user=user, state=RecommendationState.PENDING).filter(
        application__state=ApplicationState.SUBMITTED)


def pending_count(*, user: Any) -> int:
    return recommendations_pending(user=user).count()


def recommendation_for_user(*, user: Any, pk: int) -> Recommendation:
    return get_object_or_404(recommendations_visible_to(user), pk=pk)


# ---- the batch ------------------------------------------------------------------------------------
def batches_visible_to(user: Any) -> QuerySet[RecommendationBatch]:
    qs = RecommendationBatch.objects.select_related("call", "authority")
    if is_authority(user):
        return qs.filter(authority_id=user.organization_id)
    if is_staff_side(user):
        return qs.filter(state=BatchState.SUBMITTED)
    return qs.none()


def batch_for_user(*, user: Any, pk: int) -> RecommendationBatch:
    """The batch with its recommendations in priority order (prefetched, with their applications)."""
    ordered = Recommendation.objects.select_related("application", "application__applicant").order_by(
        "priority", "id")
    qs = batches_visible_to(user).prefetch_related(Prefetch("recommendations", queryset=ordered, to_attr="ordered"))
    return get_object_or_404(qs, pk=pk)


def batches_waiting(*, user: Any) -> list[RecommendationBatch]:
    """The authority's open batches with applications recommended but not yet sent (one query): the queue says so
    and links to each, so a 拟推荐 made after a batch was sent is not forgotten."""
    if not is_authority(user):
        return []
    return list(RecommendationBatch.objects.filter(authority_id=user.organization_id, state=BatchState.DRAFT)
                .select_related("call")
                .annotate(n_waiting=Count("recommendations",
                                          filter=Q(recommendations__state=RecommendationState.RECOMMENDED)))
                .filter(n_waiting__gt=0).order_by("call__recommendation_deadline", "id"))


def batch_list(*, user: Any) -> QuerySet[RecommendationBatch]:
    return batches_visible_to(user).annotate(
        n_recommended=Count("recommendations", filter=Q(recommendations__state=RecommendationState.RECOMMENDED)),
        n_forwarded=Count("recommendations", filter=Q(recommendations__state=RecommendationState.FORWARDED)),
    ).order_by("-call__recommendation_deadline", "id")


def summary_rows(batch: RecommendationBatch) -> list[dict[str, Any]]:
    """Rows of the 推荐汇总表 in priority order (uses the prefetched list when present)."""
    recs = getattr(batch, "ordered", None)
    if recs is None:
        recs = list(batch.recommendations.select_related("application", "application__applicant")
                    .order_by("priority", "id"))
    rows = []
    for i, rec in enumerate((r for r in recs if r.state in {RecommendationState.RECOMMENDED,
                                                          RecommendationState.FORWARDED}), start=1):
        app = rec.application
        rows.append({"no": i, "acceptance_no": app.acceptance_no or "", "name": app.name,
                     "applicant": app.applicant.name, "industry": str(app.industry or ""), "opinion": rec.opinion})
    return rows


EXPORT_CHUNK = 2000  # rows fetched per round trip of an export (a server-side cursor on PostgreSQL)


def _labels(choices) -> dict[str, str]:
    return {value: str(label) for value, label in choices}


def recommendation_export_rows(qs: QuerySet[Recommendation]) -> Iterator[list[Any]]:
    """The authority's queue export, streamed as plain columns (no instances, one query): each cell what the
    row of instances gave (industry through ``ReferenceItem.display``, the state's label)."""
    states, ref = _labels(RecommendationState.choices), Industry.display
    columns = qs.values_list("application__acceptance_no", "application__name", "application__applicant__name",
                             "application__industry__name", "application__industry__name_en",
                             "application__call__title", "application__submitted_at", "state", "priority",
                             "opinion", "application__call__recommendation_deadline")
    for acc, name, unit, industry, industry_en, call, submitted, state, priority, opinion, deadline in (
            columns.iterator(chunk_size=EXPORT_CHUNK)):
        yield [acc or "", name, unit, ref(industry, industry_en), call, submitted, states.get(state, state),
               priority, opinion, deadline]


def formal_check_export_rows(qs: QuerySet[FormalCheck]) -> Iterator[list[Any]]:
    """The formal-check queue export (department-wide), streamed as `recommendation_export_rows` is."""
    states, ref = _labels(FormalCheckState.choices), Industry.display
    columns = qs.values_list("application__acceptance_no", "application__name", "application__applicant__name",
                             "application__authority__name", "application__recommendation__priority",
                             "application__industry__name", "application__industry__name_en",
                             "application__call__title", "state", "opinion", "checked_at")
    for acc, name, unit, authority, priority, industry, industry_en, call, state, opinion, checked in (
            columns.iterator(chunk_size=EXPORT_CHUNK)):
        yield [acc or "", name, unit, authority, priority, ref(industry, industry_en), call,
               states.get(state, state), opinion, checked]


# ---- 形式审查 ------------------------------------------------------------------------------------
def formal_checks_visible_to(user: Any) -> QuerySet[FormalCheck]:
    qs = FormalCheck.objects.select_related(
        "application", "application__applicant", "application__authority", "application__call"
    )
    return qs if is_staff_side(user) else qs.none()


def formal_check_queue(*, user: Any, state: str = "", call_id: int | None = None, q: str = "") -> QuerySet[FormalCheck]:
    """The department's 形式审查 queue: pending first, then by the authority's name and the batch priority (a
    check without one last). The keys are the row's stored copies (FormalCheck.queue_*) under the index
    `formalcheck_queue`: a page reads its 20 rows in the index's order instead of sorting every check."""
    qs = _filter(formal_checks_visible_to(user), state=state, call_id=call_id, q=q)
    return qs.order_by("queue_pending", "queue_authority", "queue_priority", "id")


def formal_check_counts(*, user: Any) -> dict[str, int]:
    counts = {s: 0 for s in FormalCheckState.values}
    for row in formal_checks_visible_to(user).values("state").annotate(n=Count("id")).order_by():
        counts[row["state"]] = row["n"]
    counts["all"] = sum(counts.values())
    return counts


def formal_check_for_user(*, user: Any, pk: int) -> FormalCheck:
    return get_object_or_404(formal_checks_visible_to(user), pk=pk)


# ---- what changed ---------------------------------------------------------------------------------
def what_changed(recommendation: Recommendation) -> list[dict[str, Any]] | None:
    """What the applicant changed between the version the authority returned and the latest one, per section
    (applications.snapshots.snapshot_changes: fields, table rows, attachments); None when not a resubmission."""
    from applications.selectors import snapshot_changes

    if recommendation.returned_version is None:
        return None
    snaps = dict(Snapshot.objects.filter(application_id=recommendation.application_id)
                 .filter(Q(version=recommendation.returned_version)
                         | Q(version=Snapshot.objects.filter(application_id=recommendation.application_id)
                             .order_by("-version").values("version")[:1]))
                 .values_list("version", "data"))
    old = snaps.get(recommendation.returned_version)
    latest = max(snaps, default=None)
    if old is None or latest is None or latest <= recommendation.returned_version:
        return None
    return snapshot_changes(old, snaps[latest])


def attachment_links(application: Application) -> list[dict[str, str]]:
    """Attachments with the applications app's access-checked download URL."""
    from django.urls import reverse

    return [{"name": att.original_name, "kind": att.kind, "size": att.size,
             "url": reverse("applications:attachment", args=[application.pk, att.pk])}
            for att in application.attachments.select_related("requirement").all()]


# ---- 推荐汇总表 ----------------------------------------------------------------------------------
SUMMARY_HEADERS = ["序号", "受理编号", "基地名称", "申报单位", "产业领域", "初审意见"]


def _summary_title(batch: RecommendationBatch) -> str:
    return f"{batch.call.title} 推荐汇总表"


def summary_xlsx(batch: RecommendationBatch) -> bytes:
    """The summary as Excel: title row, authority line, header, one row per application in priority order."""
    from pilotbase.documents import official_language
    from pilotbase.xlsx import xlsx_bytes

    with official_language():  # an official document: Chinese names whatever the reader's language
        rows = summary_rows(batch)
    return xlsx_bytes(
        title="推荐汇总表", heading=[_summary_title(batch), f"推荐单位：{batch.authority.name}"],
        headers=SUMMARY_HEADERS, widths=(6, 20, 40, 32, 16, 60), wrap=(5,),
        rows=([r["no"], r["acceptance_no"], r["name"], r["applicant"], r["industry"], r["opinion"]] for r in rows))


def summary_pdf(batch: RecommendationBatch) -> bytes:
    """The summary as an official-looking PDF (red title, seal area, page numbers)."""
    from django.utils import timezone

    from pilotbase.documents import html_to_pdf, official_language

    with official_language():  # an official document: Chinese names whatever the reader's language
        rows = summary_rows(batch)
    return html_to_pdf("reviews/recommendation/summary_pdf.html", {
        "batch": batch, "title": _summary_title(batch), "rows": rows, "headers": SUMMARY_HEADERS,
        "today": timezone.localdate(),
    })


def _calls_having(rows: QuerySet) -> QuerySet[Call]:
    """The calls of which `rows` (filtered by `call=OuterRef("pk")`) holds one at least: a queue's call filter. A
    probe per call that stops at its first row, by the applications' call index; a DISTINCT over the join read
    and de-duplicated every row (the formal-check queue's 8,900 checks: 86 → 14 ms)."""
    return Call.objects.alias(first=Subquery(rows.values("pk")[:1])).filter(first__isnull=False)


def calls_of_authority(user: Any) -> QuerySet[Call]:
    """The authority queue's call filter: the calls its applicants applied to."""
    return _calls_having(Application.objects.filter(call=OuterRef("pk"), authority_id=user.organization_id))


def calls_with_formal_checks() -> QuerySet[Call]:
    """The formal-check queue's call filter: the calls any check belongs to."""
    return _calls_having(FormalCheck.objects.filter(application__call=OuterRef("pk")))
