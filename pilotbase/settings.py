"""One settings module, driven by the environment.

Nothing set: the embedded default (SQLite file in var/, Celery tasks inline, e-mail to the
console, DEBUG on). DATABASE_URL / REDIS_URL switch to PostgreSQL and a real Redis broker.
DJANGO_PRODUCTION=1 turns on every security setting and requires the secrets.
A bad or missing required value raises ImproperlyConfigured naming the variable.
"""

from datetime import timedelta
from pathlib import Path
from urllib.parse import urlsplit

import environ
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent
env = environ.Env()


def _bool(name: str, default: bool) -> bool:
    raw = env.str(name, default="")
    if raw == "":
        return default
    if raw.lower() in {"1", "true", "yes", "on"}:
        return True
    if raw.lower() in {"0", "false", "no", "off"}:
        return False
    raise ImproperlyConfigured(f"{name} must be 1/0, true/false, yes/no or on/off, not {raw!r}")


def _int(name: str, default: int) -> int:
    raw = env.str(name, default="")
    if raw == "":
        return default
    try:
        return int(raw)
    except ValueError as exc:
        raise ImproperlyConfigured(f"{name} must be a whole number, not {raw!r}") from exc


def _secret(name: str, default: str | None = None) -> str:
    """Reads NAME, or the file named by NAME_FILE (for Docker/Kubernetes secrets)."""
    file_name = env.str(f"{name}_FILE", default="")
    if file_name:
        try:
            return Path(file_name).read_text().strip()
        except OSError as exc:
            raise ImproperlyConfigured(f"{name}_FILE points at {file_name!r}, which cannot be read") from exc
    value = env.str(name, default="")
    if value:
        return value
    if default is None:
        raise ImproperlyConfigured(f"{name} (or {name}_FILE) must be set")
    return default


PRODUCTION = _bool("DJANGO_PRODUCTION", False)
DEBUG = _bool("DJANGO_DEBUG", not PRODUCTION)
if PRODUCTION and DEBUG:
    raise ImproperlyConfigured("DJANGO_DEBUG cannot be on when DJANGO_PRODUCTION is set")

SECRET_KEY = _secret("DJANGO_SECRET_KEY", None if PRODUCTION else "dev-only-insecure-key-change-me-0123456789abcdef")
if PRODUCTION and len(SECRET_KEY) < 50:
    raise ImproperlyConfigured("DJANGO_SECRET_KEY must be at least 50 characters in production")

ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS", default=[] if PRODUCTION else ["127.0.0.1", "localhost", "testserver"])
if PRODUCTION and not ALLOWED_HOSTS:
    raise ImproperlyConfigured("DJANGO_ALLOWED_HOSTS must be set in production")
CSRF_TRUSTED_ORIGINS = env.list("DJANGO_CSRF_TRUSTED_ORIGINS", default=[])
SITE_URL = env.str("SITE_URL", default="http://127.0.0.1:8000").rstrip("/")

INSTALLED_APPS = [
    "whitenoise.runserver_nostatic",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_otp",  # two-step login: TOTP authenticators and recovery codes (pilotbase.twofactor)
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "django_otp_webauthn",  # passkeys (WebAuthn) as a second kind of two-step device (pilotbase.twofactor)
    "axes",  # login lockout and the audit of attempts (AccessAttempt, AccessLog, AccessFailureLog in the admin)
    "rules.apps.AutodiscoverRulesConfig",
    "crispy_forms",
    "crispy_bootstrap5",
    "bootstrap",  # django-bootstrap-static: Bootstrap's CSS/JS served by us, not a CDN
    "rest_framework",  # the open-data API (public/api): read-only JSON
    "drf_spectacular",  # its OpenAPI 3 schema
    "drf_spectacular_sidecar",  # Swagger UI's files for the API docs page, served by WhiteNoise (no CDN)
    "pilotbase",
    "applications",
    "reviews",
    "evaluations",
    "subsidies",
    "sharing",
    "public",  # top of the stack: pages without login
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "csp.middleware.CSPMiddleware",  # Content-Security-Policy on every page, early responses too
    "django.contrib.sessions.middleware.SessionMiddleware",
    "pilotbase.middleware.PortalLocaleMiddleware",
    "pilotbase.middleware.RequestSizeLimitMiddleware",  # 413 before CSRF (or anything) reads the body
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "pilotbase.auth.SessionIdleMiddleware",  # sliding expiry: SESSION_COOKIE_AGE counts from the last request
    "pilotbase.twofactor.TwoFactorMiddleware",  # a session that owes the second login step sees only that page
    "pilotbase.middleware.PrivateCacheMiddleware",  # private, no-store for signed-in / protected
    "django.contrib.messages.middleware.MessageMiddleware",
    "pilotbase.middleware.PortalNotFoundMiddleware",  # a view's 404 is the portal page, in DEBUG too
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "axes.middleware.AxesMiddleware",  # last: turns a locked-out login into the login page with the reason
]

ROOT_URLCONF = "pilotbase.urls"
WSGI_APPLICATION = "pilotbase.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "pilotbase.context_processors.portal",
            ],
        },
    },
]

VAR_DIR = Path(env.str("PILOTBASE_VAR_DIR", default=str(BASE_DIR / "var")))
DATABASE_URL = env.str("DATABASE_URL", default="")
if DATABASE_URL:
    if not DATABASE_URL.startswith(("postgres://", "postgresql://", "sqlite:///")):
        raise ImproperlyConfigured("DATABASE_URL must be a postgres:// (or sqlite:///) URL")
    try:
        DATABASES = {"default": env.db_url_config(DATABASE_URL)}
    except Exception as exc:  # django-environ raises several kinds for a bad URL
        raise ImproperlyConfigured(f"DATABASE_URL is not a valid database URL: {exc}") from exc
    DATABASES["default"]["CONN_MAX_AGE"] = _int("DATABASE_CONN_MAX_AGE", 60)
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
    DATABASES["default"]["ATOMIC_REQUESTS"] = False
elif PRODUCTION:
    raise ImproperlyConfigured("DATABASE_URL must be set in production")
else:
    VAR_DIR.mkdir(parents=True, exist_ok=True)
    DATABASES = {"default": {"ENGINE": "django.db.backends.sqlite3", "NAME": VAR_DIR / "db.sqlite3"}}
if DATABASES["default"]["ENGINE"].endswith("sqlite3"):
    # IMMEDIATE: a transaction takes SQLite's write lock when it begins, so two simultaneous decisions queue
    # (waiting up to `timeout` seconds) instead of both reading and then deadlocking on the upgrade to a
    # write, which SQLite answers at once with "database is locked" (a 500 for one double submit).
    DATABASES["default"].setdefault("OPTIONS", {}).update({"transaction_mode": "IMMEDIATE", "timeout": 20})
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "pilotbase.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",  # first: refuses a locked account or address before any check
    "rules.permissions.ObjectPermissionBackend",
    "pilotbase.auth.UsernameOrEmailBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "dashboard"
LOGOUT_REDIRECT_URL = "login"
PASSWORD_RESET_TIMEOUT = _int("PILOTBASE_PASSWORD_RESET_HOURS", 2) * 3600  # a reset link's life (one use)
# A signed-in session ends after this much inactivity (pilotbase.auth.SessionIdleMiddleware slides it).
SESSION_COOKIE_AGE = _int("PILOTBASE_SESSION_IDLE_MINUTES", 120) * 60
# Sensitive actions (@recent_login_required) ask for the password again when the session's last password
# check (login or 请再次输入密码) is older than this.
PILOTBASE_REAUTH_MINUTES = _int("PILOTBASE_REAUTH_MINUTES", 30)
# Two-step login (TOTP) required for department, agency and admin accounts; on by default in production only,
# so the demo and the tests sign in with a password. Anyone may turn it on for their own account.
PILOTBASE_2FA_REQUIRED = _bool("PILOTBASE_2FA_REQUIRED", PRODUCTION)
OTP_TOTP_ISSUER = "广西中试基地管理平台"  # the name shown in the authenticator app
# Passkeys (django-otp-webauthn) are bound to the site's domain: SITE_URL's host and origin. Second step only
# (no passwordless login: the password, and the login lockout that counts it, always come first).
# A passkey cannot be bound to an IP address: the local default (http://127.0.0.1:8000) uses http://localhost.
_site = urlsplit(SITE_URL)
OTP_WEBAUTHN_RP_ID = "localhost" if _site.hostname in (None, "127.0.0.1") else _site.hostname
OTP_WEBAUTHN_RP_NAME = OTP_TOTP_ISSUER
OTP_WEBAUTHN_ALLOWED_ORIGINS = [SITE_URL if OTP_WEBAUTHN_RP_ID == _site.hostname
                                else f"{_site.scheme}://localhost" + (f":{_site.port}" if _site.port else "")]
OTP_WEBAUTHN_ALLOW_PASSWORDLESS_LOGIN = False
if PASSWORD_RESET_TIMEOUT <= 0 or SESSION_COOKIE_AGE <= 0 or PILOTBASE_REAUTH_MINUTES <= 0:
    raise ImproperlyConfigured("PILOTBASE_PASSWORD_RESET_HOURS, PILOTBASE_SESSION_IDLE_MINUTES and "
                               "PILOTBASE_REAUTH_MINUTES must be at least 1")
# Login lockout (django-axes): failures are counted per account (username or its e-mail, one count) and per
# client address (behind PILOTBASE_PROXY_COUNT proxies). An account locks after PILOTBASE_LOGIN_FAILURE_LIMIT
# failures from anywhere; an address after PILOTBASE_LOGIN_ADDRESS_FAILURE_LIMIT on any accounts (higher: a
# whole office may share one NAT address). The lock lifts PILOTBASE_LOGIN_LOCKOUT_MINUTES after the last
# failure (0: only an administrator lifts it, by deleting the attempt in the admin or `manage.py axes_reset_username`).
PILOTBASE_LOGIN_FAILURE_LIMIT = _int("PILOTBASE_LOGIN_FAILURE_LIMIT", 5)
PILOTBASE_LOGIN_ADDRESS_FAILURE_LIMIT = _int("PILOTBASE_LOGIN_ADDRESS_FAILURE_LIMIT", 20)
PILOTBASE_LOGIN_LOCKOUT_MINUTES = _int("PILOTBASE_LOGIN_LOCKOUT_MINUTES", 30)
if PILOTBASE_LOGIN_FAILURE_LIMIT < 1 or PILOTBASE_LOGIN_ADDRESS_FAILURE_LIMIT < PILOTBASE_LOGIN_FAILURE_LIMIT:
    raise ImproperlyConfigured("PILOTBASE_LOGIN_FAILURE_LIMIT must be at least 1 and "
                               "PILOTBASE_LOGIN_ADDRESS_FAILURE_LIMIT at least as large")
if PILOTBASE_LOGIN_LOCKOUT_MINUTES < 0:
    raise ImproperlyConfigured("PILOTBASE_LOGIN_LOCKOUT_MINUTES must be 0 or more")
AXES_FAILURE_LIMIT = PILOTBASE_LOGIN_FAILURE_LIMIT
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]  # pilotbase.auth.LoginAttemptHandler reads them in this order
AXES_COOLOFF_TIME = timedelta(minutes=PILOTBASE_LOGIN_LOCKOUT_MINUTES) if PILOTBASE_LOGIN_LOCKOUT_MINUTES else None
AXES_HANDLER = "pilotbase.auth.LoginAttemptHandler"
AXES_USERNAME_CALLABLE = "pilotbase.auth.login_account"
AXES_CLIENT_IP_CALLABLE = "pilotbase.auth.login_client_ip"
AXES_LOCKOUT_CALLABLE = "pilotbase.auth.lockout_response"
AXES_HTTP_RESPONSE_CODE = 429
AXES_ENABLE_ACCESS_FAILURE_LOG = True  # every failure kept (AccessFailureLog), even after an unlock

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
WHITENOISE_USE_FINDERS = not PRODUCTION  # local mode serves straight from the packages, no collectstatic


def _static_headers(headers, path: str, url: str) -> None:
    """WhiteNoise answers before XFrameOptionsMiddleware runs: static files get the header here."""
    headers["X-Frame-Options"] = "DENY"


WHITENOISE_ADD_HEADERS_FUNCTION = _static_headers
if not PRODUCTION:
    STATIC_ROOT.mkdir(exist_ok=True)
STORAGES = {
    # Uploaded files live outside the web root and are only served through views that check access.
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage",
                "OPTIONS": {"location": str(VAR_DIR / "private"), "base_url": None}},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if PRODUCTION
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
MEDIA_ROOT = VAR_DIR / "private"
FILE_UPLOAD_MAX_MEMORY_SIZE = 2_621_440  # larger uploads stream to a temporary file, not memory
DATA_UPLOAD_MAX_MEMORY_SIZE = 2_621_440  # the form fields of one request (files not counted): 2.5 MB

# Django's widget templates through Jinja2 (the same HTML, faster); the project's own through Django's engine
FORM_RENDERER = "pilotbase.form_renderer.PortalFormRenderer"
CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

# --- Celery ---------------------------------------------------------------------------------
REDIS_URL = env.str("REDIS_URL", default="")
if REDIS_URL and not REDIS_URL.startswith(("redis://", "rediss://", "unix://")):
    raise ImproperlyConfigured("REDIS_URL must start with redis://, rediss:// or unix://")
if PRODUCTION and not REDIS_URL:
    raise ImproperlyConfigured("REDIS_URL must be set in production")
CELERY_BROKER_URL = REDIS_URL or "memory://"
CELERY_RESULT_BACKEND = REDIS_URL or None
CELERY_TASK_ALWAYS_EAGER = not REDIS_URL
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TIMEZONE = TIME_ZONE
CELERY_TASK_DEFAULT_QUEUE = env.str("CELERY_QUEUE", default="pilotbase")
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# No task's result is read (ping asks for its own), so a publish never waits on the result store: with Redis down
# a result-store subscription retried for ~20 s and then needed a restart of the web process.
CELERY_TASK_IGNORE_RESULT = True
# A publish to a broker that is down fails within about a second instead of holding the request; the work stays
# in its table (a Delivery, a version without its PDF) and the outbox sweeps below queue it again.
CELERY_TASK_PUBLISH_RETRY_POLICY = {"max_retries": 2, "interval_start": 0, "interval_step": 0.2, "interval_max": 0.5}
# A message taken by a worker that died before acknowledging it (task_acks_late) is given to another worker after
# this many seconds (Redis transport). Longer than any task and any retry countdown (the longest, a mail's fourth
# try, waits 8 × PILOTBASE_DELIVERY_RETRY_SECONDS), or a waiting retry would be delivered twice.
CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": _int("PILOTBASE_BROKER_VISIBILITY_SECONDS", 3600)}
# The outbox: every PILOTBASE_OUTBOX_SWEEP_SECONDS beat queues again what is PILOTBASE_OUTBOX_STALE_MINUTES old and
# still not done — a mail pending (the broker was down at commit) or failed with tries left, a submitted version or
# a certificate without its PDF. A failed send is tried again after 1, 2, 4, 8 × PILOTBASE_DELIVERY_RETRY_SECONDS;
# a send claimed longer than PILOTBASE_DELIVERY_CLAIM_SECONDS ago is taken as lost with its worker (longer than
# EMAIL_TIMEOUT, so a slow send is never taken for a lost one and sent twice).
PILOTBASE_OUTBOX_SWEEP_SECONDS = _int("PILOTBASE_OUTBOX_SWEEP_SECONDS", 300)
PILOTBASE_OUTBOX_STALE_MINUTES = _int("PILOTBASE_OUTBOX_STALE_MINUTES", 10)
PILOTBASE_DELIVERY_RETRY_SECONDS = _int("PILOTBASE_DELIVERY_RETRY_SECONDS", 60)
PILOTBASE_DELIVERY_CLAIM_SECONDS = _int("PILOTBASE_DELIVERY_CLAIM_SECONDS", 600)
# PDF tasks (application form, certificate): the soft limit raises inside the render (logged, not retried: the
# same input would time out again), the hard one ends the worker child. Enforced by the prefork pool; a render
# takes ~1 s (docs/performance.md). A render pending for a version is queued once (pilotbase.documents).
PILOTBASE_PDF_SOFT_TIME_LIMIT = _int("PILOTBASE_PDF_SOFT_TIME_LIMIT", 60)
PILOTBASE_PDF_TIME_LIMIT = _int("PILOTBASE_PDF_TIME_LIMIT", 90)
if not 0 < PILOTBASE_PDF_SOFT_TIME_LIMIT < PILOTBASE_PDF_TIME_LIMIT:
    raise ImproperlyConfigured("PILOTBASE_PDF_SOFT_TIME_LIMIT must be at least 1 and below PILOTBASE_PDF_TIME_LIMIT")
# Certificate PDFs are signed (PAdES, pilotbase.signing) with this key and certificate (PEM files; the key's
# passphrase, if any, from PILOTBASE_SIGNING_KEY_PASSPHRASE or its _FILE). Unset: a self-signed pair made once in
# VAR_DIR/signing/ (local mode, tests, demos; a real installation sets both, see docs/security.md).
PILOTBASE_SIGNING_KEY_FILE = env.str("PILOTBASE_SIGNING_KEY_FILE", default="")
PILOTBASE_SIGNING_CERT_FILE = env.str("PILOTBASE_SIGNING_CERT_FILE", default="")
PILOTBASE_SIGNING_KEY_PASSPHRASE = _secret("PILOTBASE_SIGNING_KEY_PASSPHRASE", "")
if bool(PILOTBASE_SIGNING_KEY_FILE) != bool(PILOTBASE_SIGNING_CERT_FILE):
    raise ImproperlyConfigured("PILOTBASE_SIGNING_KEY_FILE and PILOTBASE_SIGNING_CERT_FILE must be set together")
for _name, _file in (("PILOTBASE_SIGNING_KEY_FILE", PILOTBASE_SIGNING_KEY_FILE),
                     ("PILOTBASE_SIGNING_CERT_FILE", PILOTBASE_SIGNING_CERT_FILE)):
    if _file and not Path(_file).is_file():
        raise ImproperlyConfigured(f"{_name} names no file: {_file}")
# Production signs certificates with the department's own key: it refuses to start with the self-signed fallback
# unless a trial installation says so explicitly (`manage.py signing_keypair DIR` makes a pair to start with).
PILOTBASE_SIGNING_ALLOW_SELF_SIGNED = _bool("PILOTBASE_SIGNING_ALLOW_SELF_SIGNED", not PRODUCTION)
if PRODUCTION and not PILOTBASE_SIGNING_KEY_FILE and not PILOTBASE_SIGNING_ALLOW_SELF_SIGNED:
    raise ImproperlyConfigured(
        "PILOTBASE_SIGNING_KEY_FILE and PILOTBASE_SIGNING_CERT_FILE must be set in production: certificates are "
        "signed with the department's key (PILOTBASE_SIGNING_ALLOW_SELF_SIGNED=1 only for a trial installation)"
    )
# 建设支持 closed as not completed opens a recovery of its funds, due this many days after the close (editable there).
PILOTBASE_CONSTRUCTION_RECOVERY_DUE_DAYS = _int("PILOTBASE_CONSTRUCTION_RECOVERY_DUE_DAYS", 90)
# Reference rows (cities, industries, platform types) are held per process (pilotbase.refcache); another process
# sees an edit in the admin within this many seconds (the process that saved it, at once).
PILOTBASE_REFERENCE_TTL = _int("PILOTBASE_REFERENCE_TTL", 60)
CELERY_BEAT_SCHEDULE = {
    "reminders-sweep": {"task": "pilotbase.reminders_sweep", "schedule": 15 * 60.0},
    "deliveries-retry": {"task": "pilotbase.deliveries_retry", "schedule": float(PILOTBASE_OUTBOX_SWEEP_SECONDS)},
    "application-pdfs-sweep": {"task": "applications.pdf_sweep", "schedule": float(PILOTBASE_OUTBOX_SWEEP_SECONDS)},
    "certificate-pdfs-sweep": {"task": "reviews.certificate_pdf_sweep",
                               "schedule": float(PILOTBASE_OUTBOX_SWEEP_SECONDS)},
}

if REDIS_URL:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}}
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# --- E-mail -----------------------------------------------------------------------------------
EMAIL_URL = env.str("EMAIL_URL", default="")
if EMAIL_URL:
    try:
        vars().update(env.email_url_config(EMAIL_URL))
    except Exception as exc:
        raise ImproperlyConfigured(f"EMAIL_URL is not a valid e-mail URL: {exc}") from exc
else:
    EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="广西科技成果转化中试研究基地管理平台 <noreply@pilotbase.gxst.gov.cn>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
# A hung SMTP server fails the attempt (recorded, retried) instead of holding a worker for good.
EMAIL_TIMEOUT = vars().get("EMAIL_TIMEOUT") or _int("PILOTBASE_EMAIL_TIMEOUT", 30)
if PILOTBASE_OUTBOX_SWEEP_SECONDS < 1 or PILOTBASE_DELIVERY_RETRY_SECONDS < 1 or \
        PILOTBASE_DELIVERY_CLAIM_SECONDS <= EMAIL_TIMEOUT or PILOTBASE_OUTBOX_STALE_MINUTES < 0 or \
        CELERY_BROKER_TRANSPORT_OPTIONS["visibility_timeout"] <= PILOTBASE_DELIVERY_CLAIM_SECONDS:
    raise ImproperlyConfigured("PILOTBASE_OUTBOX_SWEEP_SECONDS and PILOTBASE_DELIVERY_RETRY_SECONDS must be at least 1, "
                               "PILOTBASE_DELIVERY_CLAIM_SECONDS above EMAIL_TIMEOUT and below PILOTBASE_BROKER_VISIBILITY_SECONDS "
                               "(a redelivered send then takes over the dead worker's claim), "
                               "PILOTBASE_OUTBOX_STALE_MINUTES 0 or more")

# --- Security -------------------------------------------------------------------------------
SESSION_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
# Content-Security-Policy (django-csp 4.x format). Scripts only from our own files: no inline script,
# no on*= handler (tests/pilotbase/test_security_csp.py scans every template). Styles allow 'unsafe-inline'
# because the pages use ~25 style="white-space: pre-line" attributes (user text keeps its line breaks);
# an inline style cannot run code, so scripts stay strict. data: images are Bootstrap's inline SVG icons.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'", "'unsafe-inline'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    },
}
if PRODUCTION:
    SECURE_SSL_REDIRECT = _bool("DJANGO_SECURE_SSL_REDIRECT", True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_HSTS_SECONDS = _int("DJANGO_HSTS_SECONDS", 31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    CSRF_COOKIE_HTTPONLY = True
    SILENCED_SYSTEM_CHECKS: list[str] = []

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        "weasyprint": {"level": "WARNING"},  # its INFO lines narrate every layout step
        "fontTools": {"level": "WARNING"},
    },
}

# --- Portal defaults (each overridable per call / round in the data) -------------------------
PORTAL_NAME = _("广西科技成果转化中试研究基地管理平台")
PORTAL_ISSUER = _("广西壮族自治区科学技术厅")
REMINDER_DAYS_BEFORE_CLOSE = [7, 1]
ASSESSMENT_PANEL_SIZE = _int("ASSESSMENT_PANEL_SIZE", 5)
ASSESSMENT_SCORING_DAYS = _int("ASSESSMENT_SCORING_DAYS", 14)  # an expert seat's due date when the commission has none
ASSESSMENT_SITE_FILE_MAX_MB = _int("ASSESSMENT_SITE_FILE_MAX_MB", 20)
# 整改: the deadline a new rectification gets unless staff set another (sister programmes give one year).
RECTIFICATION_DAYS = _int("RECTIFICATION_DAYS", 365)
try:  # days before a rectification's deadline its lead unit is reminded (plus the day itself and once overdue)
    RECTIFICATION_REMINDER_DAYS = [int(d) for d in env.list("RECTIFICATION_REMINDER_DAYS", default=["30", "7"])]
except ValueError as exc:
    raise ImproperlyConfigured("RECTIFICATION_REMINDER_DAYS must be whole numbers separated by commas") from exc
RECTIFICATION_FILE_MAX_MB = _int("RECTIFICATION_FILE_MAX_MB", 20)
# 服务需求 (sharing): the base answers a new request within so many working days; the requester confirms a delivery
# within so many working days; the reminders before a deadline go so many calendar days ahead.
SERVICE_REQUEST_REPLY_WORKING_DAYS = _int("SERVICE_REQUEST_REPLY_WORKING_DAYS", 5)
SERVICE_REQUEST_CONFIRM_WORKING_DAYS = _int("SERVICE_REQUEST_CONFIRM_WORKING_DAYS", 10)
SERVICE_REQUEST_REMIND_DAYS = _int("SERVICE_REQUEST_REMIND_DAYS", 2)
# Largest request body accepted (413 before it is read): one upload per request, the largest default limit
# (20 MB: a call's attachment default, site-visit files) plus a margin for the form. A call that raises an
# attachment's limit above this needs this raised too, and the proxy's client_max_body_size with it.
PILOTBASE_MAX_REQUEST_MB = _int("PILOTBASE_MAX_REQUEST_MB", max(20, ASSESSMENT_SITE_FILE_MAX_MB) + 10)
# Archives (zip, docx, xlsx, ofd) are refused when their members would expand past this in total, or one
# large member expands more than this many times (a zip bomb); judged from the central directory only.
PILOTBASE_ARCHIVE_MAX_MB = _int("PILOTBASE_ARCHIVE_MAX_MB", 100)
PILOTBASE_ARCHIVE_MAX_RATIO = _int("PILOTBASE_ARCHIVE_MAX_RATIO", 200)
# Working days for public notices: Mon–Fri, minus these holidays, plus these make-up working days (调休).
PILOTBASE_HOLIDAYS = env.list("PILOTBASE_HOLIDAYS", default=[])
PILOTBASE_EXTRA_WORKDAYS = env.list("PILOTBASE_EXTRA_WORKDAYS", default=[])
# Reverse proxies in front of gunicorn that append to X-Forwarded-For (0: clients connect directly).
# The client's address (rate limits) is the entry this many places from the right.
PILOTBASE_PROXY_COUNT = _int("PILOTBASE_PROXY_COUNT", 0)

# --- Open-data API (public/api, docs/api.md) ----------------------------------------------------------
# Anonymous and read-only: no authentication at all (a session cookie is ignored, so no CSRF either), JSON only.
# Anonymous requests per client address (pilotbase.net.client_ip), counted in the default cache.
PILOTBASE_API_RATE = env.str("PILOTBASE_API_RATE", default="120/min")
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.AllowAny"],
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": [],
    "DEFAULT_THROTTLE_CLASSES": ["public.api.throttling.AnonymousApiThrottle"],
    "DEFAULT_PAGINATION_CLASS": "public.api.pagination.ApiPagination",
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_VERSIONING_CLASS": None,
    "EXCEPTION_HANDLER": "public.api.errors.exception_handler",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "广西科技成果转化中试研究基地 开放数据接口",
    "DESCRIPTION": "只读、无需登录的公开数据：已认定基地（含状态与对外服务）、公示、已公布的绩效考核结果、证书核验。"
                   "字段名为英文 snake_case，说明见 docs/api.md。",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "SCHEMA_PATH_PREFIX": "/api/v1",
    "ENUM_NAME_OVERRIDES": {
        "BaseStatusEnum": "pilotbase.models.base.BaseStatus",
        "CertificateStatusEnum": "pilotbase.models.base.CertificateState",
        "NoticeStatusEnum": "public.api.serializers.NOTICE_STATUS_CHOICES",
        "GradeEnum": "evaluations.models.history.Grade",
    },
}
