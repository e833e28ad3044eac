"""Issue 11 defect 4: a 拟推荐 made after the authority's batch was sent starts (or joins) a new open batch for
that call, and the authority's queue shows what waits to be sent."""

import pytest
from django.db import IntegrityError, transaction
from django.urls import reverse

from reviews.models import BatchState, RecommendationBatch, RecommendationState
from reviews.services import recommendation as svc

from .conftest import letter_pdf, rec_of

pytestmark = pytest.mark.django_db


def test_recommendation_after_the_batch_was_sent_joins_a_new_open_batch(forwarded, submitted, authority_user):
    late = submitted(name="广西迟到的科技成果转化中试研究基地")
    svc.recommendation_recommend(recommendation=late, actor=authority_user, opinion="条件具备，同意推荐。")
    late = rec_of(late.application)
    assert late.state == RecommendationState.RECOMMENDED
    assert late.batch_id != forwarded.batch_id
    assert (late.batch.state, late.priority) == (BatchState.DRAFT, 1)
    assert forwarded.batch.recommendations.count() == 1  # the sent batch is closed


def test_two_late_recommendations_share_the_new_open_batch(forwarded, submitted, authority_user):
    late = [submitted(name=f"广西第{i}号迟到中试研究基地") for i in range(2)]
    for rec in late:
        svc.recommendation_recommend(recommendation=rec, actor=authority_user, opinion="同意推荐。")
    batches = {rec_of(r.application).batch_id for r in late}
    assert len(batches) == 1
    assert [rec_of(r.application).priority for r in late] == [1, 2]


def test_the_new_open_batch_can_be_sent(forwarded, submitted, authority_user):
    late = submitted(name="广西迟到的科技成果转化中试研究基地")
    svc.recommendation_recommend(recommendation=late, actor=authority_user, opinion="同意推荐。")
    batch = rec_of(late.application).batch
    svc.batch_attach_letter(batch=batch, actor=authority_user, upload=letter_pdf())
    svc.batch_submit(batch=batch, actor=authority_user)
    assert rec_of(late.application).state == RecommendationState.FORWARDED


def test_only_one_open_batch_per_authority_and_call(forwarded):
    with pytest.raises(IntegrityError), transaction.atomic():
        RecommendationBatch.objects.create(call=forwarded.application.call, authority=forwarded.authority)
        RecommendationBatch.objects.create(call=forwarded.application.call, authority=forwarded.authority)


def test_queue_shows_the_open_batch_waiting_to_be_sent(client, forwarded, submitted, authority_user):
    late = submitted(name="广西迟到的科技成果转化中试研究基地")
    svc.recommendation_recommend(recommendation=late, actor=authority_user, opinion="同意推荐。")
    batch = rec_of(late.application).batch
    client.force_login(authority_user)
    html = client.get(reverse("reviews:rec_queue")).content.decode()
    assert "1 项拟推荐尚未报送" in html
    assert f'href="{reverse("reviews:rec_batch", args=[batch.pk])}"' in html


def test_queue_shows_no_banner_when_nothing_waits(client, forwarded, authority_user):
    client.force_login(authority_user)
    html = client.get(reverse("reviews:rec_queue")).content.decode()
    assert "尚未报送" not in html


def test_batch_page_says_why_it_cannot_be_sent_yet(client, recommended, authority_user):
    client.force_login(authority_user)
    html = client.get(reverse("reviews:rec_batch", args=[recommended.batch_id])).content.decode()
    assert 'disabled aria-describedby="submit-hint"' in html
    assert "请先上传盖章的推荐函。" in html


def test_batch_page_unknown_action_is_403(client, recommended, authority_user):
    client.force_login(authority_user)
    response = client.post(reverse("reviews:rec_batch", args=[recommended.batch_id]), {"action": "zzz"})
    assert response.status_code == 403


def test_batch_page_bad_letter_keeps_the_page_with_the_error(client, recommended, authority_user):
    client.force_login(authority_user)
    response = client.post(reverse("reviews:rec_batch", args=[recommended.batch_id]), {"action": "letter"})
    assert response.status_code == 200
    assert response.context["letter_form"].errors["letter"]


def test_batch_list_counts_days_only_for_the_open_batch(client, forwarded, submitted, authority_user):
    """A sent batch shows when it was sent, not the days left to a deadline it already met (issue 11, 9)."""
    late = submitted(name="广西迟到的科技成果转化中试研究基地")
    svc.recommendation_recommend(recommendation=late, actor=authority_user, opinion="同意推荐。")
    client.force_login(authority_user)
    html = client.get(reverse("reviews:rec_batches")).content.decode()
    assert html.count('class="text-muted days-left"') == 1
    assert html.count('class="text-muted sent-on"') == 1
    assert "已报送</small>" in html
