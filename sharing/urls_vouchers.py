from django.urls import path

from .views import vouchers

urlpatterns: list = [
    path("vouchers/", vouchers.voucher_usage, name="voucher_usage"),
    path("vouchers/export/", vouchers.voucher_usage_export, name="voucher_usage_export"),
]
