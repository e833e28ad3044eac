"""URLs of the round and the annual reports (included by evaluations.urls)."""

from django.urls import path

from .views import reports, rounds

urlpatterns = [
    path("rounds/", rounds.round_list, name="round_list"),
    path("rounds/new/", rounds.round_create, name="round_create"),
    path("rounds/<int:pk>/", rounds.round_detail, name="round_detail"),
    path("rounds/<int:pk>/settings/", rounds.round_settings, name="round_settings"),
    path("rounds/<int:pk>/indicators/", rounds.round_indicators, name="round_indicators"),
    path("rounds/<int:pk>/bands/", rounds.round_bands, name="round_bands"),
    path("rounds/<int:pk>/bases/<str:action>/", rounds.round_base, name="round_base"),
    path("rounds/<int:pk>/bases/<str:action>/search/", rounds.round_base_search, name="round_base_search"),
    path("rounds/<int:pk>/reports/", reports.report_list, name="report_list"),
    path("rounds/<int:pk>/reports/export/", reports.report_export, name="report_export"),
    path("reports/mine/", reports.report_mine, name="report_mine"),
    path("reports/<int:pk>/", reports.report_detail, name="report_detail"),
    path("reports/<int:pk>/edit/", reports.report_edit, name="report_edit"),
    path("reports/<int:pk>/pdf/", reports.report_pdf, name="report_pdf"),
    path("reports/<int:pk>/files/", reports.report_file_add, name="report_file_add"),
    path("reports/<int:pk>/files/<int:file_pk>/", reports.report_file, name="report_file"),
    path(
        "reports/<int:pk>/files/<int:file_pk>/delete/", reports.report_file_delete, name="report_file_delete"
    ),
]
