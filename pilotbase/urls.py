from django.conf import settings
from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from public.views import home as public_home
from public.views import notices as public_notices
from public.views import registration as public_registration

from . import twofactor, views, views_account, views_security

admin.site.site_header = settings.PORTAL_NAME
admin.site.site_title = settings.PORTAL_NAME

urlpatterns = [
    path("", public_home.home, name="home"),  # the public front door; signed-in users go on to the dashboard
    path("login/", views.LoginView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("password/reset/", views_account.password_reset, name="password_reset"),
    path("password/reset/sent/", views_account.password_reset_done, name="password_reset_done"),
    path("password/reset/<uidb64>/<token>/", views_account.password_reset_confirm, name="password_reset_confirm"),
    path("password/reset/done/", views_account.password_reset_complete, name="password_reset_complete"),
    path("password/change/", views_account.password_change, name="password_change"),
    path("password/change/done/", views_account.password_change_done, name="password_change_done"),
    path("reauth/", views_account.reauth, name="reauth"),
    path("2fa/verify/", views_account.two_factor_verify, name="two_factor_verify"),
    path("2fa/setup/", views_account.two_factor_setup, name="two_factor_setup"),
    path("2fa/codes/", views_security.two_factor_codes, name="two_factor_codes"),
    path("account/security/", views_security.account_security, name="account_security"),
    path("account/security/passkeys/<int:pk>/rename/", views_security.passkey_rename, name="passkey_rename"),
    path("account/security/passkeys/<int:pk>/remove/", views_security.passkey_remove, name="passkey_remove"),
    path("account/security/authenticator/remove/", views_security.totp_remove, name="totp_remove"),
    path("account/security/recovery-codes/", views_security.recovery_codes_regenerate,
         name="recovery_codes_regenerate"),
    path("2fa/passkey/", include((twofactor.passkey_urlpatterns(), twofactor.PASSKEY_NAMESPACE))),
    path("dashboard/", views.dashboard, name="dashboard"),
    path("notifications/", views.notification_list, name="notifications"),
    path("notifications/read/", views.notification_read, name="notifications_read"),
    path("healthz", views.healthz, name="healthz"),
    path("favicon.ico", views.favicon),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    path("applications/", include("applications.urls")),
    path("reviews/", include("reviews.urls")),
    # QR codes on certificates printed before the public app point here: kept as a permanent redirect.
    path("reviews/public/verify/<uuid:token>/", public_notices.verify_moved, name="verify_legacy"),
    path("public/", include("public.urls")),
    path("api/v1/", include("public.api.urls")),  # the open-data API (docs/api.md)
    # 单位注册: the public form and confirmation link, and the chosen authority's review pages.
    path("register/", public_registration.register, name="register"),
    path("register/requester/", public_registration.register_requester, name="register_requester"),
    path("register/sent/", public_registration.register_sent, name="register_sent"),
    path("register/confirm/<str:token>/", public_registration.register_confirm, name="register_confirm"),
    path("registrations/", public_registration.registration_list, name="registrations"),
    path("registrations/<int:pk>/", public_registration.registration_detail, name="registration_detail"),
    path("invite/", public_registration.invite, name="invite"),
    path("invite/accept/<str:token>/", public_registration.invite_accept, name="invite_accept"),
    path("evaluations/", include("evaluations.urls")),
    path("subsidies/", include("subsidies.urls")),
    path("sharing/", include("sharing.urls")),
]

handler404 = "pilotbase.views.error_404"
handler403 = "pilotbase.views.error_403"
handler500 = "pilotbase.errors.server_error"  # 503 while the database is down
