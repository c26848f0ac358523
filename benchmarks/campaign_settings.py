"""Settings of the fault campaign (benchmarks/fault_campaign.py): the production profile's
layout (PostgreSQL, a fault-tolerant default cache and the counters' alias on Redis, cached_db
sessions, django-tasks-db, redacted logs on stderr) without its HTTPS-only cookies, so that a
plain-HTTP client on loopback can walk the démarche. Everything comes from the environment the
campaign sets: DATABASE_URL, REDIS_URL, PASSFAMILLE_SANDBOX_URL, PASSFAMILLE_TEST_EMAIL_DIR.
"""

import os

from demo.settings.test import *  # noqa: F403
from wagtail_passfamille.sandbox import BENCHMARK_TOKEN

DEBUG = False
ALLOWED_HOSTS = ["127.0.0.1", "localhost"]
_REDIS_OPTIONS = {"socket_connect_timeout": 0.5, "socket_timeout": 0.5}
CACHES = {
    "default": {
        "BACKEND": "wagtail_passfamille.security.cache.FaultTolerantRedisCache",
        "LOCATION": os.environ["REDIS_URL"],
        "OPTIONS": _REDIS_OPTIONS,
    },
    "passfamille": {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": os.environ["REDIS_URL"],
        "KEY_PREFIX": "pf",
        "OPTIONS": _REDIS_OPTIONS,
    },
}
WAGTAIL_PASSFAMILLE_CACHE = "passfamille"
SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
TASKS = {
    "default": {
        "BACKEND": "django_tasks_db.DatabaseBackend",
        "QUEUES": ["default", "passfamille"],
    }
}
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
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
# Every journey is the same staging family from one IP: the anti-enumeration limits would
# refuse them; the campaign measures outages, not those limits.
WAGTAIL_PASSFAMILLE_LOOKUP_LIMITS = {
    "SESSION": (1000, 60),
    "IP": (100000, 60),
    "IDENTIFIER": (100000, 60),
}
WAGTAIL_PASSFAMILLE_SUBMIT_LIMIT_PER_IP = (100000, 60)
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"redact": {"()": "wagtail_passfamille.security.log_redaction.RedactedErrors"}},
    "handlers": {
        "stderr": {"class": "logging.StreamHandler", "filters": ["redact"]},
    },
    "loggers": {
        "django.request": {"handlers": ["stderr"], "level": "ERROR", "propagate": False},
        "wagtail_passfamille": {"handlers": ["stderr"], "level": "WARNING", "propagate": False},
    },
}
