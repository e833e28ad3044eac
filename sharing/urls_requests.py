from django.urls import path

from .views import requests

urlpatterns: list = [
    path("bases/<int:base>/requests/new/", requests.request_create, name="request_create"),
    path("requests/mine/", requests.request_mine, name="request_mine"),
    path("requests/incoming/", requests.request_incoming, name="request_incoming"),
    path("requests/all/", requests.request_staff_list, name="request_staff_list"),
    path("requests/all/export.xlsx", requests.request_staff_xlsx, name="request_staff_xlsx"),
    path("requests/<int:pk>/", requests.request_detail, name="request_detail"),
]
