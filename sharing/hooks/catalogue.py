"""Registry contributions of 开放共享 (catalogue): the base page's panel of its service entries (with the link to
keep them for the lead unit's users, to hide or show them for staff) and staff's nav link to every entry."""

from django.db.models import Exists, OuterRef
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from pilotbase.models import Base, Role
from pilotbase.registry import NavLink, known_none, register_detail_panel, register_nav
from pilotbase.rules import is_staff_side

register_nav(NavLink(_("服务目录"), "sharing:offering_list", frozenset({Role.DEPARTMENT, Role.ADMIN}), order=65))


def base_offerings_panel(request, base: Base):
    """Every entry of the base (hidden ones marked) for whoever reads the base's page; the catalogue's page link for
    its keepers (the lead unit's users, base not revoked) and staff."""
    from ..rules import may_keep_catalogue
    from ..selectors import base_offerings

    user = request.user
    may_edit = may_keep_catalogue(user, base)
    offerings = [] if known_none(base, "sharing_has_offerings") else list(base_offerings(base))
    link = may_edit or is_staff_side(user)
    if not offerings and not link:
        return None
    return "sharing/_base_offerings.html", {
        "offerings": offerings, "may_edit": may_edit,
        "catalogue_url": reverse("sharing:base_offerings", args=[base.pk]) if link else "",
    }


def _facts() -> dict:
    from ..models import ServiceOffering

    return {"sharing_has_offerings": Exists(ServiceOffering.objects.filter(base=OuterRef("pk")))}


register_detail_panel(Base, base_offerings_panel, facts=_facts)
