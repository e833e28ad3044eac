from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PilotbaseConfig(AppConfig):
    name = "pilotbase"
    verbose_name = _("平台基础")

    def ready(self) -> None:
        # auth: stamps each login's time in its session (re-authentication); dashboard: the core panels and links
        from . import auth, dashboard, refcache  # noqa: F401

        refcache.install()  # foreign keys to 设区市, 产业领域, 平台类型 read the rows held in the process
