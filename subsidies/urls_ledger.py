"""资金台账 URLs (namespace `subsidies`, under /subsidies/)."""

from django.urls import path

from .views import ledger

urlpatterns: list = [
    path("ledger/", ledger.ledger_list, name="ledger_list"),
    path("ledger/export/", ledger.ledger_export, name="ledger_export"),
]
