"""Two staff certifying the same notice at the same moment (PostgreSQL: real row locks)."""

import threading
from datetime import date

import pytest
from django.db import connection

from pilotbase.models import Base, Certificate
from reviews.services import certification as svc

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def test_two_staff_certifying_at_once_never_duplicate(closed_notice, department_user, admin_user_persona):
    barrier = threading.Barrier(2)
    results: dict[str, list] = {}
    errors: list[BaseException] = []

    def certify(who, actor):
        try:
            barrier.wait(timeout=10)
            results[who] = [c.number for c in svc.certification_run(
                notice=closed_notice, actor=actor, certified_on=date(2026, 11, 28))]
        except BaseException as exc:  # reported below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=certify, args=(who, actor))
               for who, actor in (("a", department_user), ("b", admin_user_persona))]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert errors == []
    assert sorted(len(v) for v in results.values()) == [0, 2]
    numbers = list(Certificate.objects.order_by("sequence").values_list("number", flat=True))
    assert numbers == ["桂中试认〔2026〕第001号", "桂中试认〔2026〕第002号"]
    assert Base.objects.count() == 2
    assert Certificate.objects.values("base").distinct().count() == 2


def test_concurrent_sequences_are_distinct(db):
    """Sequence.next_value from many threads at once: no number twice."""
    from pilotbase.models import Sequence

    got: list[int] = []
    lock = threading.Lock()
    barrier = threading.Barrier(6)

    def take():
        barrier.wait(timeout=10)
        values = [Sequence.next_value("certificate-2099") for _ in range(5)]
        with lock:
            got.extend(values)
        connection.close()

    threads = [threading.Thread(target=take) for _ in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)
    assert sorted(got) == list(range(1, 31))
