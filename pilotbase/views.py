from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import AuthenticationForm
from django.core.paginator import Paginator
from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from . import registry
from .inputs import parse_ints
from .notifications import notifications_mark_read


class LoginForm(AuthenticationForm):
    error_messages = {
        "invalid_login": gettext_lazy("用户名（或电子邮箱）或密码不正确，请重新输入。"),
        "inactive": gettext_lazy("该账号已停用，请联系系统管理员。"),
    }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["username"].label = gettext_lazy("用户名或电子邮箱")
        self.fields["password"].label = gettext_lazy("密码")


class LoginView(auth_views.LoginView):
    template_name = "pilotbase/login.html"
    authentication_form = LoginForm
    redirect_authenticated_user = True


@login_required
def dashboard(request: HttpRequest) -> HttpResponse:
    return render(request, "pilotbase/dashboard.html", {"panels": registry.panels_for(request.user)})


@login_required
def notification_list(request: HttpRequest) -> HttpResponse:
    qs = request.user.notifications.all()
    if request.GET.get("unread"):
        qs = qs.filter(read_at__isnull=True)
    page = Paginator(qs, 20).get_page(request.GET.get("page"))
    return render(request, "pilotbase/notifications.html", {"page": page, "unread_only": bool(request.GET.get("unread"))})


@login_required
@require_POST
def notification_read(request: HttpRequest) -> HttpResponse:
    ids = request.POST.getlist("id")
    count = notifications_mark_read(user=request.user, ids=parse_ints(ids) if ids else None)
    messages.success(request, _("已将 %(n)d 条通知标记为已读。") % {"n": count})
    target = request.POST.get("next") or ""
    from django.utils.http import url_has_allowed_host_and_scheme

    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return redirect(target)
    return redirect("notifications")


@never_cache
def healthz(request: HttpRequest) -> JsonResponse:
    """Database and broker reachable? 200 when both are, 503 otherwise."""
    result = {"database": False, "broker": False}
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            result["database"] = cursor.fetchone()[0] == 1
    except Exception as exc:  # report, never raise
        result["database_error"] = str(exc)[:200]
    if settings.CELERY_TASK_ALWAYS_EAGER:
        result["broker"] = True
        result["broker_mode"] = "inline"
    else:
        try:
            from .celery import app

            with app.connection_for_write() as conn:
                conn.ensure_connection(max_retries=1, timeout=2)
            result["broker"] = True
        except Exception as exc:
            result["broker_error"] = str(exc)[:200]
    ok = result["database"] and result["broker"]
    result["status"] = "ok" if ok else "fail"
    return JsonResponse(result, status=200 if ok else 503)


def error_404(request: HttpRequest, exception=None) -> HttpResponse:
    return render(request, "404.html", status=404)


def error_403(request: HttpRequest, exception=None) -> HttpResponse:
    return render(request, "403.html", {"reason": str(exception) if exception else ""}, status=403)


def favicon(request: HttpRequest) -> HttpResponse:
    """Browsers ask for /favicon.ico whatever the page links; send them to the static icon."""
    from django.shortcuts import redirect
    from django.templatetags.static import static

    return redirect(static("img/favicon.svg"))  # not permanent: the hashed name changes with the icon
