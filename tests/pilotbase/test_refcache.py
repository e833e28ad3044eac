"""The reference rows held per process (pilotbase.refcache): a foreign key to a city, industry or platform type
costs no query, a change through the model is seen at once, an id the process does not hold is read, and the
filters' <select>s render and check from the held rows."""

from datetime import date

import pytest
from django.apps import apps
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from pilotbase import refcache
from pilotbase.models import Base, City, Industry, Organization, PlatformType
from pilotbase.refcache import ReferenceChoiceField, ReferenceDescriptor

from .. import factories as f

pytestmark = pytest.mark.django_db


def _base() -> Base:
    return Base.objects.create(name="广西缓存测试科技成果转化中试研究基地", lead_unit=f.ApplicantOrgFactory(),
                               city=f.city("liuzhou"), industry=f.industry(), platform_type=f.platform_type(),
                               batch=1, certified_on=date(2025, 6, 1))


def test_every_foreign_key_to_reference_data_reads_the_held_rows():
    keys = [(model, field) for model in apps.get_models() for field in model._meta.local_fields
            if field.many_to_one and field.related_model in (City, Industry, PlatformType)]
    assert {(m, fl.name) for m, fl in keys} >= {(Base, "city"), (Base, "industry"), (Base, "platform_type"),
                                                  (Organization, "city")}
    for model, field in keys:
        assert isinstance(model.__dict__[field.name], ReferenceDescriptor), f"{model.__name__}.{field.name}"


def test_a_base_shows_its_city_industry_and_platform_type_without_a_query():
    base = _base()
    fresh = Base.objects.get(pk=base.pk)  # no select_related
    with CaptureQueriesContext(connection) as ctx:
        names = (fresh.city.name, fresh.industry.name, fresh.platform_type.name)
    assert len(ctx) == 0
    assert names == (City.objects.get(pk=base.city_id).name, Industry.objects.get(pk=base.industry_id).name,
                     PlatformType.objects.get(pk=base.platform_type_id).name)


def test_a_renamed_city_is_shown_at_once():
    base = _base()
    city = City.objects.get(pk=base.city_id)
    assert Base.objects.get(pk=base.pk).city.name == city.name
    city.name = "新南宁市"
    city.save()
    assert Base.objects.get(pk=base.pk).city.name == "新南宁市"


def test_a_city_the_process_does_not_hold_is_read_from_the_database():
    refcache.rows(City)  # held
    City.objects.bulk_create([City(code="newtown", name="新设市", order=99)])  # no signal: another process, say
    org = f.AuthorityFactory(city=City.objects.get(code="newtown"))
    assert Organization.objects.get(pk=org.pk).city.name == "新设市"
    assert "newtown" in [c.code for c in refcache.rows(City)]


def test_held_rows_are_read_again_after_the_ttl(settings):
    refcache.rows(City)
    settings.PILOTBASE_REFERENCE_TTL = 0
    with CaptureQueriesContext(connection) as ctx:
        refcache.rows(City)
    assert len(ctx) == 1


def test_the_english_reader_sees_the_english_name():
    base = Base.objects.get(pk=_base().pk)
    with translation.override("en"):
        assert str(base.city) == City.objects.get(pk=base.city_id).name_en
    assert str(base.city) == City.objects.get(pk=base.city_id).name


def _city_form(**kwargs):
    from django import forms

    class CityFilter(forms.Form):
        city = ReferenceChoiceField(City, label="设区市", required=False, empty_label="全部设区市", **kwargs)

    return CityFilter


def test_a_reference_select_renders_and_checks_from_the_held_rows():
    f.city()  # the reference rows exist
    inactive = City.objects.create(code="closed", name="已撤销市", order=100, is_active=False)
    form_class = _city_form()
    liuzhou = City.objects.get(code="liuzhou")
    refcache.rows(City)  # the process holds the rows (the create above dropped them)
    with CaptureQueriesContext(connection) as ctx:
        html = str(form_class()["city"])
        form = form_class({"city": str(liuzhou.pk)})
        assert form.is_valid()
    assert len(ctx) == 0
    assert form.cleaned_data["city"] == liuzhou
    assert "全部设区市" in html and liuzhou.name in html and "已撤销市" not in html
    order = [c.name for c in City.objects.filter(is_active=True).order_by("order", "id")]
    assert [html.index(name) for name in order] == sorted(html.index(name) for name in order)

    refused = form_class({"city": str(inactive.pk)})
    assert not refused.is_valid() and refused.errors["city"] == ["请从列表中选择有效的选项。"]
    assert not form_class({"city": "abc"}).is_valid()
    assert form_class({"city": ""}).is_valid()

    everything = _city_form(active_only=False)
    assert "已撤销市" in str(everything()["city"])
    assert everything({"city": str(inactive.pk)}).is_valid()
