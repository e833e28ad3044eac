from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReviewsConfig(AppConfig):
    name = "reviews"
    verbose_name = _("评审认定")

    def ready(self) -> None:
        from . import hooks_assessment, hooks_certification, hooks_recommendation  # noqa: F401
