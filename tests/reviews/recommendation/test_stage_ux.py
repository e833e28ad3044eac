"""Audit fix of the batch page: saving the order says so."""

from django.urls import reverse

from reviews.services import recommendation as svc

from .conftest import rec_of


def test_saving_the_order_confirms_it(submitted, authority_user, client):
    recs = [submitted() for _ in range(2)]
    for r in recs:
        svc.recommendation_recommend(recommendation=r, actor=authority_user, opinion="同意")
    client.force_login(authority_user)
    url = reverse("reviews:rec_batch", args=[rec_of(recs[0].application).batch_id])
    response = client.post(url, {"action": "priority", f"p{recs[0].pk}": 2, f"p{recs[1].pk}": 1}, follow=True)
    assert "推荐排序已保存。" in response.content.decode()
    assert [rec_of(r.application).priority for r in recs] == [2, 1]
