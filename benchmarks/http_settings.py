"""Settings of the HTTP benchmark (benchmarks/bench_http.py): the demo's production profile
(``demo.settings.production``: PostgreSQL with persistent connections, Redis caches and
cached_db sessions, django-tasks-db, DEBUG off), with what a plain-HTTP client on loopback
needs: no HTTPS-only cookies or redirect, the sandbox as upstream, the anti-enumeration limits
lifted (every application is the same staging family from one IP), e-mails kept in memory, and
the stock form page app (``benchmarks.stockform``) to compare with.

Everything comes from the environment bench_http.py sets (SECRET_KEY, ALLOWED_HOSTS,
DATABASE_URL, REDIS_URL, PASSFAMILLE_SANDBOX_URL, PASSFAMILLE_ENCRYPTION_KEYS, ...).
"""

import os

from demo.settings.production import *  # noqa: F403
from demo.settings.production import INSTALLED_APPS
from wagtail_passfamille.sandbox import BENCHMARK_TOKEN

INSTALLED_APPS = [*INSTALLED_APPS, "benchmarks.stockform"]
SECURE_SSL_REDIRECT = False
SECURE_HSTS_SECONDS = 0
SESSION_COOKIE_SECURE = False
CSRF_COOKIE_SECURE = False
CSRF_TRUSTED_ORIGINS = ["http://127.0.0.1"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
_SANDBOX = os.environ["PASSFAMILLE_SANDBOX_URL"]
WAGTAIL_PASSFAMILLE_CREDENTIALS = {
    "demo": {
        "API_PARTICULIER": {"URL": _SANDBOX, "TOKEN": BENCHMARK_TOKEN},
        "IMPOT_PARTICULIER": {
            "URL": _SANDBOX + "/impotparticulier/1.0",
            "TOKEN_URL": _SANDBOX + "/oauth/token",
            "CLIENT_ID": "demo",
            "CLIENT_SECRET": "demo-secret",
        },
    }
}
WAGTAIL_PASSFAMILLE_LOOKUP_LIMITS = {
    "SESSION": (1000, 60),
    "IP": (1000000, 60),
    "IDENTIFIER": (1000000, 60),
}
WAGTAIL_PASSFAMILLE_SUBMIT_LIMIT_PER_IP = (1000000, 60)
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"redact": {"()": "wagtail_passfamille.security.log_redaction.RedactedErrors"}},
    "handlers": {"stderr": {"class": "logging.StreamHandler", "filters": ["redact"]}},
    "loggers": {
        "django.request": {"handlers": ["stderr"], "level": "ERROR", "propagate": False},
        "wagtail_passfamille": {"handlers": ["stderr"], "level": "WARNING", "propagate": False},
    },
}
