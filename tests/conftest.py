"""Personas per role and shared fixtures. Warnings are errors (pyproject)."""

import os

import pytest
from django.conf import settings

from . import factories as f

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")  # Playwright's sync API runs an event loop


def pytest_collection_modifyitems(config, items):
    on_postgres = settings.DATABASES["default"]["ENGINE"].endswith("postgresql")
    has_redis = bool(settings.REDIS_URL)
    for item in items:
        if "postgres" in item.keywords and not on_postgres:
            item.add_marker(pytest.mark.skip(reason="needs PostgreSQL (set DATABASE_URL)"))
        if "celery_worker" in item.keywords and not has_redis:
            item.add_marker(pytest.mark.skip(reason="needs Redis (set REDIS_URL)"))


@pytest.fixture(autouse=True)
def _private_media(tmp_path, settings):
    """Uploaded files and PDFs go to a throw-away folder per test."""
    settings.MEDIA_ROOT = tmp_path / "private"
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage",
                    "OPTIONS": {"location": str(tmp_path / "private"), "base_url": None}},
    }


@pytest.fixture(autouse=True)
def _default_language():
    """Every test starts and ends in Chinese: a request that switches to English must not leak."""
    from django.utils import translation

    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.activate(settings.LANGUAGE_CODE)


@pytest.fixture(autouse=True)
def _own_cache(request, settings):
    """Each test has a cache of its own (rate limits, pending-render marks), so nothing one test left in Redis
    decides another; tests with the real worker keep the shared Redis cache the worker also sees."""
    if request.node.get_closest_marker("celery_worker") is None:
        settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache",
                                       "LOCATION": f"test-{id(request.node)}"}}
    yield


@pytest.fixture(autouse=True)
def _reference_rows(request):
    """Each test that uses the database starts with the reference rows (cities, industries, platform types) read
    afresh from its own database (pilotbase.refcache), so what an earlier test left, or a held copy growing old
    during a test, never changes what a test sees or how many queries it counts."""
    from pilotbase import refcache

    refcache.clear()
    uses_db = request.node.get_closest_marker("django_db") or {"db", "transactional_db"} & set(request.fixturenames)
    if uses_db:
        request.getfixturevalue("db")  # the test's database first (transactional if the test asks for it)
        refcache.warm()
    yield
    refcache.clear()


@pytest.fixture(autouse=True)
def _inline_tasks(settings):
    """Unit tests run tasks inline; tests marked celery_worker use the real worker instead."""
    settings.CELERY_TASK_ALWAYS_EAGER = True
    from pilotbase.celery import app

    app.conf.task_always_eager = True
    yield
    app.conf.task_always_eager = settings.CELERY_TASK_ALWAYS_EAGER


@pytest.fixture
def authority_org(db):
    return f.AuthorityFactory(name="南宁市科学技术局")


@pytest.fixture
def other_authority_org(db):
    return f.AuthorityFactory(name="柳州市科学技术局", city=f.city("liuzhou"))


@pytest.fixture
def applicant(db, authority_org):
    """Persona: 申报单位 user of an enterprise under 南宁市科学技术局."""
    return f.ApplicantUserFactory(username="applicant", organization__authority=authority_org,
                                  organization__name="广西示范新材料有限公司")


@pytest.fixture
def requester(db):
    """Persona: 服务需求方, an enterprise that registered itself to request services from bases."""
    return f.RequesterUserFactory(username="requester", organization__name="广西需求方制造有限公司")


@pytest.fixture
def other_applicant(db, other_authority_org):
    return f.ApplicantUserFactory(username="other_applicant", organization__authority=other_authority_org,
                                  organization__name="柳州另一家企业有限公司")


@pytest.fixture
def authority_user(db, authority_org):
    return f.AuthorityUserFactory(username="authority", organization=authority_org)


@pytest.fixture
def other_authority_user(db, other_authority_org):
    return f.AuthorityUserFactory(username="other_authority", organization=other_authority_org)


@pytest.fixture
def department_user(db):
    return f.DepartmentUserFactory(username="department")


@pytest.fixture
def agency_user(db):
    return f.AgencyUserFactory(username="agency")


@pytest.fixture
def expert_user(db):
    return f.ExpertProfileFactory(user__username="expert").user


@pytest.fixture
def admin_user_persona(db):
    return f.AdminUserFactory(username="sysadmin")


@pytest.fixture
def personas(applicant, other_applicant, authority_user, other_authority_user, department_user, agency_user,
             expert_user, admin_user_persona):
    return {
        "applicant": applicant, "other_applicant": other_applicant, "authority": authority_user,
        "other_authority": other_authority_user, "department": department_user, "agency": agency_user,
        "expert": expert_user, "admin": admin_user_persona,
    }


@pytest.fixture
def login(client):
    def _login(user):
        client.force_login(user)
        return client

    return _login


def pytest_terminal_summary(terminalreporter):
    """The access matrix's case count and URL patterns without a row, when its module ran (docs/security.md)."""
    import sys

    matrix = sys.modules.get("tests.test_access_matrix")
    if matrix is not None:
        terminalreporter.write_line(matrix.summary())


def pytest_configure(config):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
