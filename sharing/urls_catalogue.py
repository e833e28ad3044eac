from django.urls import path

from .views import catalogue

urlpatterns: list = [
    path("services/", catalogue.offering_list, name="offering_list"),
    path("bases/<int:base>/services/", catalogue.base_offerings, name="base_offerings"),
    path("bases/<int:base>/services/new/", catalogue.offering_create, name="offering_create"),
    path("services/<int:pk>/edit/", catalogue.offering_edit, name="offering_edit"),
    path("services/<int:pk>/delete/", catalogue.offering_delete, name="offering_delete"),
    path("services/<int:pk>/hide/", catalogue.offering_hide, name="offering_hide"),
    path("services/<int:pk>/unhide/", catalogue.offering_unhide, name="offering_unhide"),
]
