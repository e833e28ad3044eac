from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EvaluationsConfig(AppConfig):
    name = "evaluations"
    verbose_name = _("绩效评价")

    def ready(self) -> None:
        from . import receivers  # noqa: F401
        from .hooks import base_import, bases, consequences, rounds, scoring  # noqa: F401
