from django.urls import path

from ..views import certification as staff

# Included by reviews/urls.py (app_name "reviews"), itself mounted at /reviews/.
urlpatterns = [
    path("certification/notices/", staff.notice_list, name="notice_list"),
    path("certification/notices/new/", staff.notice_create, name="notice_create"),
    path("certification/notices/<int:pk>/", staff.notice_detail, name="notice_detail"),
    path("certification/notices/<int:pk>/publish/", staff.notice_publish, name="notice_publish"),
    path("certification/notices/<int:pk>/close/", staff.notice_close, name="notice_close"),
    path("certification/notices/<int:pk>/certify/", staff.cert_run, name="cert_run"),
    path("certification/objections/", staff.objection_list, name="notice_objection_list"),
    path("certification/objections/<int:pk>/", staff.objection_handle, name="notice_objection_handle"),
    path("certification/objections/<int:pk>/evidence/", staff.objection_evidence, name="notice_objection_evidence"),
    path("certification/bases/", staff.cert_base_list, name="cert_base_list"),
    path("certification/bases/<int:pk>/plaque/", staff.cert_plaque, name="cert_plaque"),
    path("certification/bases/<int:pk>/regenerate/", staff.cert_regenerate, name="cert_regenerate"),
    path("certification/certificates/<int:pk>/pdf/", staff.cert_download, name="cert_download"),
]
