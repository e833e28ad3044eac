"""追回 URLs (namespace `subsidies`, under /subsidies/)."""

from django.urls import path

from .views import recovery

urlpatterns: list = [
    path("recoveries/", recovery.recovery_list, name="recovery_list"),
    path("recoveries/new/", recovery.recovery_create, name="recovery_create"),
    path("recoveries/<int:pk>/", recovery.recovery_detail, name="recovery_detail"),
]
