"""整改 and 摘牌 URLs, included by evaluations/urls.py into the `evaluations` namespace."""

from django.urls import path

from .views import rectification, revocation

urlpatterns = [
    path("rectifications/", rectification.rectification_list, name="rectification_list"),
    path("rectifications/export/", rectification.rectification_export, name="rectification_export"),
    path("rectifications/<int:pk>/", rectification.rectification_detail, name="rectification_detail"),
    path("rectifications/<int:pk>/report/", rectification.rectification_report, name="rectification_report"),
    path(
        "rectifications/<int:pk>/files/<int:file_pk>/",
        rectification.rectification_file,
        name="rectification_file",
    ),
    path(
        "rectifications/<int:pk>/files/<int:file_pk>/delete/",
        rectification.rectification_file_delete,
        name="rectification_file_delete",
    ),
    path("results/<int:result_pk>/rectify/", rectification.rectification_open, name="rectification_open"),
    path("bases/<int:base_pk>/rectify/", rectification.rectification_order, name="rectification_order"),
    path("revocations/", revocation.revocation_list, name="revocation_list"),
    path("revocations/export/", revocation.revocation_export, name="revocation_export"),
    path("revocations/<int:pk>/", revocation.revocation_detail, name="revocation_detail"),
    path("bases/<int:base_pk>/revoke/", revocation.revocation_propose_other, name="revocation_propose_other"),
]
