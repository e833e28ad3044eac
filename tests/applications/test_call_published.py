"""Publishing a call tells every applicant unit once; the applicant's dashboard lists open calls with days left."""

from datetime import timedelta

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from applications import hooks, services
from applications.models import Call
from applications.services import call_publish
from pilotbase.models import Delivery, Notification
from pilotbase.workflow import WorkflowError
from tests import factories as f
from tests.clock import local_noon

from .conftest import attach_all

pytestmark = pytest.mark.django_db


def test_publishing_tells_every_applicant_user_by_bell_and_mail_after_commit(
        applicant, other_applicant, authority_user, department_user, django_capture_on_commit_callbacks):
    inactive = f.ApplicantUserFactory(organization=applicant.organization, is_active=False)
    call = f.CallFactory(published=False, title="2026年度中试基地建设申报")
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        call_publish(call=call, actor=department_user)
    assert mail.outbox == []  # nothing leaves before the commit
    for callback in callbacks:
        callback()
    notes = Notification.objects.filter(kind="call.published").order_by("recipient_id")
    assert [n.recipient for n in notes] == sorted([applicant, other_applicant], key=lambda u: u.pk)
    assert inactive not in [n.recipient for n in notes] and authority_user not in [n.recipient for n in notes]
    assert {n.url for n in notes} == {reverse("applications:call_detail", args=[call.pk])}
    assert sorted(m.to[0] for m in mail.outbox) == sorted([applicant.email, other_applicant.email])
    assert mail.outbox[0].subject == "【广西科技成果转化中试研究基地管理平台】申报通知：2026年度中试基地建设申报"
    assert "请对照建设指南准备申报材料" in mail.outbox[0].body


def test_publishing_twice_tells_nobody_twice(applicant, department_user, django_capture_on_commit_callbacks):
    call = f.CallFactory(published=False)
    with django_capture_on_commit_callbacks(execute=True):
        call_publish(call=call, actor=department_user)
    with pytest.raises(WorkflowError), django_capture_on_commit_callbacks(execute=True):
        call_publish(call=call, actor=department_user)  # a retried POST: the call is no longer a draft
    assert Notification.objects.filter(kind="call.published").count() == 1
    assert Delivery.objects.count() == len(mail.outbox) == 1


def test_refused_publish_tells_nobody(applicant, department_user):
    call = f.CallFactory(published=False, recommendation_deadline=timezone.now())  # before the closing date
    with pytest.raises(WorkflowError):
        call_publish(call=call, actor=department_user)
    assert Notification.objects.count() == 0


# ---- the applicant's dashboard ---------------------------------------------------------------------------
def test_applicant_dashboard_lists_open_calls_with_days_left(login, applicant, department_user):
    open_call = call_publish(call=f.CallFactory(published=False, title="开放中的批次",
                                                closes_at=local_noon(9)),
                             actor=department_user)
    f.CallFactory(published=False, title="草稿批次")
    html = login(applicant).get(reverse("dashboard")).content.decode()
    assert "开放中的申报批次（截止时间）" in html
    assert f'<a href="{reverse("applications:call_detail", args=[open_call.pk])}">开放中的批次（还剩 9 天）</a>' in html
    assert "草稿批次" not in html


def test_applicant_dashboard_without_open_calls_says_so(login, applicant):
    html = login(applicant).get(reverse("dashboard")).content.decode()
    assert "目前没有开放的申报批次。新批次发布时会通知您。" in html


def test_call_closing_today_says_today(login, applicant, department_user):
    soon = timezone.localtime().replace(hour=23, minute=59, second=0)
    if soon <= timezone.now() + timedelta(minutes=1):
        pytest.skip("too close to midnight")
    call_publish(call=f.CallFactory(published=False, title="今天截止的批次", closes_at=soon), actor=department_user)
    assert "今天截止的批次（今天截止）" in login(applicant).get(reverse("dashboard")).content.decode()


@pytest.mark.parametrize("n", [1, 3])
def test_applicant_dashboard_queries(login, applicant, department_user, django_assert_num_queries, n):
    for _ in range(n):
        call_publish(call=f.CallFactory(published=False), actor=department_user)
    client = login(applicant)
    client.get(reverse("dashboard"))  # warm the session
    # Same with 1 or 3 open calls; beyond the calls: reports to file, service requests, the grant, money owed.
    with django_assert_num_queries(9):
        client.get(reverse("dashboard"))


def test_open_calls_panel_counts_calls_and_lists_submitted_per_call(department_user, applicant):
    now = timezone.now()
    first = f.CallFactory(title="2026年第一批")
    f.CallFactory(title="2026年第二批")
    Call.objects.filter(pk__in=[c.pk for c in Call.objects.all()]).update(
        opens_at=now - timedelta(days=1), closes_at=now + timedelta(days=10))
    for _i in range(3):
        unit = f.ApplicantUserFactory(organization=f.ApplicantOrgFactory())
        app = f.ApplicationFactory(call=first, applicant=unit.organization)
        attach_all(app, unit)
        services.application_submit(application=app, actor=unit)
    panel = hooks.department_calls_panel(department_user)
    assert panel.count == 2
    labels = [i["label"] for i in panel.items]
    assert "2026年第一批：已提交 3 份" in labels and "2026年第二批：已提交 0 份" in labels
