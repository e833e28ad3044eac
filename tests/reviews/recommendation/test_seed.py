"""The demo seeder: 南宁 has pending, returned and forwarded applications; running twice changes nothing."""

import pytest

from pilotbase import registry
from pilotbase.demo import seed_core
from reviews.models import BatchState, FormalCheck, Recommendation, RecommendationBatch

pytestmark = pytest.mark.django_db


def test_seed_builds_the_authority_demo_and_is_idempotent():
    core = seed_core()
    for _order, _name, seeder in registry.seeders():
        if _order <= 20:
            seeder(core)
    bureau = core["bureaus"]["nanning"]
    states = sorted(Recommendation.objects.filter(authority=bureau).values_list("state", flat=True))
    assert states == ["forwarded", "forwarded", "pending", "pending", "returned"]
    assert RecommendationBatch.objects.get(authority=bureau).state == BatchState.SUBMITTED
    assert FormalCheck.objects.filter(application__authority=bureau, state="pending").count() == 2
    for _order, _name, seeder in registry.seeders():
        if _order <= 20:
            seeder(core)
    assert Recommendation.objects.filter(authority=bureau).count() == 5
