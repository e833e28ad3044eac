"""State tables of the authority's decisions: allowed from which state, refused otherwise."""

import pytest
from django.core.exceptions import PermissionDenied

from applications.models import ApplicationState
from pilotbase.models import Notification
from pilotbase.workflow import StaleState, WorkflowError
from reviews.models import RecommendationState
from reviews.services import recommendation as svc

from .conftest import rec_of

pytestmark = pytest.mark.django_db

S = RecommendationState


def bring_to(rec, state, user):
    """Move a pending recommendation to `state` through the services."""
    if state == S.RECOMMENDED:
        svc.recommendation_recommend(recommendation=rec, actor=user, opinion="同意")
    elif state == S.RETURNED:
        svc.recommendation_return(recommendation=rec, actor=user, opinion="请补充")
    elif state == S.DECLINED:
        svc.recommendation_decline(recommendation=rec, actor=user, reason="不符合条件")
    return rec_of(rec.application)


LABEL = {S.PENDING: "待审核", S.RECOMMENDED: "拟推荐", S.RETURNED: "已退回", S.DECLINED: "不予推荐"}


def run(action, rec, user):
    if action == "recommend":
        return svc.recommendation_recommend(recommendation=rec, actor=user, opinion="同意推荐")
    if action == "return":
        return svc.recommendation_return(recommendation=rec, actor=user, opinion="请补充材料")
    if action == "decline":
        return svc.recommendation_decline(recommendation=rec, actor=user, reason="不符合条件")
    return svc.recommendation_reconsider(recommendation=rec, actor=user)


ACTION_LABEL = {"recommend": "拟推荐", "return": "退回修改", "decline": "不予推荐", "reconsider": "撤销拟推荐"}
ALLOWED = {"recommend": S.PENDING, "return": S.PENDING, "decline": S.PENDING, "reconsider": S.RECOMMENDED}
RESULT = {"recommend": (S.RECOMMENDED, ApplicationState.RECOMMENDED), "return": (S.RETURNED, ApplicationState.RETURNED),
          "decline": (S.DECLINED, ApplicationState.DECLINED), "reconsider": (S.PENDING, ApplicationState.SUBMITTED)}


@pytest.mark.parametrize("action", list(ALLOWED))
@pytest.mark.parametrize("start", [S.PENDING, S.RECOMMENDED, S.RETURNED, S.DECLINED])
def test_decision_state_table(rec, authority_user, action, start):
    rec = bring_to(rec, start, authority_user)
    if start == ALLOWED[action]:
        run(action, rec, authority_user)
        rec = rec_of(rec.application)
        assert (rec.state, rec.application.state) == RESULT[action]
    else:
        with pytest.raises(WorkflowError) as exc:
            run(action, rec, authority_user)
        assert str(exc.value) == f"当前状态“{LABEL[start]}”下不能执行“{ACTION_LABEL[action]}”。"
        assert rec_of(rec.application).state == start


@pytest.mark.parametrize("action", ["recommend", "return", "decline"])
def test_decision_refused_after_forwarding(forwarded, authority_user, action):
    with pytest.raises(WorkflowError) as exc:
        run(action, forwarded, authority_user)
    assert str(exc.value) == f"当前状态“已报送”下不能执行“{ACTION_LABEL[action]}”。"


@pytest.mark.parametrize("action", ["recommend", "return", "decline"])
def test_decision_by_other_authority_is_denied(rec, other_authority_user, action):
    with pytest.raises(PermissionDenied):
        run(action, rec, other_authority_user)
    assert rec_of(rec.application).state == S.PENDING


def test_decision_with_stale_state_says_someone_was_faster(rec, authority_user):
    svc.recommendation_recommend(recommendation=rec, actor=authority_user, opinion="同意")
    with pytest.raises(StaleState) as exc:
        svc.recommendation_decline(recommendation=rec, actor=authority_user, reason="x", expected_state=S.PENDING)
    assert str(exc.value) == "该记录已被他人处理（当前状态：拟推荐），请刷新页面后再操作。"


@pytest.mark.parametrize("action", ["recommend", "return", "decline"])
def test_decision_without_opinion_is_refused(rec, authority_user, action):
    kwargs = {"reason": " "} if action == "decline" else {"opinion": ""}
    service = {"recommend": svc.recommendation_recommend, "return": svc.recommendation_return,
               "decline": svc.recommendation_decline}[action]
    with pytest.raises(WorkflowError):
        service(recommendation=rec, actor=authority_user, **kwargs)


def test_recommend_puts_the_application_last_in_the_batch(submitted, authority_user):
    recs = [submitted() for _ in range(3)]
    for r in recs:
        svc.recommendation_recommend(recommendation=r, actor=authority_user, opinion="同意")
    assert [rec_of(r.application).priority for r in recs] == [1, 2, 3]
    assert len({rec_of(r.application).batch_id for r in recs}) == 1


def test_reconsider_takes_it_out_of_the_batch_and_renumbers(submitted, authority_user):
    recs = [submitted() for _ in range(3)]
    for r in recs:
        svc.recommendation_recommend(recommendation=r, actor=authority_user, opinion="同意")
    svc.recommendation_reconsider(recommendation=rec_of(recs[0].application), actor=authority_user)
    first = rec_of(recs[0].application)
    assert (first.batch_id, first.priority) == (None, None)
    assert [rec_of(r.application).priority for r in recs[1:]] == [1, 2]


def test_return_stores_the_version_and_tells_the_applicant(rec, authority_user, applicant):
    svc.recommendation_return(recommendation=rec, actor=authority_user, opinion="请补充设备清单")
    rec = rec_of(rec.application)
    assert rec.returned_version == rec.application.version == 1
    note = Notification.objects.get(recipient=applicant, kind="recommendation.returned")
    assert "请补充设备清单" in note.body


def test_decline_tells_the_applicant_the_reason(rec, authority_user, applicant):
    svc.recommendation_decline(recommendation=rec, actor=authority_user, reason="依托平台不符合要求")
    note = Notification.objects.get(recipient=applicant, kind="recommendation.declined")
    assert "依托平台不符合要求" in note.body


@pytest.mark.parametrize("returned_first", [False, True])
def test_withdrawal_closes_the_authority_review(rec, authority_user, applicant, returned_first):
    from applications.services import application_withdraw
    from reviews.hooks.recommendation import authority_pending_panel
    from reviews.selectors.recommendation import pending_count

    panel = authority_pending_panel(authority_user)  # the dashboard's panel: its rows and total are pending_count's
    assert (panel.count, len(panel.items)) == (pending_count(user=authority_user), 1) == (1, 1)
    if returned_first:
        svc.recommendation_return(recommendation=rec, actor=authority_user, opinion="请补充")
    application_withdraw(application=rec_of(rec.application).application, actor=applicant, comment="暂不申报")
    closed = rec_of(rec.application)
    assert closed.state == S.WITHDRAWN
    assert closed.application.state == ApplicationState.WITHDRAWN
    assert pending_count(user=authority_user) == 0
    panel = authority_pending_panel(authority_user)
    assert (panel.count, panel.items) == (0, [])
    with pytest.raises(WorkflowError):
        svc.recommendation_recommend(recommendation=closed, actor=authority_user, opinion="同意")


def test_a_decision_is_one_timeline_row_with_the_stage_and_the_application_states(rec, authority_user):
    from pilotbase.models import TransitionLog
    from pilotbase.timeline import timeline_of

    svc.recommendation_recommend(recommendation=rec, actor=authority_user, opinion="同意推荐，设备条件好")
    app = rec_of(rec.application).application
    assert TransitionLog.objects.filter(subject_id=app.pk, transition="recommend").count() == 2  # audit keeps both
    rows = timeline_of(app, viewer=authority_user)
    assert [(r.stage, r.label) for r in rows] == [("申报", "提交申报"), ("初审推荐", "拟推荐")]
    decision = rows[-1]
    assert (decision.from_label, decision.to_label) == ("待推荐单位审核", "拟推荐")
    assert decision.comment == "同意推荐，设备条件好"


def test_the_log_is_chinese_whatever_the_actor_reads_and_the_timeline_speaks_the_readers_language(
        rec, authority_user):
    from django.utils import translation

    from pilotbase.models import TransitionLog
    from pilotbase.timeline import timeline_of

    with translation.override("en"):
        svc.recommendation_recommend(recommendation=rec, actor=authority_user, opinion="同意")
    log = TransitionLog.objects.filter(transition="recommend").order_by("id").last()
    assert (log.from_label, log.to_label) == ("待推荐单位审核", "拟推荐")
    app = rec_of(rec.application).application
    assert timeline_of(app, viewer=authority_user)[-1].to_label == "拟推荐"
    with translation.override("en"):
        english = timeline_of(app, viewer=authority_user)[-1]
    assert english.to_label != "拟推荐" and english.to_label.isascii()
