"""建设支持 URLs (namespace `subsidies`, under /subsidies/)."""

from django.urls import path

from .views import construction as views

urlpatterns: list = [
    path("construction/", views.grant_list, name="construction_list"),
    path("construction/new/", views.grant_create, name="construction_create"),
    path("construction/new/bases/", views.grant_base_search, name="construction_base_search"),
    path("construction/budgets/", views.budget_list, name="construction_budgets"),
    path("construction/bases/<int:base_pk>/check/", views.base_check, name="construction_base_check"),
    path("construction/<int:pk>/", views.grant_detail, name="construction_detail"),
    path("construction/<int:pk>/notice.pdf", views.grant_notice, name="construction_notice"),
    path("construction/<int:pk>/spending/", views.spending_report, name="construction_spending"),
    path("construction/<int:pk>/spending/files/<int:file_pk>/", views.spending_file,
         name="construction_spending_file"),
]
