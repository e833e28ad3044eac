from django.urls import path

from .views import coverage, directory, evaluations, home, notices

# Mounted at /public/ (app_name "public"): pages without login.
app_name = "public"
urlpatterns = [
    path("calls/<int:pk>/", home.call_detail, name="call_detail"),
    path("notices/", notices.notice_list, name="notice_list"),
    path("notices/<int:pk>/", notices.notice_detail, name="notice_detail"),
    path("notices/<int:pk>/objection/", notices.objection, name="objection"),
    path("bases/", directory.base_list, name="base_list"),
    path("bases/<int:pk>/", directory.base_detail, name="base_detail"),
    path("coverage/", coverage.coverage_page, name="coverage"),
    path("coverage/coverage.xlsx", coverage.coverage_xlsx, name="coverage_xlsx"),
    path("verify/<uuid:token>/", notices.verify, name="verify"),
    path("evaluations/", evaluations.evaluation_list, name="evaluation_list"),
    path("evaluations/<int:year>/", evaluations.evaluation_results, name="evaluation_results"),
    path(
        "evaluations/<int:year>/results.xlsx",
        evaluations.evaluation_results_xlsx,
        name="evaluation_results_xlsx",
    ),
    path(
        "evaluations/<int:year>/announcement.pdf",
        evaluations.evaluation_announcement_pdf,
        name="evaluation_announcement_pdf",
    ),
]
