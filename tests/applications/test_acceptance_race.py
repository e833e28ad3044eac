"""Two submissions at the same moment never get the same acceptance number (PostgreSQL row locks)."""

import threading

import pytest
from django.db import connection

from applications import services
from applications.models import Application
from tests import factories as f
from tests.applications.conftest import attach_all

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def test_acceptance_numbers_unique_when_two_submissions_race():
    call = f.CallFactory()
    pairs = []
    for _ in range(2):
        user = f.ApplicantUserFactory()
        app = f.ApplicationFactory(call=call, applicant=user.organization)
        attach_all(app, user)
        pairs.append((app.pk, user))
    barrier = threading.Barrier(2)
    errors: list[BaseException] = []

    def submit(pk, user):
        try:
            app = Application.objects.get(pk=pk)
            barrier.wait(timeout=10)
            services.application_submit(application=app, actor=user)
        except BaseException as exc:  # surfaced in the main thread
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=submit, args=pair) for pair in pairs]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)
    assert errors == []
    numbers = sorted(Application.objects.filter(call=call).values_list("acceptance_no", flat=True))
    assert numbers == [f"ZS{call.year}-0001", f"ZS{call.year}-0002"]
