"""`make test` and CI: SQLite by default, PostgreSQL when DATABASE_URL is set."""

import json
import os

import dj_database_url

from .dev import *  # noqa: F403

DEBUG = False
ALLOWED_HOSTS = ["*"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

if os.environ.get("PASSFAMILLE_TEST_SQLITE"):
    # A SQLite file shared with a db_worker process, with the README's options
    # (tests/test_sqlite_worker.py).
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": os.environ["PASSFAMILLE_TEST_SQLITE"],
            "OPTIONS": json.loads(os.environ.get("PASSFAMILLE_TEST_SQLITE_OPTIONS", "{}")),
        }
    }
elif os.environ.get("DATABASE_URL"):
    DATABASES = {
        "default": dj_database_url.parse(
            os.environ["DATABASE_URL"],
            # Worker-fault tests keep connections open, as production does (conn_max_age=60).
            conn_max_age=int(os.environ.get("PASSFAMILLE_TEST_CONN_MAX_AGE", 0)),
            # Off for the worker-fault test that exercises the worker's own reconnection.
            conn_health_checks=os.environ.get("PASSFAMILLE_TEST_CONN_HEALTH_CHECKS") != "0",
        )
    }
else:
    DATABASES = {"default": {"ENGINE": "django.db.backends.sqlite3", "NAME": ":memory:"}}

# Tests call tasks directly; the few that start a real db_worker set PASSFAMILLE_TEST_TASKS=db
# for the worker and for themselves.
TASKS = {
    "default": {
        "BACKEND": (
            "django_tasks_db.DatabaseBackend"
            if os.environ.get("PASSFAMILLE_TEST_TASKS") == "db"
            else "django_tasks.backends.dummy.DummyBackend"
        ),
        "QUEUES": ["default", "passfamille"],
    }
}

# CI's PostgreSQL pass also runs on Redis, the production cache (shared budget, rate limits).
if os.environ.get("REDIS_URL"):
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": os.environ["REDIS_URL"],
        }
    }
    AXES_HANDLER = "axes.handlers.cache.AxesCacheHandler"

# Worker-fault tests: a short RUNNING timeout, and e-mails a separate worker process sends kept
# as files the test can count.
WAGTAIL_PASSFAMILLE_TASK_RUNNING_TIMEOUT = int(
    os.environ.get("PASSFAMILLE_TEST_RUNNING_TIMEOUT", 15 * 60)
)
if os.environ.get("PASSFAMILLE_TEST_EMAIL_DIR"):
    EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
    EMAIL_FILE_PATH = os.environ["PASSFAMILLE_TEST_EMAIL_DIR"]

STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.InMemoryStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
LOGGING = {"version": 1, "disable_existing_loggers": False}
