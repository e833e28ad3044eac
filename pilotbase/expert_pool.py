"""The expert pool (专家库) as the facts the panel draw reads (`pilotbase.panels`): one query for any stage."""

from __future__ import annotations

from django.db.models import QuerySet

from .models import ExpertProfile
from .panels import ExpertFacts


def expert_facts(*, pool: QuerySet[ExpertProfile] | None = None) -> list[ExpertFacts]:
    """Every active expert (or those of `pool`) with kind, organisation, industries, declared conflicts and
    availability; three queries whatever the size of the pool."""
    pool = pool if pool is not None else ExpertProfile.objects.filter(user__is_active=True)
    pool = pool.select_related("user").prefetch_related("industries", "conflicts")
    return [
        ExpertFacts(
            id=e.pk,
            kind=e.kind,
            organization_id=e.user.organization_id,
            industries=frozenset(i.pk for i in e.industries.all()),
            conflicts=frozenset(o.pk for o in e.conflicts.all()),
            available=e.available,
        )
        for e in pool
    ]
