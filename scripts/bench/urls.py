"""Bench-only urlconf: the project's URLs plus the floor (a bare view rendering a minimal template).
Never part of the product: the bench sets ROOT_URLCONF to this module for its own process and its gunicorn."""

from django.http import HttpResponse
from django.template import engines
from django.urls import include, path

FLOOR = engines["django"].from_string("<!doctype html><html><head><title>{{ title }}</title></head>"
                                      "<body><h1>{{ title }}</h1><p>{{ text }}</p></body></html>")


def floor(request):
    return HttpResponse(FLOOR.render({"title": "floor", "text": "中试研究基地"}, request))


urlpatterns = [path("__bench__/floor/", floor, name="bench_floor"), path("", include("pilotbase.urls"))]
