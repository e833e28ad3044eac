from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SharingConfig(AppConfig):
    """开放共享: each base's service catalogue and the service requests of outside enterprises (the service
    requester role), paid in part with innovation vouchers (科技创新券)."""

    name = "sharing"
    verbose_name = _("开放共享")

    def ready(self) -> None:
        from .hooks import catalogue, requests, vouchers  # noqa: F401
