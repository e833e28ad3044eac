"""URLs of scoring and grades (included by evaluations.urls)."""

from django.urls import path

from .views import scoring

urlpatterns = [
    path("rounds/<int:pk>/evaluations/", scoring.evaluation_list, name="evaluation_list"),
    path("rounds/<int:pk>/grades/", scoring.round_grades, name="round_grades"),
    path("evaluations/<int:pk>/", scoring.evaluation_detail, name="evaluation_detail"),
]
