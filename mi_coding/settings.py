"""Settings for the MI fidelity coding tool, read from environment variables.

Local use needs no configuration: SQLite under var/, a random key in var/secret_key, DEBUG off
unless asked for. Production sets SECRET_KEY, ALLOWED_HOSTS, DATABASE_URL and the HTTPS variables
listed in README.md and .env.example.
"""

from datetime import timedelta
from pathlib import Path

import dj_database_url
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured

from mi_coding.env import env_bool, env_int, env_list, env_rate, env_str
from mi_coding.secret_key import secret_key_resolve

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(env_str("MI_VAR_DIR", str(BASE_DIR / "var")))

DEBUG = env_bool("DEBUG", False)
# From the environment, else var/secret_key (created once by make and manage.py for local use);
# with DEBUG off a missing or weak key stops start-up.
SECRET_KEY = secret_key_resolve(environ_key=env_str("SECRET_KEY"), var_dir=VAR_DIR, debug=DEBUG)

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost", "testserver"])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "crispy_forms",
    "crispy_bootstrap5",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "accounts",
    "transcripts",
    "coding",
    "workflow",
    "reliability",
    "dashboards",
    "exchange",
    "suggestions",
    "api",
    "demo",
    "django_prometheus",
]

MIDDLEWARE = [
    "django_prometheus.middleware.PrometheusBeforeMiddleware",
    "mi_coding.observability.RequestLogMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "mi_coding.middleware.NoStoreMiddleware",
    "csp.middleware.CSPMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "accounts.middleware.TwoFactorRequiredMiddleware",
    # Last, so that it sees the lockout the sign-in view's authenticate() flags.
    "axes.middleware.AxesMiddleware",
    "django_prometheus.middleware.PrometheusAfterMiddleware",
]

ROOT_URLCONF = "mi_coding.urls"
WSGI_APPLICATION = "mi_coding.wsgi.application"
ASGI_APPLICATION = "mi_coding.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "accounts.context_processors.navigation",
            ],
        },
    },
]

DATABASE_URL = env_str("DATABASE_URL", f"sqlite:///{VAR_DIR / 'db.sqlite3'}")
try:
    DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=60)}
except ValueError as exc:
    raise ImproperlyConfigured(f"DATABASE_URL is not a database URL: {exc}") from exc
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    # WAL lets the coding workspace's many small writes commit without blocking readers;
    # IMMEDIATE transactions wait for the write lock instead of failing half-way.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            "timeout": 20,
            "transaction_mode": "IMMEDIATE",
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        }
    )
else:
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True

# Several app servers share one cache (Redis): the API's rate limits are counted there, so
# every server sees the same counts. Without it each process keeps its own (local use, tests).
# Sessions live in the database, so a request may land on any server.
MI_CACHE_URL = env_str("MI_CACHE_URL")
if MI_CACHE_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": MI_CACHE_URL,
            "KEY_PREFIX": env_str("MI_CACHE_PREFIX", "mi"),
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
SESSION_ENGINE = "django.contrib.sessions.backends.db"

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "accounts.User"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# The throttle's backend first: a locked-out user name and address is refused before any
# password is checked.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "accounts.backends.MembershipBackend",
]

LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

LANGUAGE_CODE = "en"
TIME_ZONE = env_str("TIME_ZONE", "UTC")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = Path(env_str("STATIC_ROOT", str(VAR_DIR / "staticfiles")))
MEDIA_URL = "media/"
MEDIA_ROOT = Path(env_str("MEDIA_ROOT", str(VAR_DIR / "media")))
# Production runs collectstatic and sets MI_STATIC_MANIFEST=true for hashed, compressed
# files; locally WhiteNoise serves straight from static/ so nothing needs collecting.
MI_STATIC_MANIFEST = env_bool("MI_STATIC_MANIFEST", False)
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "mi_coding.storage.StaticStorage"
        if MI_STATIC_MANIFEST
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
WHITENOISE_USE_FINDERS = not MI_STATIC_MANIFEST

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

# Upload limits (bytes). Transcripts are text; audio may be large.
MI_TRANSCRIPT_MAX_BYTES = env_int("MI_TRANSCRIPT_MAX_BYTES", 5 * 1024 * 1024, minimum=1)
MI_AUDIO_MAX_BYTES = env_int("MI_AUDIO_MAX_BYTES", 200 * 1024 * 1024, minimum=1)
MI_ZIP_MAX_EXPANDED_BYTES = env_int("MI_ZIP_MAX_EXPANDED_BYTES", 50 * 1024 * 1024, minimum=1)
MI_AUDIO_ZIP_MAX_EXPANDED_BYTES = env_int(
    "MI_AUDIO_ZIP_MAX_EXPANDED_BYTES", 2 * 1024 * 1024 * 1024, minimum=1
)
MI_IMPORT_MAX_BYTES = env_int("MI_IMPORT_MAX_BYTES", 20 * 1024 * 1024, minimum=1)
# One upload waits in the session until confirmed, so its total size and file count are capped.
MI_UPLOAD_MAX_TOTAL_BYTES = env_int("MI_UPLOAD_MAX_TOTAL_BYTES", 50 * 1024 * 1024, minimum=1)
MI_UPLOAD_MAX_FILES = env_int("MI_UPLOAD_MAX_FILES", 100, minimum=1)
# Django's own guard answers a bare 400 before any form runs (the CSRF check reads the body
# first), so it sits well above the upload form's limit, which refuses with a clear message.
DATA_UPLOAD_MAX_NUMBER_FILES = max(2 * MI_UPLOAD_MAX_FILES, 10)
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
FILE_UPLOAD_PERMISSIONS = 0o640

MI_DEFAULT_SCHEME = "miti-4.2.1"
MI_PAGE_SIZE = env_int("MI_PAGE_SIZE", 25, minimum=1)
# How long an invitation link to join an agency stays valid.
MI_INVITATION_DAYS = env_int("MI_INVITATION_DAYS", 7, minimum=1)

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_AGE = env_int("SESSION_COOKIE_AGE", 8 * 60 * 60, minimum=60)
SESSION_COOKIE_SECURE = env_bool("SESSION_COOKIE_SECURE", False)
CSRF_COOKIE_SECURE = env_bool("CSRF_COOKIE_SECURE", False)
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", False)
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 0, minimum=0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", False)
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", False)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# No inline script anywhere: every script is a file under static/, and plotly needs no eval.
# Styles come from files too, with no style attributes in the templates; scripts may still
# set styles through the DOM (plotly, Bootstrap), which a policy does not restrict. Two
# <style> elements are allowed by their hashes, both plotly's: the empty one it fills with
# insertRule, and its map library's stylesheet (a new vendored plotly may change that hash;
# the browser test of the policy says so). Bootstrap's CSS draws form controls with data:
# SVG images.
_PLOTLY_STYLE_HASHES = [
    "'sha256-47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU='",
    "'sha256-ji27qzEtxXZW+7dun6UwjHXJ18e6WAin1VvNtkzIE/o='",
]
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF, *_PLOTLY_STYLE_HASHES],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "media-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    },
}
MI_BEHIND_PROXY = env_bool("MI_BEHIND_PROXY", False)
if MI_BEHIND_PROXY:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    USE_X_FORWARDED_HOST = True

# Sign-in throttling (django-axes): failures count per user name and address together.
AXES_FAILURE_LIMIT = env_int("MI_LOGIN_FAILURE_LIMIT", 10, minimum=1)
_lockout_minutes = env_int("MI_LOGIN_LOCKOUT_MINUTES", 60, minimum=0)
AXES_COOLOFF_TIME = timedelta(minutes=_lockout_minutes) if _lockout_minutes else None
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
# Attempts during a lockout neither extend it nor record it again.
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
AXES_LOCKOUT_CALLABLE = "accounts.signin.lockout_response"
AXES_CLIENT_IP_CALLABLE = "accounts.signin.client_ip"
# Unlocking goes through accounts' own admin, which writes the audit log.
AXES_ENABLE_ADMIN = False
AXES_DISABLE_ACCESS_LOG = True
# Axes keeps the form fields of failed attempts; passwords are masked, so are these.
AXES_SENSITIVE_PARAMETERS = ["username", "ip_address", "code", "csrfmiddlewaretoken"]

# Two-factor sign-in (django-otp): the name authenticator apps show.
OTP_TOTP_ISSUER = "MI Coding"

# The API under /api/v1/: personal access tokens, rate limits per token, cursor pages.
MI_API_TOKEN_MAX_DAYS = env_int("MI_API_TOKEN_MAX_DAYS", 365, minimum=1)
MI_API_RATE = env_rate("MI_API_RATE", "600/minute")
MI_API_WRITE_RATE = env_rate("MI_API_WRITE_RATE", "60/minute")
MI_API_PAGE_SIZE = env_int("MI_API_PAGE_SIZE", 100, minimum=1)
MI_API_MAX_PAGE_SIZE = max(env_int("MI_API_MAX_PAGE_SIZE", 500, minimum=1), MI_API_PAGE_SIZE)
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": ["api.authentication.BearerTokenAuthentication"],
    "DEFAULT_PERMISSION_CLASSES": ["api.permissions.TokenScope"],
    "DEFAULT_THROTTLE_CLASSES": [
        "api.throttling.TokenRateThrottle",
        "api.throttling.TokenWriteRateThrottle",
    ],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": [
        "rest_framework.parsers.JSONParser",
        "rest_framework.parsers.MultiPartParser",
    ],
    "DEFAULT_SCHEMA_CLASS": "api.schema.ApiAutoSchema",
    "EXCEPTION_HANDLER": "api.problems.exception_handler",
    "DEFAULT_METADATA_CLASS": None,
}
SPECTACULAR_SETTINGS = {
    "TITLE": "MI Coding API",
    "DESCRIPTION": (
        "Transcripts, codings, scores, reliability and fidelity dashboards of one agency, "
        "read and written with a personal access token (`Authorization: Bearer <token>`; "
        "create one under *API tokens* in the user menu). Errors are "
        "`application/problem+json` (RFC 9457)."
    ),
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "SERVE_PERMISSIONS": ["rest_framework.permissions.AllowAny"],
    "SERVE_AUTHENTICATION": [],
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "SCHEMA_PATH_PREFIX": "/api/v1",
    "COMPONENT_SPLIT_REQUEST": True,
    "ENUM_NAME_OVERRIDES": {},
    "POSTPROCESSING_HOOKS": ["drf_spectacular.hooks.postprocess_schema_enums"],
}

EMAIL_BACKEND = env_str("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
EMAIL_HOST = env_str("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 25, minimum=1)
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER")
EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "mi-coding@localhost")
ADMINS = [("Admin", addr) for addr in env_list("ADMIN_EMAILS")]

# Background jobs (mi_coding/jobs.py). Without a broker they run in the process that starts
# them; production points this at Redis and runs `celery -A mi_coding.celery worker`.
CELERY_BROKER_URL = env_str("CELERY_BROKER_URL")
# Job state lives in the database, not in a result backend. A job is acknowledged only once
# it has finished, so a worker killed mid-job hands it back to the queue.
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_TASK_DEFAULT_QUEUE = env_str("CELERY_TASK_DEFAULT_QUEUE", "mi_coding")
# A job taken by a worker that then died (killed, machine lost) goes back to the queue after
# this many seconds: longer than the longest job, or a slow job would run twice.
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "visibility_timeout": env_int("MI_JOB_VISIBILITY_SECONDS", 3600, minimum=1)
}

# Metrics for Prometheus at /metrics, answered to the addresses listed here or to a request
# carrying MI_METRICS_TOKEN as a bearer token; anyone else gets 404. Under gunicorn set
# PROMETHEUS_MULTIPROC_DIR (an empty directory, the same for the task worker) so the figures
# of every worker process are added up.
MI_METRICS_ADDRESSES = env_list("MI_METRICS_ADDRESSES", ["127.0.0.1", "::1"])
MI_METRICS_TOKEN = env_str("MI_METRICS_TOKEN")
PROMETHEUS_EXPORT_MIGRATIONS = False

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "WARNING")},
    # One line per request (mi_coding/observability.py): off with MI_REQUEST_LOG=false.
    "loggers": {
        "mi_coding.requests": {
            "handlers": ["console"],
            "level": "INFO" if env_bool("MI_REQUEST_LOG", True) else "WARNING",
            "propagate": False,
        }
    },
}
