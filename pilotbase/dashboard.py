from django.db.models import QuerySet
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from .models import Role
from .registry import NavLink, Panel, register_nav, register_panel
from .subqueries import CountOf

ALL_ROLES = frozenset(Role.values)

register_nav(NavLink(_("工作台"), "dashboard", ALL_ROLES, order=0))
register_nav(NavLink(_("消息通知"), "notifications", ALL_ROLES, order=90))


def head_and_count(qs: QuerySet, n: int = 5) -> tuple[list, int]:
    """A panel's first `n` rows and the total in one query: the total a scalar subquery over the filtered rows
    alone (`CountOf`, computed once), so the page's rows are joined and sorted only up to the LIMIT. It was
    `COUNT(*) OVER ()`, which joins every matching row first: 42 ms for a requester's 3,603 requests). An
    empty head reads the total as 0 (no row carries it)."""
    rows = list(qs.annotate(_panel_total=CountOf(qs))[:n])
    return rows, (rows[0]._panel_total if rows else 0)


def unread_panel(user) -> Panel:
    unread, count = head_and_count(user.notifications.filter(read_at__isnull=True))
    user._unread_count = count  # the header's bell (context_processors.portal) reuses it on this request
    return Panel(
        title=str(_("未读通知")),
        count=count,
        url=reverse("notifications"),
        items=[{"label": n.title, "url": n.url or reverse("notifications"), "meta": n.created_at} for n in unread],
        empty_text=str(_("没有未读通知。")),
        order=99,
    )


register_panel(ALL_ROLES, unread_panel)
