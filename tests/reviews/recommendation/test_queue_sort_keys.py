"""The queues' stored sort keys (reviews migration 0007): the triggers keep every copy equal to what it copies
whoever writes (a service's save, a bulk UPDATE, a stale instance saved later, rows made in any order), and on
PostgreSQL an index serves each queue's ORDER BY (no sort of the rows)."""

from datetime import timedelta

import pytest
from django.db import connection
from django.utils import timezone

from applications.models import Application, ApplicationState, Call
from pilotbase.models import Organization
from reviews.models import FormalCheck, FormalCheckState, Recommendation, RecommendationState
from reviews.models.recommendation import LAST_PRIORITY, NEVER
from reviews.selectors.recommendation import formal_check_queue, recommendation_queue
from tests import factories as f

pytestmark = pytest.mark.django_db


def _agree() -> None:
    """Every stored key equals the value it copies (read through the joins the queues sorted by before)."""
    for check in FormalCheck.objects.select_related("application__authority", "application__recommendation"):
        rec = getattr(check.application, "recommendation", None)
        assert (check.queue_pending, check.queue_authority, check.queue_priority, check.queue_applicant) == (
            int(check.state != FormalCheckState.PENDING), check.application.authority.name,
            LAST_PRIORITY if rec is None or rec.priority is None else rec.priority,
            check.application.applicant_id), check.pk
    for rec in Recommendation.objects.select_related("application__call"):
        assert (rec.queue_pending, rec.queue_deadline, rec.queue_submitted, rec.queue_applicant) == (
            int(rec.state != RecommendationState.PENDING), rec.application.call.recommendation_deadline,
            rec.application.submitted_at or NEVER, rec.application.applicant_id), rec.pk


@pytest.fixture
def rows(applicant, authority_org):
    """Three submitted applications of one call with a recommendation each and two with a formal check; the third
    check is made before its recommendation (the order a load or a seed may use)."""
    call, now = f.CallFactory(), timezone.now()
    apps = []
    for i in range(3):
        app = f.ApplicationFactory(call=call, applicant=applicant.organization, authority=authority_org)
        Application.objects.filter(pk=app.pk).update(state=ApplicationState.SUBMITTED,
                                                     submitted_at=now - timedelta(hours=i))
        apps.append(app)
    recs = [Recommendation.objects.create(application=a, authority=authority_org, priority=i + 1)
            for i, a in enumerate(apps[:2])]
    checks = [FormalCheck.objects.create(application=a) for a in apps]
    recs.append(Recommendation.objects.create(application=apps[2], authority=authority_org))
    return apps, recs, checks


def test_the_copies_follow_every_writer(rows, authority_org):
    apps, recs, checks = rows
    _agree()
    stale = FormalCheck.objects.get(pk=checks[0].pk)
    Organization.objects.filter(pk=authority_org.pk).update(name="北海市科学技术局")  # a bulk rename
    _agree()
    authority_org.refresh_from_db()
    authority_org.name = "桂林市科学技术局"
    authority_org.save()  # a rename through the model
    stale.opinion = "旧实例"
    stale.save()  # an instance read before both renames, saved with its old copy: recomputed
    _agree()
    Recommendation.objects.filter(pk=recs[0].pk).update(priority=5)
    recs[1].priority = None
    recs[1].save()
    recs[2].delete()
    _agree()
    other = f.AuthorityFactory(name="钦州市科学技术局")
    Application.objects.filter(pk=apps[1].pk).update(authority=other, submitted_at=timezone.now())
    Application.objects.filter(pk=apps[2].pk).update(applicant=f.ApplicantOrgFactory())  # the applicant's copy
    Call.objects.filter(pk=apps[0].call_id).update(recommendation_deadline=timezone.now() + timedelta(days=9))
    FormalCheck.objects.filter(pk=checks[1].pk).update(state=FormalCheckState.PASSED)
    Recommendation.objects.filter(pk=recs[0].pk).update(state=RecommendationState.RECOMMENDED)
    _agree()
    assert FormalCheck.objects.get(pk=checks[2].pk).queue_priority == LAST_PRIORITY


def test_a_rename_moves_the_checks_in_the_queue(rows, department_user):
    """The queue's order is the one the joined name gives (the database's own collation), before and after the
    other authority is renamed across the first."""
    other = f.AuthorityFactory(name="钦州市科学技术局")
    moved = f.ApplicationFactory(authority=other)
    Application.objects.filter(pk=moved.pk).update(state=ApplicationState.SUBMITTED, submitted_at=timezone.now())
    FormalCheck.objects.create(application=moved)
    joined = FormalCheck.objects.order_by("queue_pending", "application__authority__name", "queue_priority", "id")
    for name in ("钦州市科学技术局", "百色市科学技术局", "A 市科学技术局"):
        Organization.objects.filter(pk=other.pk).update(name=name)
        assert [c.pk for c in formal_check_queue(user=department_user)] == [c.pk for c in joined.all()]


SORT_FREE = ["SET LOCAL enable_seqscan = off", "SET LOCAL enable_sort = off"]


@pytest.mark.postgres
@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's plan")
def test_an_index_serves_each_queue_order(rows, authority_user, department_user):
    """With sorting priced out the plan reads the queue's index in order: an index matches the ORDER BY (no
    Sort node); the keyset's seek is that index's condition."""
    for qs, index in [(formal_check_queue(user=department_user), "formalcheck_queue"),
                      (formal_check_queue(user=department_user, state=FormalCheckState.PENDING), "formalcheck_queue"),
                      (recommendation_queue(user=authority_user), "recommendation_queue")]:
        with connection.cursor() as cursor:
            for statement in SORT_FREE:
                cursor.execute(statement)
            plan = qs[:20].explain()
        assert index in plan and "Sort" not in plan, plan
