"""奖补 URLs: one module per record family, all under the app's namespace."""

from . import urls_construction, urls_ledger, urls_recovery, urls_rewards

app_name = "subsidies"
urlpatterns: list = [*urls_ledger.urlpatterns, *urls_construction.urlpatterns, *urls_rewards.urlpatterns,
                     *urls_recovery.urlpatterns]
