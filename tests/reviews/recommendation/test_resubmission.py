"""The signal receiver: submission opens the review; resubmission reopens it and shows what changed."""

import pytest

from applications.services import application_submit
from reviews.models import Recommendation, RecommendationState
from reviews.selectors import recommendation as sel
from reviews.services import recommendation as svc

from .conftest import rec_of

pytestmark = pytest.mark.django_db


def test_submit_creates_a_pending_recommendation_for_the_authority(rec, authority_user):
    assert (rec.state, rec.authority_id) == (RecommendationState.PENDING, authority_user.organization_id)
    assert Recommendation.objects.count() == 1


def test_return_then_resubmit_is_pending_again_and_the_diff_shows_the_field(rec, authority_user, applicant):
    svc.recommendation_return(recommendation=rec, actor=authority_user, opinion="请补充收费标准")
    app = rec.application
    app.refresh_from_db()
    type(app).objects.filter(pk=app.pk).update(fee_standard="按成本价八折收费。")
    application_submit(application=app, actor=applicant)
    rec = rec_of(app)
    assert rec.state == RecommendationState.PENDING
    assert rec.application.version == 2
    (section,) = sel.what_changed(rec)
    assert [(d["label"], d["old"], d["new"]) for d in section["fields"]] == [
        ("收费标准", "按成本加合理利润收费。", "按成本价八折收费。")]
    assert (section["label"], section["tables"], section["attachments"]) == ("管理机制", [], [])


def test_what_changed_is_none_for_a_first_submission(rec):
    assert sel.what_changed(rec) is None
