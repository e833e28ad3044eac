from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from applications import services
from applications.models import ApplicationState, Call, Snapshot
from pilotbase.models import TransitionLog
from pilotbase.workflow import StaleState, WorkflowError
from tests import factories as f

pytestmark = pytest.mark.django_db


def test_submit_complete_draft_assigns_number_and_freezes_snapshot(draft, applicant, authority_user,
                                                                    django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks() as callbacks:
        result = services.application_submit(application=draft, actor=applicant, expected_state="draft")
    assert result.state == ApplicationState.SUBMITTED
    assert result.acceptance_no == f"ZS{draft.call.year}-0001"
    assert result.version == 1
    assert result.submitted_at is not None
    snap = Snapshot.objects.get(application=draft, version=1)
    assert snap.data["acceptance_no"] == result.acceptance_no
    assert [s["label"] for s in snap.data["sections"]] == ["基本信息", "能力条件", "人才队伍", "管理机制",
                                                            "中试服务与建设方案", "经费与承诺"]
    assert len(snap.data["attachments"]) == 2
    assert TransitionLog.objects.filter(subject_id=draft.pk, transition="submit").count() == 1
    assert authority_user.notifications.count() == 1
    assert len(callbacks) == 2  # the authority's e-mail and the PDF task
    assert mail.outbox == []  # nothing leaves before commit


def test_submit_incomplete_lists_every_missing_item(call, applicant):
    app = f.ApplicationFactory(call=call, applicant=applicant.organization, name="", rows=False)
    with pytest.raises(WorkflowError) as exc:
        services.application_submit(application=app, actor=applicant)
    message = str(exc.value)
    assert "基本信息：请填写“基地名称”" in message
    assert "能力条件：请至少填写一行“仪器设备”" in message
    assert "附件：请上传“可行性研究报告”" in message
    app.refresh_from_db()
    assert app.state == ApplicationState.DRAFT
    assert app.acceptance_no is None


def test_submit_ineligible_names_the_failed_threshold(draft, applicant):
    Call.objects.filter(pk=draft.call_id).update(min_site_area=5000, min_technical_staff=10)
    draft.refresh_from_db()
    with pytest.raises(WorkflowError) as exc:
        services.application_submit(application=draft, actor=applicant)
    assert "中试场地面积 3000.00 平方米，低于本批次要求的 5000.00 平方米" in str(exc.value)
    assert "技术人员 8 人，少于本批次要求的 10 人" in str(exc.value)


def test_eligibility_years_registered_counts_whole_years(draft):
    org = draft.applicant
    org.registered_on = timezone.localdate() - timedelta(days=365)
    org.save()
    Call.objects.filter(pk=draft.call_id).update(min_years_registered=2)
    draft.refresh_from_db()
    assert len(services.application_eligibility(draft)) == 1


def test_submit_after_deadline_refused_even_if_page_loaded_before(draft, applicant):
    loaded_state = draft.state  # the page was rendered while the call was open
    Call.objects.filter(pk=draft.call_id).update(closes_at=timezone.now() - timedelta(seconds=1))
    with pytest.raises(WorkflowError) as exc:
        services.application_submit(application=draft, actor=applicant, expected_state=loaded_state)
    assert "申报截止时间" in str(exc.value)
    draft.refresh_from_db()
    assert draft.state == ApplicationState.DRAFT


def test_resubmit_bumps_version_and_keeps_acceptance_no(submitted, applicant, authority_user):
    from reviews.models import Recommendation
    from reviews.services.recommendation import recommendation_return

    recommendation_return(recommendation=Recommendation.objects.get(application=submitted), actor=authority_user,
                          opinion="请补充材料")
    services.application_update_section(application=submitted, section="basic", actor=applicant,
                                        data={"name": "广西新材料中试基地（修改后）"})
    result = services.application_submit(application=submitted, actor=applicant, expected_state="returned")
    assert (result.state, result.version, result.acceptance_no) == ("submitted", 2, submitted.acceptance_no)
    assert TransitionLog.objects.filter(subject_id=submitted.pk, transition="resubmit").count() == 1
    assert list(Snapshot.objects.filter(application=submitted).values_list("version", flat=True)) == [1, 2]


def test_submit_twice_from_same_page_is_stale(submitted, applicant):
    with pytest.raises(StaleState):
        services.application_submit(application=submitted, actor=applicant, expected_state="draft")


def test_submit_by_other_applicant_denied(draft, other_applicant):
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        services.application_submit(application=draft, actor=other_applicant)


def test_withdraw_submitted_logs_reason(submitted, applicant, authority_user):
    result = services.application_withdraw(application=submitted, actor=applicant, comment="暂不申报")
    assert result.state == ApplicationState.WITHDRAWN
    log = TransitionLog.objects.get(subject_id=submitted.pk, transition="withdraw")
    assert (log.comment, log.actor_id) == ("暂不申报", applicant.pk)
    assert authority_user.notifications.filter(kind="application.withdrawn").count() == 1


def test_withdraw_draft_refused(draft, applicant):
    with pytest.raises(WorkflowError):
        services.application_withdraw(application=draft, actor=applicant, comment="不申报了")


def test_create_refused_when_call_closed(applicant):
    call = f.CallFactory(closes_at=timezone.now() - timedelta(days=1))
    with pytest.raises(WorkflowError):
        services.application_create(call=call, applicant=applicant.organization, actor=applicant)


def test_create_copies_authority_from_applicant(call, applicant):
    app = services.application_create(call=call, applicant=applicant.organization, actor=applicant)
    assert app.authority_id == applicant.organization.authority_id
    with pytest.raises(WorkflowError):
        services.application_create(call=call, applicant=applicant.organization, actor=applicant)


def test_update_section_refused_after_submission(submitted, applicant):
    with pytest.raises(WorkflowError):
        services.application_update_section(application=submitted, section="basic", actor=applicant,
                                            data={"name": "改名"})
