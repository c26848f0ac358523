"""Settings of the benchmarks: the demo's test settings plus the stock form page app.

``DJANGO_SETTINGS_MODULE=benchmarks.settings`` (from the repository root). DEBUG is off. The
database is a fresh one the benchmark creates and drops: a SQLite file in the temporary directory,
or, when ``DATABASE_URL`` is set, a PostgreSQL database ``passfamille_bench_<pid>`` created next
to the one the URL names (its role needs CREATEDB).
"""

import os
import tempfile

from demo.settings.base import DATABASES as DEMO_DATABASES
from demo.settings.test import *  # noqa: F403
from demo.settings.test import DATABASES, INSTALLED_APPS

DEBUG = False
INSTALLED_APPS = [*INSTALLED_APPS, "benchmarks.stockform"]

if os.environ.get("DATABASE_URL"):
    DATABASES["default"]["TEST"] = {"NAME": f"passfamille_bench_{os.getpid()}"}
else:
    _sqlite = os.path.join(tempfile.gettempdir(), f"passfamille-bench-{os.getpid()}.sqlite3")
    DATABASES = {
        "default": {
            **DEMO_DATABASES["default"],  # the demo's WAL journal and IMMEDIATE transactions
            "NAME": _sqlite,
            "TEST": {"NAME": _sqlite},
        }
    }

# Citizens' files (the justificatif of the CAF step) in a directory the benchmark removes.
WAGTAIL_PASSFAMILLE_FILE_STORAGE = {
    "BACKEND": "django.core.files.storage.FileSystemStorage",
    "OPTIONS": {
        "location": os.path.join(tempfile.gettempdir(), f"passfamille-bench-{os.getpid()}")
    },
}
