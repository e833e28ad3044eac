"""The batch: priority, letter, deadline, quota, and what submitting does."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from applications.models import ApplicationState
from pilotbase.models import Notification
from pilotbase.workflow import WorkflowError
from reviews.models import BatchState, FormalCheck, FormalCheckState, RecommendationBatch, RecommendationState
from reviews.services import recommendation as svc

from .conftest import PNG_BYTES, letter_pdf, rec_of

pytestmark = pytest.mark.django_db


@pytest.fixture
def three(submitted, authority_user):
    recs = [submitted(name=f"广西第{i}号科技成果转化中试研究基地") for i in range(3)]
    for r in recs:
        svc.recommendation_recommend(recommendation=r, actor=authority_user, opinion=f"意见{r.pk}")
    return [rec_of(r.application) for r in recs]


def batch_of(rec):
    return RecommendationBatch.objects.get(pk=rec_of(rec.application).batch_id)


def test_batch_set_priority_reorders(three, authority_user, call):
    ids = [r.pk for r in reversed(three)]
    svc.batch_set_priority(batch=batch_of(three[0]), ordered_recommendation_ids=ids, actor=authority_user)
    assert [rec_of(r.application).priority for r in three] == [3, 2, 1]


def test_batch_set_priority_refuses_a_different_list(three, authority_user, call):
    with pytest.raises(WorkflowError):
        svc.batch_set_priority(batch=batch_of(three[0]), ordered_recommendation_ids=[three[0].pk],
                               actor=authority_user)


def test_batch_submit_without_letter_is_refused(three, authority_user):
    with pytest.raises(WorkflowError) as exc:
        svc.batch_submit(batch=batch_of(three[0]), actor=authority_user)
    assert str(exc.value) == "暂不能执行“报送推荐名单”：请先上传盖章的推荐函。"


def test_batch_submit_after_deadline_is_refused(three, authority_user, past_deadline):
    batch = batch_of(three[0])
    svc.batch_attach_letter(batch=batch, actor=authority_user, upload=letter_pdf())
    past_deadline()
    with pytest.raises(WorkflowError) as exc:
        svc.batch_submit(batch=batch_of(three[0]), actor=authority_user)
    assert str(exc.value) == "暂不能执行“报送推荐名单”：推荐截止时间已过，不能再报送。"
    assert batch_of(three[0]).state == BatchState.DRAFT


def test_batch_submit_with_nothing_recommended_is_refused(rec, authority_user, call):
    svc.recommendation_recommend(recommendation=rec, actor=authority_user, opinion="同意")
    svc.batch_attach_letter(batch=batch_of(rec), actor=authority_user, upload=letter_pdf())
    svc.recommendation_reconsider(recommendation=rec_of(rec.application), actor=authority_user)
    with pytest.raises(WorkflowError) as exc:
        svc.batch_submit(batch=RecommendationBatch.objects.get(call=call), actor=authority_user)
    assert str(exc.value) == "暂不能执行“报送推荐名单”：推荐名单为空：请至少拟推荐一项申报。"


def test_batch_submit_over_quota_is_refused(three, authority_user, call):
    type(call).objects.filter(pk=call.pk).update(max_per_authority=2)
    svc.batch_attach_letter(batch=batch_of(three[0]), actor=authority_user, upload=letter_pdf())
    with pytest.raises(WorkflowError) as exc:
        svc.batch_submit(batch=batch_of(three[0]), actor=authority_user)
    assert str(exc.value) == "暂不能执行“报送推荐名单”：拟推荐数量超出本批次每个推荐单位的推荐上限。"


def test_batch_submit_forwards_creates_checks_and_tells_the_department(three, authority_user, department_user):
    batch = batch_of(three[0])
    svc.batch_attach_letter(batch=batch, actor=authority_user, upload=letter_pdf())
    svc.batch_submit(batch=batch, actor=authority_user)
    batch.refresh_from_db()
    assert batch.state == BatchState.SUBMITTED
    assert batch.submitted_by == authority_user
    for r in three:
        r = rec_of(r.application)
        assert (r.state, r.application.state) == (RecommendationState.FORWARDED, ApplicationState.UNDER_REVIEW)
        assert FormalCheck.objects.get(application=r.application).state == FormalCheckState.PENDING
    assert Notification.objects.filter(recipient=department_user, kind="formal_check.pending").count() == 1


def test_batch_submit_twice_is_refused(forwarded, authority_user):
    with pytest.raises(WorkflowError) as exc:
        svc.batch_submit(batch=batch_of(forwarded), actor=authority_user)
    assert str(exc.value) == "当前状态“已报送”下不能执行“报送推荐名单”。"


def test_letter_png_is_accepted(rec, authority_user):
    svc.recommendation_recommend(recommendation=rec, actor=authority_user, opinion="同意")
    batch = svc.batch_attach_letter(batch=batch_of(rec), actor=authority_user,
                                    upload=SimpleUploadedFile("scan.png", PNG_BYTES, content_type="image/png"))
    assert batch.letter.name.endswith(".png")


def test_letter_checked_by_content_not_name(rec, authority_user):
    svc.recommendation_recommend(recommendation=rec, actor=authority_user, opinion="同意")
    fake = SimpleUploadedFile("推荐函.pdf", b"just some text, not a PDF", content_type="application/pdf")
    with pytest.raises(WorkflowError) as exc:
        svc.batch_attach_letter(batch=batch_of(rec), actor=authority_user, upload=fake)
    assert "PDF、JPG 或 PNG" in str(exc.value)
    assert not batch_of(rec).letter


def test_reconsider_refused_once_the_batch_is_sent(forwarded, authority_user):
    with pytest.raises(WorkflowError):
        svc.recommendation_reconsider(recommendation=forwarded, actor=authority_user)


def test_saving_the_order_confirms_it(submitted, authority_user, client):
    recs = [submitted() for _ in range(2)]
    for r in recs:
        svc.recommendation_recommend(recommendation=r, actor=authority_user, opinion="同意")
    client.force_login(authority_user)
    url = reverse("reviews:rec_batch", args=[rec_of(recs[0].application).batch_id])
    response = client.post(url, {"action": "priority", f"p{recs[0].pk}": 2, f"p{recs[1].pk}": 1}, follow=True)
    assert "推荐排序已保存。" in response.content.decode()
    assert [rec_of(r.application).priority for r in recs] == [2, 1]
