"""/api/v1/…: the open-data API (app_name "api"), its OpenAPI 3 schema and the Swagger UI docs page."""

from django.urls import path, re_path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from . import views

app_name = "api"
urlpatterns = [
    path("bases/", views.BaseList.as_view(), name="base_list"),
    path("bases/<int:pk>/", views.BaseDetail.as_view(), name="base_detail"),
    path("notices/", views.NoticeList.as_view(), name="notice_list"),
    path("notices/<int:pk>/", views.NoticeDetail.as_view(), name="notice_detail"),
    path("results/", views.ResultList.as_view(), name="result_list"),
    path("results/<int:year>/", views.ResultDetail.as_view(), name="result_detail"),
    path("certificates/<str:number>/", views.CertificateDetail.as_view(), name="certificate_detail"),
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    # Swagger UI from drf-spectacular-sidecar's static files; its start script is a separate request (?script),
    # so the page needs no inline script under the portal's CSP.
    path("docs/", SpectacularSwaggerSplitView.as_view(url_name="api:schema"), name="docs"),
    # anything else under /api/v1/ (/bases/-1/, /results/abc/, a typo) is the API's JSON 404, not the portal's page
    re_path(r"^", views.NotFound.as_view(), name="not_found"),
]
