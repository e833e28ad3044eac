from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PilotbaseConfig(AppConfig):
    name = "pilotbase"
    verbose_name = _("平台基础")

    def ready(self) -> None:
        from . import dashboard  # noqa: F401  (registers the core panels and links)
