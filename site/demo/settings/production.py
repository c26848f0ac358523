"""Production profile: everything secret or site-specific comes from the environment.

Required: SECRET_KEY, DATABASE_URL (PostgreSQL), ALLOWED_HOSTS (comma-separated).
Recommended: REDIS_URL (shared cache and upstream budget), PASSFAMILLE_CREDENTIALS (JSON of the
credential profiles), PASSFAMILLE_ENCRYPTION_KEYS (comma-separated Fernet keys, newest first),
PASSFAMILLE_HMAC_KEY, EMAIL_URL-style settings below.
"""

import json
import os

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

from .base import *  # noqa: F403
from .base import BASE_DIR, DEFAULT_FROM_EMAIL

_DEFAULT_SECRETS = {"", "demo-only-insecure-key-never-use-in-production", "change-me"}


def _env(name, default=None, *, required=False):
    value = os.environ.get(name, default)
    if required and not value:
        raise ImproperlyConfigured(f"The environment variable {name} is required in production.")
    return value


DEBUG = _env("DEBUG", "false").lower() in ("1", "true", "yes")
if DEBUG:
    raise ImproperlyConfigured("DEBUG must be off in production (unset DEBUG).")

SECRET_KEY = _env("SECRET_KEY", required=True)
if SECRET_KEY in _DEFAULT_SECRETS or len(SECRET_KEY) < 40:
    raise ImproperlyConfigured("SECRET_KEY is a default or too short: generate a long random one.")

ALLOWED_HOSTS = [h.strip() for h in _env("ALLOWED_HOSTS", required=True).split(",") if h.strip()]
CSRF_TRUSTED_ORIGINS = [f"https://{host}" for host in ALLOWED_HOSTS if not host.startswith(".")]
WAGTAILADMIN_BASE_URL = _env("WAGTAILADMIN_BASE_URL", f"https://{ALLOWED_HOSTS[0]}")

# Persistent connections, checked at the start of each request: after a PostgreSQL restart or
# failover, a request reconnects instead of failing on a dead connection (a 500).
DATABASES = {
    "default": dj_database_url.parse(
        _env("DATABASE_URL", required=True), conn_max_age=60, conn_health_checks=True
    )
}
if DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql":
    raise ImproperlyConfigured("DATABASE_URL must point to PostgreSQL in production.")

# Redis outage (docs/production.md): the default cache (Wagtail's caches, cached_db sessions,
# django-axes) misses instead of failing, so pages are served from PostgreSQL; the app's
# counters have their own alias and defer lookups / accept submissions while Redis is down.
# Short socket timeouts: a hung Redis costs a request half a second, not a worker.
_REDIS_OPTIONS = {"socket_connect_timeout": 0.5, "socket_timeout": 0.5}
if _env("REDIS_URL"):
    CACHES = {
        "default": {
            "BACKEND": "wagtail_passfamille.security.cache.FaultTolerantRedisCache",
            "LOCATION": _env("REDIS_URL"),
            "OPTIONS": _REDIS_OPTIONS,
        },
        "passfamille": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": _env("REDIS_URL"),
            "KEY_PREFIX": "pf",
            "OPTIONS": _REDIS_OPTIONS,
        },
    }
    WAGTAIL_PASSFAMILLE_CACHE = "passfamille"
    SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
    # Login failures counted in Redis, shared by every worker (hashed keys: no username).
    AXES_HANDLER = "axes.handlers.cache.AxesCacheHandler"

TASKS = {
    "default": {
        "BACKEND": "django_tasks_db.DatabaseBackend",
        "QUEUES": ["default", "passfamille"],
    }
}

WAGTAIL_PASSFAMILLE_CREDENTIALS = json.loads(_env("PASSFAMILLE_CREDENTIALS", "{}"))
WAGTAIL_PASSFAMILLE_ENCRYPTION_KEYS = [
    k.strip() for k in _env("PASSFAMILLE_ENCRYPTION_KEYS", "").split(",") if k.strip()
]
WAGTAIL_PASSFAMILLE_HMAC_KEY = _env("PASSFAMILLE_HMAC_KEY", "")
WAGTAIL_PASSFAMILLE_TRUSTED_PROXIES = [
    p.strip() for p in _env("PASSFAMILLE_TRUSTED_PROXIES", "").split(",") if p.strip()
]
WAGTAIL_PASSFAMILLE_FILE_STORAGE = {
    "BACKEND": "django.core.files.storage.FileSystemStorage",
    "OPTIONS": {
        "location": _env("PASSFAMILLE_PRIVATE_MEDIA_ROOT", str(BASE_DIR / "private_media"))
    },
}

EMAIL_HOST = _env("EMAIL_HOST", "localhost")
EMAIL_PORT = int(_env("EMAIL_PORT", "25"))
EMAIL_HOST_USER = _env("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = _env("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = _env("EMAIL_USE_TLS", "false").lower() in ("1", "true", "yes")
DEFAULT_FROM_EMAIL = _env("DEFAULT_FROM_EMAIL", DEFAULT_FROM_EMAIL)
SERVER_EMAIL = DEFAULT_FROM_EMAIL

STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.ManifestStaticFilesStorage"},
}

# Agents and editors confirm their login with a TOTP code (django-otp).
WAGTAIL_PASSFAMILLE_ADMIN_2FA_REQUIRED = True

SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = _env("SECURE_SSL_REDIRECT", "true").lower() in ("1", "true", "yes")
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
SECURE_HSTS_SECONDS = int(_env("SECURE_HSTS_SECONDS", "31536000"))
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

# Every server error leaves a traceback on stderr (gunicorn's error log, journald), redacted:
# frames only, no exception message, no locals, no long tokens (security/log_redaction.py).
# No mail_admins: Django's error e-mails carry the request and local variables.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"redact": {"()": "wagtail_passfamille.security.log_redaction.RedactedErrors"}},
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"}},
    "handlers": {
        "stderr": {
            "class": "logging.StreamHandler",
            "stream": "ext://sys.stderr",
            "filters": ["redact"],
            "formatter": "plain",
        }
    },
    "loggers": {
        "django": {"handlers": ["stderr"], "level": "WARNING", "propagate": False},
        "django.request": {"handlers": ["stderr"], "level": "WARNING", "propagate": False},
        "django.security": {"handlers": ["stderr"], "level": "WARNING", "propagate": False},
        "django_tasks": {"handlers": ["stderr"], "level": "INFO", "propagate": False},
        "django_tasks_db": {"handlers": ["stderr"], "level": "INFO", "propagate": False},
        "wagtail_passfamille": {"handlers": ["stderr"], "level": "INFO", "propagate": False},
    },
    "root": {"handlers": ["stderr"], "level": "WARNING"},
}

# The load balancer probes the health endpoint over plain HTTP.
SECURE_REDIRECT_EXEMPT = [r"^passfamille/health/$"]
