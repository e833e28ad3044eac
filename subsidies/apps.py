from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SubsidiesConfig(AppConfig):
    name = "subsidies"
    verbose_name = _("财政支持")

    def ready(self) -> None:
        from . import receivers  # noqa: F401
        from .hooks import construction, ledger, recovery, rewards  # noqa: F401
