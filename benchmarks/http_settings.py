"""Settings of the HTTP benchmark (benchmarks/bench_http.py): the demo's production profile
(``demo.settings.production``: PostgreSQL with persistent connections, Redis caches and
cached_db sessions, django-tasks-db, DEBUG off), with what a plain-HTTP client on loopback
needs: no HTTPS-only cookies or redirect, the loopback pieces shared with the fault campaign
(``loopback_settings``: the sandbox as upstream, the anti-enumeration limits lifted), e-mails
kept in memory, and the stock form page app (``benchmarks.stockform``) to compare with.

Everything comes from the environment bench_http.py sets (SECRET_KEY, ALLOWED_HOSTS,
DATABASE_URL, REDIS_URL, PASSFAMILLE_SANDBOX_URL, PASSFAMILLE_ENCRYPTION_KEYS, ...).
"""

from demo.settings.production import *  # noqa: F403
from demo.settings.production import INSTALLED_APPS

# isort: split
# After the base: these replace its storages, credentials, limits and logging.
from benchmarks.loopback_settings import *  # noqa: F403

INSTALLED_APPS = [*INSTALLED_APPS, "benchmarks.stockform"]
SECURE_SSL_REDIRECT = False
SECURE_HSTS_SECONDS = 0
SESSION_COOKIE_SECURE = False
CSRF_COOKIE_SECURE = False
CSRF_TRUSTED_ORIGINS = ["http://127.0.0.1"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
