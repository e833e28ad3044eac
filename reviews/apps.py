from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReviewsConfig(AppConfig):
    name = "reviews"
    verbose_name = _("评审认定")

    def ready(self) -> None:
        from pilotbase.models import Role
        from pilotbase.timeline import restrict

        from .hooks import assessment, certification, recommendation  # noqa: F401
        from .models import ExpertAssignment, Objection

        # Who assessed an application, and who objected to it, stay with the department and the agency.
        restrict(ExpertAssignment, visible_to={Role.DEPARTMENT, Role.AGENCY})
        restrict(Objection, visible_to={Role.DEPARTMENT})
