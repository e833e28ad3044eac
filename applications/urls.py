from django.urls import path

from .views import applications, calls, files, listing, partners

app_name = "applications"
urlpatterns = [
    path("", applications.application_list_redirect, name="index"),
    path("calls/", calls.call_list, name="call_list"),
    path("calls/new/", calls.call_create, name="call_create"),
    path("calls/<int:pk>/", calls.call_detail, name="call_detail"),
    path("calls/<int:pk>/edit/", calls.call_edit, name="call_edit"),
    path("calls/<int:pk>/publish/", calls.call_transition, {"action": "publish"}, name="call_publish"),
    path("calls/<int:pk>/close/", calls.call_transition, {"action": "close"}, name="call_close"),
    path("calls/<int:pk>/apply/", calls.application_start, name="start"),
    path("mine/", applications.my_applications, name="mine"),
    path("all/", listing.application_list_view, name="list"),
    path("all/export.xlsx", listing.application_export, name="export"),
    path("<int:pk>/", applications.application_detail, name="detail"),
    path("<int:pk>/edit/<slug:section>/", applications.application_edit, name="edit"),
    path("<int:pk>/partners/search/", partners.partner_search, name="partner_search"),
    path("<int:pk>/completeness/", applications.application_completeness, name="completeness"),
    path("<int:pk>/submit/", applications.application_submit, name="submit"),
    path("<int:pk>/withdraw/", applications.application_withdraw, name="withdraw"),
    path("<int:pk>/attachments/add/", files.attachment_add, name="attachment_add"),
    path("<int:pk>/attachments/<int:attachment_pk>/", files.attachment_download, name="attachment"),
    path("<int:pk>/attachments/<int:attachment_pk>/delete/", files.attachment_delete, name="attachment_delete"),
    path("<int:pk>/pdf/", files.application_pdf, name="pdf"),
]
