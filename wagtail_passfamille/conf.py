"""Settings of wagtail-passfamille, read lazily through :func:`get_setting`.

Every setting is named ``WAGTAIL_PASSFAMILLE_<NAME>`` in the Django settings; the defaults below
apply when it is absent. Secrets (API tokens, OAuth2 client credentials, encryption keys) belong
here, in the environment-driven settings, never in the database (docs/architecture.md).
"""

from __future__ import annotations

from typing import Any

from django.conf import settings

PREFIX = "WAGTAIL_PASSFAMILLE_"

DEFAULTS: dict[str, Any] = {
    # Named credential profiles: one API Particulier token per démarche or group of similar
    # démarches (CGU), plus the DGFiP OAuth2 client of API Impôt particulier. Example:
    # {"cantine": {"API_PARTICULIER": {"URL": "https://particulier.api.gouv.fr",
    #                                  "TOKEN": "…"},
    #              "IMPOT_PARTICULIER": {"URL": "…", "TOKEN_URL": "…",
    #                                    "CLIENT_ID": "…", "CLIENT_SECRET": "…"}}}
    "CREDENTIALS": {},
    # The template citizen pages extend; it must define the blocks ``title``, ``extra_css``,
    # ``content`` and ``extra_js`` (those of the ``base.html`` made by ``wagtail start``).
    # Unset with the DSFR theme: the package's own DSFR page (THEME_DEFAULTS below).
    "BASE_TEMPLATE": "base.html",
    # "neutral" (plain accessible HTML, for communes) or "dsfr" (State sites, needs django-dsfr).
    "THEME": "neutral",
    # Fernet keys (urlsafe base64, 32 bytes) encrypting wizard storage and certified values at
    # rest; the first one encrypts, all of them decrypt (rotation). Empty: derived from
    # SECRET_KEY, acceptable for a demo only (a system check warns).
    "ENCRYPTION_KEYS": [],
    # Key of the blind index (HMAC of normalised names and identifiers); derived from
    # SECRET_KEY when empty.
    "HMAC_KEY": "",
    # How long an unfinished démarche stays resumable, in seconds.
    "WIZARD_LIFETIME": 2 * 60 * 60,
    # How long the receipt stays readable after the submission, in seconds; a citizen's session
    # then ends after as long without activity (agents' sessions keep their lifetime).
    "RECEIPT_LIFETIME": 15 * 60,
    # Largest accepted upload, in bytes, and the content types recognised from magic bytes.
    "MAX_UPLOAD_SIZE": 10 * 1024 * 1024,
    "ALLOWED_UPLOAD_TYPES": ["application/pdf", "image/jpeg", "image/png"],
    # Storage of citizens' files (never a public media URL).
    "FILE_STORAGE": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {},
    },
    # Upstream timeouts, in seconds: connect, and the wall-clock deadline of one call.
    "CONNECT_TIMEOUT": 3.0,
    "CALL_DEADLINE": 6.0,
    # Requests the town may send upstream, shared by every worker through the Django cache.
    "UPSTREAM_BUDGET": {
        "API_PARTICULIER": {"RATE": 16, "PER": 1.0},
        "IMPOT_PARTICULIER": {"RATE": 40, "PER": 60.0},
    },
    # Anti-enumeration: lookups per session, per client IP and per identifier set.
    "LOOKUP_LIMITS": {
        "SESSION": (5, 15 * 60),
        "IP": (20, 60 * 60),
        "IDENTIFIER": (5, 24 * 60 * 60),
    },
    # Velocity alarm: more than this many distinct identities looked up anonymously on one
    # démarche within the window (seconds) raises an admin alert (someone trying identities).
    "VELOCITY_ALARM": (30, 10 * 60),
    # Deferred verification: how long the background task keeps retrying a lookup before the
    # submission goes to an agent's manual review, in seconds.
    "DEFERRED_VERIFICATION_DEADLINE": 72 * 60 * 60,
    # Reverse proxies whose X-Forwarded-For is trusted to give the citizen's IP.
    "TRUSTED_PROXIES": [],
    # Final submits accepted per client IP per hour (naive bots).
    "SUBMIT_LIMIT_PER_IP": (30, 60 * 60),
    # Agents' admin session: idle timeout in seconds.
    "ADMIN_SESSION_IDLE_TIMEOUT": 30 * 60,
    # Whether admin users must confirm their login with a TOTP code (django-otp); on in the
    # production profile of the demo.
    "ADMIN_2FA_REQUIRED": False,
    # Content-Security-Policy of the admin pages (Wagtail's and Django's admin), which need
    # inline scripts and styles; the site's own CONTENT_SECURITY_POLICY (django-csp) covers
    # every other page. Used by security.headers.ContentSecurityPolicyMiddleware.
    "ADMIN_CONTENT_SECURITY_POLICY": {
        "DIRECTIVES": {
            "default-src": ["'self'"],
            "script-src": ["'self'", "'unsafe-inline'"],
            "style-src": ["'self'", "'unsafe-inline'"],
            "img-src": ["'self'", "data:", "blob:"],
            "font-src": ["'self'", "data:"],
            "connect-src": ["'self'"],
            "frame-src": ["'self'"],
            "frame-ancestors": ["'self'"],
            "object-src": ["'none'"],
            "base-uri": ["'self'"],
            "form-action": ["'self'"],
        }
    },
    # Permissions-Policy of every page: browser features no page of the app uses.
    "PERMISSIONS_POLICY": {
        "accelerometer": [],
        "camera": [],
        "display-capture": [],
        "geolocation": [],
        "gyroscope": [],
        "magnetometer": [],
        "microphone": [],
        "payment": [],
        "usb": [],
        "browsing-topics": [],
    },
    # « Enregistrer et reprendre plus tard »: how long a saved démarche and its resume link
    # stay valid (seconds; the purge deletes them after), and how many resume e-mails a client
    # IP and an e-mail address may be sent per window (limit, window in seconds).
    "DRAFT_LIFETIME": 30 * 24 * 60 * 60,
    "DRAFT_EMAIL_LIMIT_PER_IP": (10, 60 * 60),
    "DRAFT_EMAIL_LIMIT_PER_ADDRESS": (3, 60 * 60),
    # How long the citizen's "à compléter" link stays valid, in seconds.
    "COMPLETION_LINK_MAX_AGE": 30 * 24 * 60 * 60,
    # Files under submissions/ with no row are deleted by the purge only past this age (s): a
    # submission being saved stores its files before its row commits.
    "ORPHAN_FILE_GRACE": 24 * 60 * 60,
    # Cache alias of the app's counters (throttles, lookup limits, upstream budget, circuit
    # breaker, alerts): Redis shared by every node in production. When it fails, lookups are
    # deferred and submissions accepted (security/cache.py).
    "CACHE": "default",
    # Background work (sweep: ``manage.py passfamille_sweep``, run by ``passfamille_worker``
    # too): a RUNNING task older than this (s) lost its worker and is run again; the oldest
    # task waiting longer than QUEUE_ALERT_AGE (s) raises an admin alert and fails the health
    # endpoint's worker check.
    "TASK_RUNNING_TIMEOUT": 15 * 60,
    "QUEUE_ALERT_AGE": 10 * 60,
    # Queue of this app's background tasks (e-mails, deferred verification); it must be
    # listed in the QUEUES of the TASKS backend when that list is not empty.
    "TASK_QUEUE": "passfamille",
}


# Defaults that depend on the theme: ``THEME = "dsfr"`` alone gives a styled DSFR page, since a
# site's own ``base.html`` does not load the DSFR's CSS.
THEME_DEFAULTS: dict[str, dict[str, Any]] = {
    "dsfr": {"BASE_TEMPLATE": "wagtail_passfamille/dsfr/base.html"},
}


def get_setting(name: str) -> Any:
    """Return ``WAGTAIL_PASSFAMILLE_<name>`` or its documented default."""
    if name not in DEFAULTS:
        raise KeyError(f"Unknown wagtail-passfamille setting {name!r}")
    if hasattr(settings, PREFIX + name):
        return getattr(settings, PREFIX + name)
    theme_defaults = THEME_DEFAULTS.get(getattr(settings, PREFIX + "THEME", None), {})
    return theme_defaults.get(name, DEFAULTS[name])


def themed(name: str) -> list[str]:
    """Candidate template names for ``name`` (relative to ``wagtail_passfamille/``).

    The DSFR theme overrides what it needs under ``wagtail_passfamille/dsfr/``; a template it
    does not override falls back to the neutral one of the same name.
    """
    if get_setting("THEME") == "dsfr":
        return [f"wagtail_passfamille/dsfr/{name}", f"wagtail_passfamille/{name}"]
    return [f"wagtail_passfamille/{name}"]
