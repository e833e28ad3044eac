from datetime import date, timedelta

import pytest

from applications.models import ApplicationState
from pilotbase.models import Notification
from pilotbase.workflow import WorkflowError, transition_run
from reviews.models import NoticeEntryState, NoticeState
from reviews.services import certification as svc

from .conftest import MONDAY, objection

pytestmark = pytest.mark.django_db


def test_notice_create_lists_ranked_entries_and_computes_end(draft_notice, app_a, app_b):
    assert draft_notice.state == NoticeState.DRAFT
    assert draft_notice.ends_on == date(2026, 11, 9)
    assert list(draft_notice.entries.values_list("application_id", "order")) == [(app_a.pk, 1), (app_b.pk, 2)]


def test_notice_create_refuses_application_without_passed_assessment(call, app_a, department_user):
    transition_run(instance=app_a.assessment, name="reopen", actor=department_user)  # 退回重新评估
    with pytest.raises(WorkflowError) as exc:
        svc.notice_create(call=call, applications=[app_a], title="t", body="", starts_on=MONDAY,
                          actor=department_user)
    assert str(exc.value) == "“广西新材料科技成果转化中试研究基地”尚未通过评估论证，不能列入公示名单。"


def test_notice_create_refuses_application_already_on_a_running_notice(draft_notice, call, app_a, department_user):
    with pytest.raises(WorkflowError) as exc:
        svc.notice_create(call=call, applications=[app_a], title="t", body="", starts_on=MONDAY,
                          actor=department_user)
    assert str(exc.value) == "“广西新材料科技成果转化中试研究基地”已在另一份未结束的公示中。"


def test_notice_create_refuses_empty_list(call, department_user):
    with pytest.raises(WorkflowError):
        svc.notice_create(call=call, applications=[], title="t", body="", starts_on=MONDAY, actor=department_user)


def test_notice_publish_puts_applications_on_notice_and_tells_stakeholders(
        personas, published_notice, app_a):
    assert published_notice.state == NoticeState.PUBLISHED
    app_a = type(app_a).objects.get(pk=app_a.pk)
    assert app_a.state == ApplicationState.ON_NOTICE
    kinds = set(Notification.objects.filter(kind="certification.notice_published")
                .values_list("recipient__username", flat=True))
    assert kinds == {"applicant", "other_applicant", "authority", "other_authority", "agency"}


def test_notice_publish_twice_is_refused(published_notice, department_user):
    with pytest.raises(WorkflowError):
        svc.notice_publish(notice=published_notice, actor=department_user)


def test_notice_publish_by_applicant_is_refused(draft_notice, applicant):
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        svc.notice_publish(notice=draft_notice, actor=applicant)


@pytest.mark.parametrize(("state", "day", "pending", "error"), [
    ("draft", 0, False, "当前状态“拟公示”下不能执行“结束公示”。"),
    ("published", -1, False, "公示期至2026年11月6日截止，2026年11月9日起方可结束公示。"),
    ("published", 0, True, "暂不能执行“结束公示”：尚有异议未处理，请先处理异议再结束公示。"),
    ("published", 0, False, None),
    ("published", 3, False, None),
])
def test_notice_close_state_table(request, department_user, state, day, pending, error):
    notice = request.getfixturevalue("draft_notice" if state == "draft" else "published_notice")
    if pending:
        objection(notice.entries.first())
    today = notice.ends_on + timedelta(days=day)
    if error:
        with pytest.raises(WorkflowError) as exc:
            svc.notice_close(notice=notice, actor=department_user, today=today)
        assert str(exc.value) == error
        assert type(notice).objects.get(pk=notice.pk).state == state
    else:
        closed = svc.notice_close(notice=notice, actor=department_user, today=today)
        assert closed.state == NoticeState.CLOSED


def test_notice_close_after_objection_handled(published_notice, department_user):
    obj = objection(published_notice.entries.first())
    svc.objection_dismiss(objection=obj, actor=department_user, resolution="经核查，中试线已建成。")
    closed = svc.notice_close(notice=published_notice, actor=department_user, today=published_notice.ends_on)
    assert closed.state == NoticeState.CLOSED
    assert published_notice.entries.filter(state=NoticeEntryState.LISTED).count() == 2
