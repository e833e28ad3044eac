from django.urls import include, path

from .views import base_import

app_name = "evaluations"
urlpatterns = [
    path("bases/import/", base_import.base_import, name="base_import"),
    path("bases/import/confirm/", base_import.base_import_confirm, name="base_import_confirm"),
    path("bases/import/template/", base_import.base_import_template, name="base_import_template"),
    # 年度绩效考核 and 年度报告 (views/rounds.py, views/reports.py).
    path("", include("evaluations.urls_rounds")),
]
