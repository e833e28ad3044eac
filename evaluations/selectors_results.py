"""The public's reads of a round's results: only rounds published (or closed since); any other round does not
exist for the public (404).

The results are the `EvaluationResult` rows the publication wrote (source=evaluated, the round's year) for the
bases the round included: what was published, whatever later happens to a base (a base revoked afterwards keeps
its published grade). A total is read only when the round publishes its scores (`scores_public`, default off);
nothing here names an expert, a comment or a reason.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db.models import Count, Q, QuerySet
from django.http import Http404
from django.utils import timezone

from pilotbase.models import TransitionLog

from .models import EvaluationResult, EvaluationRound, Grade, ResultSource, RoundState
from .models.scoring import Evaluation

PUBLIC_STATES = (RoundState.PUBLISHED, RoundState.CLOSED)
GRADE_ORDER = [Grade.EXCELLENT, Grade.GOOD, Grade.PASS, Grade.RECTIFY, Grade.FAIL]
_RANK = {g.value: i for i, g in enumerate(GRADE_ORDER)}


def rounds_published() -> QuerySet[EvaluationRound]:
    """Every published or closed round, the latest year first, with the number of bases it evaluated."""
    return (
        EvaluationRound.objects.filter(state__in=PUBLIC_STATES)
        .annotate(base_count=Count("round_bases", filter=Q(round_bases__included=True)))
        .order_by("-year")
    )


def round_published_get(year: int) -> EvaluationRound:
    try:
        return EvaluationRound.objects.filter(state__in=PUBLIC_STATES).get(year=year)
    except EvaluationRound.DoesNotExist as exc:
        raise Http404 from exc


@dataclass(frozen=True)
class ResultRow:
    no: int
    base_name: str
    lead_unit: str
    city: str
    grade: str
    grade_label: Any
    total: Decimal | None


@dataclass(frozen=True)
class PublishedResults:
    round: EvaluationRound
    rows: list[ResultRow]
    counts: list[tuple[str, Any, int]]  # (grade, label, count) for every grade, in the bands' order
    published_on: date | None
    scores_public: bool

    @property
    def digest(self) -> str:
        """Changes with anything the announcement prints: the cache key of its PDF."""
        text = repr(
            (
                self.round.pk,
                self.round.year,
                self.round.title,
                str(self.round.state),
                self.published_on,
                self.scores_public,
                [(r.no, r.base_name, r.lead_unit, r.city, r.grade, r.total) for r in self.rows],
            )
        )
        return hashlib.sha256(text.encode()).hexdigest()[:24]


def _published_on(rnd: EvaluationRound) -> date | None:
    at = (
        TransitionLog.objects.filter(
            record_type=ContentType.objects.get_for_model(EvaluationRound),
            record_id=rnd.pk,
            transition="publish",
        )
        .order_by("-at")
        .values_list("at", flat=True)
        .first()
    )
    return timezone.localdate(at) if at else None


def published_results(rnd: EvaluationRound) -> PublishedResults:
    """The round's published table, sorted by grade (优秀 first) then base name; three queries whatever the size."""
    results = (
        EvaluationResult.objects.filter(
            year=rnd.year,
            source=ResultSource.EVALUATED,
            base__round_entries__round=rnd,
            base__round_entries__included=True,
        )
        .select_related("base__lead_unit", "base__city")
        .only("grade", "base__name", "base__lead_unit__name", "base__city__name")
    )
    totals: dict[int, Decimal | None] = {}
    if rnd.scores_public:
        totals = dict(Evaluation.objects.filter(round=rnd).values_list("base_id", "total"))
    ordered = sorted(results, key=lambda r: (_RANK.get(r.grade, len(_RANK)), r.base.name))
    rows = [
        ResultRow(
            no=i,
            base_name=r.base.name,
            lead_unit=r.base.lead_unit.name,
            city=r.base.city.name,
            grade=r.grade,
            grade_label=Grade(r.grade).label,  # lazy: the reader's language, or the PDF's
            total=totals.get(r.base_id) if rnd.scores_public else None,
        )
        for i, r in enumerate(ordered, start=1)
    ]
    counts = [(g.value, g.label, sum(1 for r in rows if r.grade == g)) for g in GRADE_ORDER]
    return PublishedResults(
        round=rnd, rows=rows, counts=counts, published_on=_published_on(rnd), scores_public=rnd.scores_public
    )
