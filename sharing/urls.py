"""开放共享 URLs (signed-in pages; the public ones are in the public app)."""

from . import urls_catalogue, urls_requests, urls_vouchers

app_name = "sharing"
urlpatterns: list = [*urls_catalogue.urlpatterns, *urls_requests.urlpatterns, *urls_vouchers.urlpatterns]
