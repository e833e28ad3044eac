from django.urls import include, path

from .views import base_import, bases, dashboard

app_name = "evaluations"
urlpatterns = [
    path("bases/import/", base_import.base_import, name="base_import"),
    path("bases/import/confirm/", base_import.base_import_confirm, name="base_import_confirm"),
    path("bases/import/template/", base_import.base_import_template, name="base_import_template"),
    # 基地名录, 我的基地, the base's page and the programme dashboard (views/bases.py, views/dashboard.py).
    path("bases/", bases.base_list, name="base_list"),
    path("bases/export/", bases.base_export, name="base_export"),
    path("bases/mine/", bases.base_mine, name="base_mine"),
    path("bases/<int:pk>/", bases.base_detail, name="base_detail"),
    path("dashboard/", dashboard.dashboard, name="dashboard"),
    path("dashboard/<slug:table>.xlsx", dashboard.dashboard_export, name="dashboard_export"),
    # 整改 and 摘牌 (views/rectification.py, views/revocation.py).
    path("", include("evaluations.urls_consequences")),
    # 年度绩效考核 and 年度报告 (views/rounds.py, views/reports.py).
    path("", include("evaluations.urls_rounds")),
    # 评分与等次 (views/scoring.py).
    path("", include("evaluations.urls_scoring")),
]
