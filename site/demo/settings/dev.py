"""`make demo`: SQLite, local memory cache, one db_worker, the bundled API sandbox."""

import os

from wagtail_passfamille.sandbox import DEFAULT_TOKEN, FC_CLIENT_ID, FC_CLIENT_SECRET

from .base import *  # noqa: F403

DEBUG = True
SECRET_KEY = "demo-only-insecure-key-never-use-in-production"  # noqa: S105
ALLOWED_HOSTS = ["127.0.0.1", "localhost"]
EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"

SANDBOX_URL = os.environ.get("PASSFAMILLE_SANDBOX_URL", "http://127.0.0.1:8765")

# The sandbox's default demo credentials (see docs/api-clients.md); nothing here is a secret.
WAGTAIL_PASSFAMILLE_CREDENTIALS = {
    "demo": {
        "API_PARTICULIER": {"URL": SANDBOX_URL, "TOKEN": DEFAULT_TOKEN},
        "IMPOT_PARTICULIER": {
            "URL": SANDBOX_URL + "/impotparticulier/1.0",
            "TOKEN_URL": SANDBOX_URL + "/oauth/token",
            "CLIENT_ID": "demo",
            "CLIENT_SECRET": "demo-secret",
        },
        # The sandbox's FranceConnect stand-in (its default redirect URIs are this site's).
        "FRANCECONNECT": {
            "ISSUER": SANDBOX_URL + "/api/v2",
            "CLIENT_ID": FC_CLIENT_ID,
            "CLIENT_SECRET": FC_CLIENT_SECRET,
        },
    }
}
# A fixed demo key (a Fernet key is 32 random bytes, urlsafe base64): fine on a laptop only.
WAGTAIL_PASSFAMILLE_ENCRYPTION_KEYS = ["ZGVtby1vbmx5LWtleS1kZW1vLW9ubHkta2V5LWRlbW8="]

# scripts/screenshots.py runs a throwaway copy of the demo: its own database file.
if os.environ.get("PASSFAMILLE_DEMO_DB"):
    DATABASES["default"]["NAME"] = os.environ["PASSFAMILLE_DEMO_DB"]  # noqa: F405
