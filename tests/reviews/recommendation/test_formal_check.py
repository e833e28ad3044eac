"""形式审查 state tables, and the round trip back through the applicant and the authority."""

import pytest
from django.core.exceptions import PermissionDenied

from applications.models import ApplicationState
from applications.services import application_submit
from pilotbase.models import Notification
from pilotbase.workflow import WorkflowError
from reviews.models import FormalCheck, FormalCheckState, RecommendationState
from reviews.services import recommendation as svc

from .conftest import rec_of, results_for

pytestmark = pytest.mark.django_db
F = FormalCheckState
LABEL = {F.PENDING: "待形式审查", F.PASSED: "形式审查通过", F.RETURNED: "退回补正", F.REJECTED: "形式审查不通过"}
ACTION_LABEL = {"pass": "形式审查通过", "return": "退回补正", "reject": "形式审查不通过"}


def run(action, check, user):
    app = check.application
    if action == "pass":
        return svc.formal_check_pass(check=check, actor=user, results=results_for(app), opinion="")
    if action == "return":
        return svc.formal_check_return(check=check, actor=user, results=results_for(app, ok=False, failed_note="缺盖章"),
                                       opinion="请补正")
    return svc.formal_check_reject(check=check, actor=user, results=results_for(app, ok=False), opinion="不符合")


def check_of(rec):
    return FormalCheck.objects.select_related("application__call").get(application=rec.application)


@pytest.mark.parametrize("action", ["pass", "return", "reject"])
@pytest.mark.parametrize("start", ["pass", "return", "reject", None])
def test_formal_check_state_table(forwarded, department_user, action, start):
    check = check_of(forwarded)
    if start:
        run(start, check, department_user)
        check = check_of(forwarded)
    if check.state == F.PENDING:
        run(action, check, department_user)
        assert check_of(forwarded).state == {"pass": F.PASSED, "return": F.RETURNED, "reject": F.REJECTED}[action]
    else:
        with pytest.raises(WorkflowError) as exc:
            run(action, check, department_user)
        assert str(exc.value) == f"当前状态“{LABEL[check.state]}”下不能执行“{ACTION_LABEL[action]}”。"


def test_formal_check_by_authority_is_denied(forwarded, authority_user):
    with pytest.raises(PermissionDenied):
        run("pass", check_of(forwarded), authority_user)


def test_formal_check_pass_with_a_failed_item_is_refused(forwarded, department_user):
    check = check_of(forwarded)
    with pytest.raises(WorkflowError):
        svc.formal_check_pass(check=check, actor=department_user, results=results_for(check.application, ok=False),
                              opinion="")


def test_formal_check_needs_every_item(forwarded, department_user):
    check = check_of(forwarded)
    with pytest.raises(WorkflowError) as exc:
        svc.formal_check_pass(check=check, actor=department_user, results={}, opinion="")
    assert str(exc.value) == "以下审查要点尚未填写结论：申报书及附件齐全、申报单位符合申报条件、推荐函已盖章"


def test_formal_check_reject_rejects_the_application(forwarded, department_user):
    run("reject", check_of(forwarded), department_user)
    assert rec_of(forwarded.application).application.state == ApplicationState.REJECTED


def test_formal_check_return_goes_back_to_the_applicant_with_the_failed_items(forwarded, department_user,
                                                                              applicant):
    run("return", check_of(forwarded), department_user)
    rec = rec_of(forwarded.application)
    assert (rec.state, rec.application.state) == (RecommendationState.RETURNED, ApplicationState.RETURNED)
    assert rec.returned_version == 1
    body = Notification.objects.get(recipient=applicant, kind="formal_check.returned").body
    assert "申报书及附件齐全（缺盖章）" in body


def test_formal_check_return_then_resubmit_reaches_the_authority_again(forwarded, department_user, applicant,
                                                                      authority_user):
    run("return", check_of(forwarded), department_user)
    app = forwarded.application
    app.refresh_from_db()
    type(app).objects.filter(pk=app.pk).update(summary="补正后的基地简介。")
    application_submit(application=app, actor=applicant)
    rec = rec_of(app)
    assert (rec.state, rec.application.state) == (RecommendationState.PENDING, ApplicationState.SUBMITTED)
    # The authority recommends again and forwards the single application; the formal check reopens.
    svc.recommendation_recommend(recommendation=rec, actor=authority_user, opinion="已补正，同意推荐")
    svc.recommendation_forward(recommendation=rec_of(app), actor=authority_user)
    rec = rec_of(app)
    assert (rec.state, rec.application.state) == (RecommendationState.FORWARDED, ApplicationState.UNDER_REVIEW)
    assert check_of(rec).state == F.PENDING
