from django.conf import settings

from . import registry


def portal(request):
    user = getattr(request, "user", None)
    ctx = {"PORTAL_NAME": settings.PORTAL_NAME, "PORTAL_ISSUER": settings.PORTAL_ISSUER}
    if user is not None and user.is_authenticated:
        ctx["nav_links"] = registry.nav_for(user)
        # counted once a request: read with the user (auth.UsernameOrEmailBackend.get_user), or set by the
        # dashboard's unread panel, else here (a user not read by the backend); a page that renders its panels with
        # the request (a base's page renders one per stage) runs this processor once per panel
        count = getattr(user, "_unread_count", None)
        if count is None:
            count = user._unread_count = user.notifications.filter(read_at__isnull=True).count()
        ctx["unread_count"] = count
    return ctx
