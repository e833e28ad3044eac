from django.urls import include, path

app_name = "reviews"
# Each stage owns its URL module (keeps files small and work on stages independent).
urlpatterns = [
    path("", include("reviews.urls.recommendation")),
    path("", include("reviews.urls.assessment")),
    path("", include("reviews.urls.certification")),
]
