"""Settings of the fault campaign (benchmarks/fault_campaign.py): the production profile's
layout (PostgreSQL, a fault-tolerant default cache and the counters' alias on Redis, cached_db
sessions, django-tasks-db) on the demo's test settings, whose knobs the campaign turns (task
backend, RUNNING timeout, connection age, e-mails as files), without HTTPS-only cookies, so that
a plain-HTTP client on loopback can walk the démarche; plus the loopback pieces shared with the
HTTP benchmark (``loopback_settings``: the sandbox as upstream, the anti-enumeration limits
lifted, redacted logs on stderr). Everything comes from the environment the campaign sets:
DATABASE_URL, REDIS_URL, PASSFAMILLE_SANDBOX_URL, PASSFAMILLE_TEST_EMAIL_DIR.
"""

import os

from demo.settings.test import *  # noqa: F403

# isort: split
# After the base: these replace its storages, credentials, limits and logging.
from benchmarks.loopback_settings import *  # noqa: F403

DEBUG = False
ALLOWED_HOSTS = ["127.0.0.1", "localhost"]
# As demo.settings.production has them (which cannot be imported without its secrets).
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
