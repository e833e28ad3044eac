"""URLs of scoring and grades (included by evaluations.urls)."""

from django.urls import path

from .views import scoring, seats

urlpatterns = [
    path("rounds/<int:pk>/evaluations/", scoring.evaluation_list, name="evaluation_list"),
    path("rounds/<int:pk>/grades/", scoring.round_grades, name="round_grades"),
    path("evaluations/<int:pk>/", scoring.evaluation_detail, name="evaluation_detail"),
    path("seats/mine/", seats.seat_mine, name="seat_mine"),
    path("seats/<int:pk>/", seats.seat_detail, name="seat_detail"),
]
