"""What both loopback benchmarks add to their settings profile (``http_settings`` for
bench_http.py, ``campaign_settings`` for fault_campaign.py): citizens' files on the local disk,
the bundled sandbox as the upstream of the credential profile "demo", the anti-enumeration
limits lifted (every journey is the same staging family from one IP: the benchmarks measure
speed and outages, not those limits), and redacted error logs on stderr.

Not a settings module of its own: each profile star-imports it after its base. Reads
PASSFAMILLE_SANDBOX_URL from the environment the benchmark sets.
"""

import os

from wagtail_passfamille.sandbox import BENCHMARK_TOKEN

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
