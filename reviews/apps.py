from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReviewsConfig(AppConfig):
    name = "reviews"
    verbose_name = _("评审认定")

    def ready(self) -> None:
        from . import (
            receivers,  # noqa: F401  (consequences of the application's transitions)
            tasks,  # noqa: F401  (the workers see every stage's tasks)
        )
        from .hooks import assessment, certification, recommendation  # noqa: F401  (registry contributions)
