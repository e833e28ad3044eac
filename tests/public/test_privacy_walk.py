"""The whole public side walked with the demo data (`manage.py seed_demo`, once for the module): nothing private
comes out of any public page, download or API answer, and a revoked base is never shown as active.

The demo has no objection and no service catalogue, so the world adds them through the services: an objection to
the notice in its 公示期 (with the objector's name, phone and unit), catalogue entries of an active base (a contact
kept private, one made public, an entry staff hid) and an entry left in the revoked base's catalogue.

The walk (tests/public/walk.py) reaches every public URL pattern with arguments from the data and follows every
link; the private values (tests/public/privacy.py) are read from the database by the models' meaning.
"""

from __future__ import annotations

import pytest
from django.conf import settings
from django.core.management import call_command
from django.db import transaction
from django.test import Client, TestCase, override_settings
from django.urls import reverse

from pilotbase.models import Base, BaseStatus, Role, User
from reviews.models import NoticeEntryState, NoticeState, Objection, PublicNotice
from reviews.services import certification as cert_svc
from sharing.models import ServiceOffering
from sharing.services import catalogue as catalogue_svc

from . import privacy
from .walk import patterns_without_args, public_patterns, walk

pytestmark = [pytest.mark.django_db, pytest.mark.slow]

OBJECTOR = ("覃异议人", "13907715566", "某某异议单位（保密）")
PRIVATE_CONTACT = "服务联系人蓝工 0771-3388123"
PUBLIC_CONTACT = "服务热线 0771-3388000"
HIDDEN_TITLE = "已被隐藏的放大试验服务"
REVOKED_ENTRY = "撤销前留下的检测服务"


def _entry(**over) -> dict:
    data = {"kind": "testing", "title": "材料成分检测服务", "description": "光谱、色谱分析。", "equipment": "光谱仪",
            "capacity": "每月100批次", "lead_time": "7个工作日", "fee_standard": "500–1500元/批次",
            "contact": PRIVATE_CONTACT, "contact_public": False, "accepts_vouchers": True}
    return {**data, **over}


def _add_private_records() -> None:
    """What the demo lacks: an objection, and catalogue entries with each kind of private field."""
    notice = PublicNotice.objects.filter(state=NoticeState.PUBLISHED, kind="certification").order_by("id").first()
    cert_svc.objection_file(entry=notice.entries.filter(state=NoticeEntryState.LISTED).order_by("id").first(), content="该单位中试线尚未建成，场地为租用（异议内容）。",
                            objector_name=OBJECTOR[0], objector_phone=OBJECTOR[1], objector_org=OBJECTOR[2])
    base = Base.objects.filter(state=BaseStatus.ACTIVE).order_by("id").first()
    keeper = User.objects.filter(role=Role.APPLICANT, organization=base.lead_unit).order_by("id").first()
    staff = User.objects.filter(role=Role.DEPARTMENT).order_by("id").first()
    catalogue_svc.offering_create(base=base, actor=keeper, data=_entry())
    catalogue_svc.offering_create(base=base, actor=keeper, data=_entry(title="中试放大服务", kind="scale_up",
                                                                       contact=PUBLIC_CONTACT, contact_public=True))
    hidden = catalogue_svc.offering_create(base=base, actor=keeper, data=_entry(title=HIDDEN_TITLE, kind="scale_up",
                                                                                contact="隐藏条目联系人"))
    catalogue_svc.offering_hide(offering=hidden, actor=staff, reason="收费标准与实际不符（内部）。")
    revoked = Base.objects.filter(state=BaseStatus.REVOKED).order_by("id").first()
    # kept from before the revocation (a revoked base's keepers can no longer write, so no service can add it now)
    ServiceOffering.objects.create(base=revoked, **{k: v for k, v in _entry(title=REVOKED_ENTRY).items()})


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker, tmp_path_factory):
    """The demo seeded and walked once, rolled back after the module; its files in a folder of their own."""
    from pilotbase.celery import app as celery_app

    media = tmp_path_factory.mktemp("walk-private")
    storages = {**settings.STORAGES, "default": {"BACKEND": "django.core.files.storage.FileSystemStorage",
                                                 "OPTIONS": {"location": str(media), "base_url": None}}}
    caches = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "privacy-walk"}}
    eager = celery_app.conf.task_always_eager
    with override_settings(MEDIA_ROOT=media, STORAGES=storages, CELERY_TASK_ALWAYS_EAGER=True, CACHES=caches), \
            django_db_blocker.unblock(), transaction.atomic():
        celery_app.conf.task_always_eager = True
        try:
            with TestCase.captureOnCommitCallbacks(execute=True):
                call_command("seed_demo", verbosity=0)
                _add_private_records()
            patterns = public_patterns()
            english = Client()
            english.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"  # the language switcher's choice
            walk_en = walk(english, patterns)
            yield {"patterns": patterns, "walk": walk(Client(), patterns), "walk_en": walk_en,
                   "private": privacy.values_of(privacy.PRIVATE), "public": privacy.values_of(privacy.PUBLIC)}
        finally:
            celery_app.conf.task_always_eager = eager
            transaction.set_rollback(True)


@pytest.fixture(autouse=True)
def _private_media():
    """The world's files stay where it stored them (replaces conftest's per-test folder)."""


# ---- the walk reaches everything ----------------------------------------------------------------------------------
def test_every_public_url_pattern_has_arguments_and_is_walked(world):
    patterns = world["patterns"]
    assert {"home", "public:base_list", "public:verify", "api:base_list", "api:certificate_detail"} <= set(patterns)
    assert patterns_without_args(patterns) == []
    assert sorted(set(patterns) - world["walk"].walked) == []


def test_the_walk_follows_pagination_and_record_links(world):
    pages = world["walk"].pages
    assert any("page=2" in url and url.startswith(reverse("api:base_list")) for url in pages)
    for base in Base.objects.all():
        assert pages[reverse("public:base_detail", args=[base.pk])].status == 200
        assert pages[reverse("api:base_detail", args=[base.pk])].status == 200
        assert pages[reverse("public:verify", args=[base.certificate.token])].status == 200


# ---- nothing private ----------------------------------------------------------------------------------------------
def test_the_private_values_exist_and_are_distinctive(world):
    """The control: each kind the issue names is in the database and searched for, so the next test can fail."""
    searched = privacy.searchable(world["private"], world["public"])
    sources = {v.source for v in searched}
    texts = {v.text for v in searched}
    assert {*OBJECTOR, PRIVATE_CONTACT, HIDDEN_TITLE, REVOKED_ENTRY} <= texts
    assert {
        "applications.Application.summary", "applications.Application.funding_requested",
        "applications.TeamMember.name", "reviews.ExpertAssignment.opinion", "reviews.ExpertAssignment.total",
        "reviews.IndicatorScore.score", "reviews.Objection.objector_phone", "evaluations.AnnualReport.problems",
        "evaluations.Evaluation.comment", "subsidies.ConstructionGrant.amount", "subsidies.Recovery.amount",
        "subsidies.RewardLine.amount", "sharing.ServiceOffering.contact", "pilotbase.User.email",
        "pilotbase.User.full_name",
    } <= sources
    experts = {u.get_full_name() for u in User.objects.filter(role=Role.EXPERT)}
    assert {name for name in experts if len(name) >= privacy.MIN_CJK} <= texts, "experts' names are searched for"
    assert len([name for name in experts if len(name) >= privacy.MIN_CJK]) >= 3
    assert Objection.objects.filter(objector_name=OBJECTOR[0]).exists()
    # a public value is never searched for: the revoked base's name, its certificate's reason, the public contact
    revoked = Base.objects.get(state=BaseStatus.REVOKED)
    assert not texts & {revoked.name, revoked.certificate.revoked_reason, PUBLIC_CONTACT}


@pytest.mark.parametrize("language", ["walk", "walk_en"])
def test_no_public_page_or_api_answer_says_a_private_value(world, language):
    """In Chinese, and in English (the switcher's other language: other labels, amounts in millions)."""
    searched = privacy.searchable(world["private"], world["public"])
    pages = world[language].pages
    assert len(pages) == len(world["walk"].pages)
    assert '<html lang="%s">' % ("en" if language == "walk_en" else "zh-CN") in pages[reverse("public:base_list")].text
    leaks = {}
    for url, page in pages.items():
        hits = privacy.found_in(page.text, searched)
        if hits:
            leaks[url] = sorted({f"{v.source}: {v.text}" for v in hits})
    assert leaks == {}


def test_a_public_contact_and_catalogue_do_come_out(world):
    """The other side of the control: the walk reads what is public (the search would find a leak)."""
    pages = world["walk"].pages
    base = ServiceOffering.objects.get(contact=PUBLIC_CONTACT).base
    assert PUBLIC_CONTACT in pages[reverse("public:base_detail", args=[base.pk])].text
    assert PUBLIC_CONTACT in pages[reverse("api:base_detail", args=[base.pk])].text


# ---- a revoked base is never active ----------------------------------------------------------------------------------
def _base_objects(data):
    """Every base object in an API answer: a dict with a status and a base's API url."""
    prefix = reverse("api:base_list")
    stack = [data]
    while stack:
        item = stack.pop()
        if isinstance(item, dict):
            if "status" in item and str(item.get("url", "")).startswith(prefix):
                yield item
            stack += item.values()
        elif isinstance(item, list):
            stack += item


def test_a_revoked_base_is_shown_revoked_wherever_it_appears(world):
    pages = world["walk"].pages
    revoked = list(Base.objects.filter(state=BaseStatus.REVOKED).select_related("certificate"))
    assert revoked, "the demo revokes a base"
    states = dict(Base.objects.values_list("pk", "state"))
    api_bases = reverse("api:base_list")
    seen = 0
    for url, page in pages.items():
        for obj in _base_objects(page.data):  # the API: a base's status is its own state, wherever it is embedded
            assert obj["status"] == states[obj["id"]], (url, obj["id"])
            seen += obj["status"] == BaseStatus.REVOKED
        if url.startswith(api_bases) and "status=revoked" not in url and page.data and "results" in page.data:
            assert {b["id"] for b in page.data["results"]}.isdisjoint({b.pk for b in revoked}), url
        if url.split("?")[0] == reverse("public:base_list"):  # the directory, any filter or search: never a row
            assert not any(reverse("public:base_detail", args=[b.pk]) in page.text for b in revoked), url
    assert seen >= 3 * len(revoked), "each revoked base was read: its record, ?status=revoked, its certificate"
    for base in revoked:
        html = pages[reverse("public:base_detail", args=[base.pk])].text
        assert 'id="base-revoked"' in html and str(BaseStatus.REVOKED.label) in html
        assert str(BaseStatus.ACTIVE.label) not in html
        assert "已撤销" in pages[reverse("public:verify", args=[base.certificate.token])].text
        certificate = pages[reverse("api:certificate_detail", args=[base.certificate.number])].data
        assert (certificate["status"], certificate["valid"]) == ("revoked", False)


def test_coverage_counts_no_revoked_base(world, client):
    """The counts of the coverage page and its workbook: the bases still certified, never a revoked one."""
    still = Base.objects.exclude(state=BaseStatus.REVOKED).count()
    assert Base.objects.filter(state=BaseStatus.REVOKED).exists()
    response = client.get(reverse("public:coverage"))
    assert response.context["total"] == still
    assert sum(row[1] for row in response.context["charts"]["cities"].rows) == still
    assert sum(row[1] for row in response.context["charts"]["industries"].rows) == still
