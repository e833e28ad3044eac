from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PublicConfig(AppConfig):
    """The public face: pages without login. Top of the stack: it may import every app, none imports it."""

    name = "public"
    verbose_name = _("公开信息")

    def ready(self) -> None:
        from . import hooks  # noqa: F401  (the authority's registration panel and link)
