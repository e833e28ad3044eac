"""What 公示与认定 contributes to pilotbase.registry: nav links, dashboard panels, the certificate on the application
page, the objections kept off the applicant's and the authority's timeline, and the demo seeder (its code in
reviews.demo)."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from applications.models import Application
from pilotbase.dashboard import head_and_count
from pilotbase.models import Role
from pilotbase.registry import (
    NavLink,
    Panel,
    register_detail_panel,
    register_nav,
    register_panel,
    register_seeder,
    restrict,
)

from ..models import Objection

STAFF = frozenset({Role.DEPARTMENT, Role.ADMIN})

register_nav(NavLink(_("公示与认定"), "reviews:notice_list", STAFF, order=50))
register_nav(NavLink(_("认定基地"), "reviews:cert_base_list", STAFF, order=51))
register_nav(NavLink(_("公示公告"), "public:notice_list", frozenset(Role.values), order=85))


def notices_running_panel(user: Any) -> Panel:
    from ..models import NoticeState, PublicNotice

    running, count = head_and_count(PublicNotice.objects.filter(state=NoticeState.PUBLISHED).order_by("ends_on", "id"))
    return Panel(
        title=str(_("公示中（按截止日期）")), count=count, url=reverse("reviews:notice_list"),
        items=[{"label": n.title, "url": reverse("reviews:notice_detail", args=[n.pk]), "meta": n.last_day}
               for n in running],
        empty_text=str(_("没有正在公示的名单。")), order=40,
    )


def objections_pending_panel(user: Any) -> Panel:
    from ..models import ObjectionState
    from ..selectors.certification import objections_for_staff

    pending, count = head_and_count(objections_for_staff(state=ObjectionState.PENDING))
    return Panel(
        title=str(_("待处理的异议")), count=count,
        url=reverse("reviews:notice_objection_list") + "?state=pending",
        items=[{"label": f"#{o.pk} · {o.entry.subject_name}",
                "url": reverse("reviews:notice_objection_handle", args=[o.pk]), "meta": o.created_at}
               for o in pending],
        empty_text=str(_("没有待处理的异议。")), order=41,
    )


def certification_pending_panel(user: Any) -> Panel:
    from pilotbase.models import Certificate, CertificateState

    from ..models import NoticeEntryState, NoticeState, PublicNotice

    to_certify = (PublicNotice.objects.filter(state=NoticeState.CLOSED, entries__state=NoticeEntryState.LISTED,
                                              kind="certification")
                  .distinct().order_by("ends_on", "id"))
    pending_pdfs = Certificate.objects.filter(state=CertificateState.PENDING).count()
    notices, n_notices = head_and_count(to_certify)
    items = [{"label": str(_("待认定：%(title)s") % {"title": n.title}),
              "url": reverse("reviews:notice_detail", args=[n.pk])} for n in notices]
    if pending_pdfs:
        items.append({"label": str(_("%(n)d 份证书PDF生成中") % {"n": pending_pdfs}),
                      "url": reverse("reviews:cert_base_list")})
    return Panel(title=str(_("待认定与证书生成")), count=n_notices + pending_pdfs,
                 url=reverse("reviews:cert_base_list"), items=items,
                 empty_text=str(_("没有待认定的名单或待生成的证书。")), order=42)


register_panel(STAFF, notices_running_panel)
register_panel(STAFF, objections_pending_panel)
register_panel(STAFF, certification_pending_panel)


# ---- the certificate on the application page (a detail panel of Application) ---------------
def certificate_panel(request: Any, application: Any) -> tuple[str, dict] | None:
    """Whoever may see the application sees its certificate; the PDF link only where download is allowed."""
    from pilotbase.models import Certificate, CertificateState

    from ..selectors.certification import certificate_can_download

    if not application.base_id:
        return None
    certificate = Certificate.objects.select_related("base").filter(base_id=application.base_id).first()
    if certificate is None:
        return None
    return "reviews/certification/_certificate_panel.html", {
        "certificate": certificate, "base": certificate.base,
        "can_download": (certificate.state != CertificateState.REVOKED
                         and certificate_can_download(request.user, certificate, application)),
        "verify_url": reverse("public:verify", args=[certificate.token]),
    }


register_detail_panel(Application, certificate_panel)


def _seed(core: dict) -> None:
    from ..demo import seed_certification

    seed_certification(core)


register_seeder(40, "公示与认定", _seed)


# Who objected to an application (and that anyone did) stays with the department.
restrict(Objection, visible_to={Role.DEPARTMENT})
