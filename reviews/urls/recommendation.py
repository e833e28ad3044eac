from django.urls import path, re_path

from ..views import recommendation as views

# Included by reviews/urls.py under app_name "reviews": reviews:rec_queue, reviews:fc_check, …
urlpatterns = [
    path("recommendations/", views.rec_queue, name="rec_queue"),
    path("recommendations/export.xlsx", views.rec_queue_export, name="rec_queue_export"),
    path("recommendations/<int:pk>/", views.rec_review, name="rec_review"),
    path("recommendation-batches/", views.rec_batches, name="rec_batches"),
    path("recommendation-batches/<int:pk>/", views.rec_batch, name="rec_batch"),
    path("recommendation-batches/<int:pk>/letter/", views.rec_batch_letter, name="rec_batch_letter"),
    re_path(r"^recommendation-batches/(?P<pk>\d+)/summary\.(?P<fmt>xlsx|pdf)$", views.rec_batch_summary,
            name="rec_batch_summary"),
    path("formal-checks/", views.fc_queue, name="fc_queue"),
    path("formal-checks/export.xlsx", views.fc_queue_export, name="fc_queue_export"),
    path("formal-checks/<int:pk>/", views.fc_check, name="fc_check"),
]
