from django.urls import path

from ..views import assessment as views

# Names: "reviews:assess_*".
urlpatterns = [
    path("assessment/commissions/", views.commission_list, name="assess_commissions"),
    path("assessment/commissions/new/", views.commission_create, name="assess_commission_create"),
    path("assessment/experts/", views.expert_pool, name="assess_experts"),
    path("assessment/<int:pk>/", views.assessment_detail, name="assess_detail"),
    path("assessment/files/<int:pk>/", views.site_visit_file, name="assess_site_file"),
    path("assessment/my/", views.my_assignments, name="assess_my"),
    path("assessment/seats/<int:pk>/", views.assignment_detail, name="assess_assignment"),
    path("assessment/seats/<int:pk>/attachments/<int:attachment_id>/", views.assignment_attachment,
         name="assess_attachment"),
    path("assessment/ranking/", views.ranked_list, name="assess_ranked"),
    path("assessment/ranking/export/", views.ranked_export, name="assess_ranked_export"),
]
