"""`InSubquery`: an applicant's scope (its own applications or bases and those it is a partner of) finds the same
rows as `Q(pk__in=…)`, and on PostgreSQL both halves of the OR are index conditions, not a subplan tested on every
row (pilotbase/subqueries.py)."""

from datetime import date

import pytest
from django.db import connection
from django.db.models import Q

from applications.models import Application, Partner
from applications.selectors import applications_visible_to
from evaluations.selectors_bases import bases_visible_to
from pilotbase.models import Base
from pilotbase.subqueries import InSubquery
from tests import factories as f

pytestmark = pytest.mark.django_db


def _base(lead_unit) -> Base:
    return Base.objects.create(name=f"基地{lead_unit.pk}", lead_unit=lead_unit, city=f.city(),
                               industry=f.industry(), platform_type=f.platform_type(), batch=1,
                               certified_on=date(2025, 11, 28))


def _world():
    me, other, third = (f.ApplicantOrgFactory() for _ in range(3))
    user = f.ApplicantUserFactory(organization=me)
    own = f.ApplicationFactory(applicant=me)
    partnered = f.ApplicationFactory(applicant=other)
    Partner.objects.create(application=partnered, organization=me, role="检测")
    f.ApplicationFactory(applicant=other)
    f.ApplicationFactory(applicant=third)
    led, shared, foreign = _base(me), _base(other), _base(third)
    shared.partner_units.add(me)
    return user, {own.pk, partnered.pk}, {led.pk, shared.pk}, foreign


def test_in_subquery_finds_what_pk_in_finds():
    user, apps, bases, foreign = _world()
    partner_of = Partner.objects.filter(organization_id=user.organization_id).values("application_id")
    by_in = Application.objects.filter(Q(applicant_id=user.organization_id) | Q(pk__in=partner_of))
    assert set(applications_visible_to(user).values_list("pk", flat=True)) == apps == {a.pk for a in by_in}
    assert set(bases_visible_to(user).values_list("pk", flat=True)) == bases
    assert set(Base.objects.filter(InSubquery("pk", Base.ids_of_unit(user.organization_id)))
               .values_list("pk", flat=True)) == bases
    assert foreign.pk not in set(Base.ids_of_unit(user.organization_id).values_list("pk", flat=True))


def test_no_partnership_leaves_the_own_rows():
    me = f.ApplicantOrgFactory()
    user = f.ApplicantUserFactory(organization=me)
    own = f.ApplicationFactory(applicant=me)
    f.ApplicationFactory()
    assert list(applications_visible_to(user).values_list("pk", flat=True)) == [own.pk]


def _plan(qs) -> str:
    sql, params = qs.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")  # the test tables are tiny
        cursor.execute(f"EXPLAIN {sql}", params)
        return "\n".join(row[0] for row in cursor.fetchall())


@pytest.mark.postgres
def test_the_applicant_scope_ors_two_index_scans_on_postgres():
    user, *_ = _world()
    plan = _plan(applications_visible_to(user).only("pk"))
    assert "BitmapOr" in plan, plan
    assert "hashed SubPlan" not in plan and "= ANY ($0)" in plan.replace("'", ""), plan


def test_head_and_count_reads_the_first_rows_and_the_total_of_every_match(django_assert_num_queries):
    """A panel's head and total in one query (`CountOf`): the total is of every row the filter matches, whatever
    the slice, the joins or a DISTINCT; an empty head has the total 0."""
    from pilotbase.dashboard import head_and_count

    user, mine, _bases, _foreign = _world()
    for _ in range(3):
        f.ApplicationFactory(applicant=user.organization)
    qs = applications_visible_to(user).select_related("call", "applicant").order_by("-id")
    with django_assert_num_queries(1):
        head, total = head_and_count(qs, n=2)
    assert total == len(mine) + 3 == qs.count()
    assert [a.pk for a in head] == list(qs.values_list("pk", flat=True)[:2])
    # a join that repeats rows, made DISTINCT: counted once each
    partnered = Application.objects.filter(Q(applicant=user.organization) | Q(partners__organization=user.organization))
    assert head_and_count(partnered.distinct(), n=1)[1] == partnered.distinct().count() == total
    assert head_and_count(qs.filter(pk=0)) == ([], 0)


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the plan is PostgreSQL's")
def test_count_of_is_computed_once_not_a_window_over_the_joined_rows():
    from pilotbase.subqueries import CountOf

    user, *_ = _world()
    qs = applications_visible_to(user).select_related("call", "applicant").order_by("-id")
    sql, params = qs.annotate(n=CountOf(qs))[:5].query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN " + sql, params)
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert "InitPlan" in plan and "WindowAgg" not in plan, plan
