from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PilotbaseConfig(AppConfig):
    name = "pilotbase"
    verbose_name = _("平台基础")

    def ready(self) -> None:
        # auth: stamps each login's time in its session (re-authentication); dashboard: the core panels and links
        from . import auth, dashboard  # noqa: F401
