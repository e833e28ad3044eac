from django.conf import settings

from . import registry


def portal(request):
    user = getattr(request, "user", None)
    ctx = {"PORTAL_NAME": settings.PORTAL_NAME, "PORTAL_ISSUER": settings.PORTAL_ISSUER}
    if user is not None and user.is_authenticated:
        ctx["nav_links"] = registry.nav_for(user)
        count = getattr(user, "_unread_count", None)  # set by the dashboard's unread panel on this request
        ctx["unread_count"] = count if count is not None else user.notifications.filter(read_at__isnull=True).count()
    return ctx
