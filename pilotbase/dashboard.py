from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from .models import Role
from .registry import NavLink, Panel, register_nav, register_panel

ALL_ROLES = frozenset(Role.values)

register_nav(NavLink(_("工作台"), "dashboard", ALL_ROLES, order=0))
register_nav(NavLink(_("消息通知"), "notifications", ALL_ROLES, order=90))


def unread_panel(user) -> Panel:
    unread = list(user.notifications.filter(read_at__isnull=True)[:5])
    return Panel(
        title=str(_("未读通知")),
        count=user.notifications.filter(read_at__isnull=True).count(),
        url=reverse("notifications"),
        items=[{"label": n.title, "url": n.url or reverse("notifications"), "meta": n.created_at} for n in unread],
        empty_text=str(_("没有未读通知。")),
        order=99,
    )


register_panel(ALL_ROLES, unread_panel)
