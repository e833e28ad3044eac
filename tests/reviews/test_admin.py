"""The review records in the admin (issue 11, 9): a system administrator can find and read every recommendation,
batch, formal check, commission, assessment with its draws and seats, site visit, notice and objection — and
cannot add, change or delete one there (decisions change only through the services)."""

import pytest
from django.contrib import admin
from django.urls import reverse

from reviews.models import (
    Assessment,
    Commission,
    ExpertAssignment,
    FormalCheck,
    Objection,
    PanelDraw,
    PublicNotice,
    Recommendation,
    RecommendationBatch,
    SiteVisit,
)
from reviews.services import certification as cert
from tests import factories as f
from tests import pipeline

pytestmark = pytest.mark.django_db

RECORDS = [RecommendationBatch, Recommendation, FormalCheck, Commission, Assessment, ExpertAssignment, SiteVisit,
           PublicNotice, Objection]


@pytest.fixture
def world():
    app = pipeline.advance(f.ApplicationFactory(name="广西南宁先进材料中试研究基地"), to="on_notice")
    entry = app.notice_entries.get()
    cert.objection_file(entry=entry, content="申报材料中的设备清单与现场不符。", objector_phone="13800000000",
                        objector_name="张三")
    return app


@pytest.fixture
def root(client):
    user = f.AdminUserFactory(username="root")
    client.force_login(user)
    return user


@pytest.mark.parametrize("model", RECORDS, ids=lambda m: m.__name__)
def test_a_superuser_reads_each_review_record(client, world, root, model):
    meta = model._meta
    changelist = client.get(reverse(f"admin:{meta.app_label}_{meta.model_name}_changelist"))
    assert changelist.status_code == 200
    record = model.objects.order_by("pk").first()
    assert record is not None, f"the world has no {meta.model_name}"
    page = client.get(reverse(f"admin:{meta.app_label}_{meta.model_name}_change", args=[record.pk]))
    assert page.status_code == 200
    assert "<textarea" not in page.content.decode()  # read-only: nothing to type into


@pytest.mark.parametrize("model", RECORDS, ids=lambda m: m.__name__)
def test_nobody_adds_changes_or_deletes_a_review_record_in_the_admin(client, world, root, model):
    meta = model._meta
    record = model.objects.order_by("pk").first()
    before = model.objects.count()
    assert client.get(reverse(f"admin:{meta.app_label}_{meta.model_name}_add")).status_code == 403
    assert client.post(reverse(f"admin:{meta.app_label}_{meta.model_name}_change", args=[record.pk]),
                       {}).status_code == 403
    assert client.post(reverse(f"admin:{meta.app_label}_{meta.model_name}_delete", args=[record.pk]),
                       {"post": "yes"}).status_code == 403
    assert model.objects.count() == before


def test_the_recommendation_opinion_and_the_draw_are_searchable(client, world, root):
    found = client.get(reverse("admin:reviews_recommendation_changelist"), {"q": "同意推荐"})
    assert "广西南宁先进材料中试研究基地" in found.content.decode()
    draw = PanelDraw.objects.get(assessment__application=world)
    assessment = client.get(reverse("admin:reviews_assessment_change", args=[draw.assessment_id]))
    assert draw.seed in assessment.content.decode()  # the recorded draw is shown with its assessment


def test_an_objection_keeps_the_objectors_identity_for_the_admin(client, world, root):
    objection = Objection.objects.get()
    html = client.get(reverse("admin:reviews_objection_change", args=[objection.pk])).content.decode()
    assert "张三" in html and "13800000000" in html


def test_every_review_model_with_a_state_is_in_the_admin():
    from django.apps import apps
    from django_fsm import FSMField

    stateful = {m for m in apps.get_app_config("reviews").get_models()
                if any(isinstance(fl, FSMField) for fl in m._meta.fields)}
    shown = set(admin.site._registry) | {inline.model for ma in admin.site._registry.values() for inline in ma.inlines}
    assert stateful <= shown, sorted(m.__name__ for m in stateful - shown)
