"""运行奖补 URLs (namespace `subsidies`, under /subsidies/)."""

from django.urls import path

from .views import rewards

urlpatterns: list = [
    path("rewards/", rewards.reward_year_list, name="reward_year_list"),
    path("rewards/new/", rewards.reward_year_create, name="reward_year_create"),
    path("rewards/<int:pk>/", rewards.reward_year_detail, name="reward_year_detail"),
    path("rewards/<int:pk>/edit/", rewards.reward_year_edit, name="reward_year_edit"),
    path("rewards/<int:pk>/export/", rewards.reward_year_export, name="reward_year_export"),
    path("rewards/<int:pk>/lines/<int:line_pk>/", rewards.reward_line_action, name="reward_line_action"),
]
