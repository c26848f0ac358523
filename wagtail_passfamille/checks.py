"""System checks on settings only: they run offline, at ``migrate`` and ``check``.

What lives in the database (the town's SIRET, a démarche's profile, a token's scopes and expiry)
is checked by the admin status panel and ``manage.py passfamille_check`` instead.
"""

from __future__ import annotations

import base64
import binascii
from pathlib import Path
from urllib.parse import urlsplit

from django.apps import apps
from django.conf import settings
from django.core.checks import Error, Tags, Warning, register
from django.utils.module_loading import import_string

from wagtail_passfamille.conf import PREFIX, get_setting
from wagtail_passfamille.security.admin_session import check_two_factor_setup
from wagtail_passfamille.security.login_throttle import check_login_throttle

# Apps the package cannot work without, with what each one is for.
REQUIRED_APPS = {
    "wagtail": "pages",
    "wagtail.contrib.settings": "the town's identity (SIRET, contacts) per site",
    "wagtail.contrib.routable_page": "the démarche pages' step, recap and receipt URLs",
    "wagtail_modeladmin": "the agents' submissions listing",
    "formtools": "the multi-step wizard",
    "django_tasks": "background e-mails and deferred verification",
    "django.contrib.sessions": "the wizard's server-side storage",
    "django_otp": "the agents' second factor and its session middleware",
    "django_otp.plugins.otp_totp": "the agents' TOTP devices (its tables are migrated)",
}

PROFILE_SECTIONS = {
    # RECIPIENT (a SIRET) serves ``manage.py passfamille_api --profile``; the démarches send
    # the SIRET of their site's « Pass Famille : collectivité » settings instead.
    "API_PARTICULIER": {"required": ("URL", "TOKEN"), "optional": ("RECIPIENT",)},
    "IMPOT_PARTICULIER": {
        "required": ("URL", "TOKEN_URL", "CLIENT_ID", "CLIENT_SECRET"),
        "optional": ("SCOPE",),
    },
    "FRANCECONNECT": {
        "required": ("ISSUER", "CLIENT_ID", "CLIENT_SECRET"),
        "optional": ("ACR", "REDIRECT_URI", "POST_LOGOUT_REDIRECT_URI"),
    },
}

SIGNED_COOKIES = "django.contrib.sessions.backends.signed_cookies"


@register(Tags.compatibility)
def check_required_apps(app_configs=None, **kwargs):
    errors = []
    for app_name, purpose in REQUIRED_APPS.items():
        if not apps.is_installed(app_name):
            errors.append(
                Error(
                    f"'{app_name}' is missing from INSTALLED_APPS.",
                    hint=f"wagtail-passfamille needs it for {purpose}.",
                    id="wagtail_passfamille.E001",
                )
            )
    return errors


@register(Tags.security)
def check_session_engine(app_configs=None, **kwargs):
    if getattr(settings, "SESSION_ENGINE", "") == SIGNED_COOKIES:
        return [
            Error(
                "The signed-cookie session engine would send the wizard's data "
                "(identities, certified values) to the citizen's browser.",
                hint="Use a server-side SESSION_ENGINE (database, cache or cached_db).",
                id="wagtail_passfamille.E002",
            )
        ]
    return []


def _url_problem(value) -> str | None:
    if not isinstance(value, str) or not value:
        return "must be a non-empty string"
    parts = urlsplit(value)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        return "must be an absolute http(s) URL"
    if parts.scheme == "http" and parts.hostname not in ("127.0.0.1", "localhost", "::1"):
        return "must use https (plain http is accepted on loopback only, for the sandbox)"
    return None


def _profile_problems(name, profile) -> list[str]:
    if not isinstance(profile, dict):
        return ["must be a dict"]
    problems = []
    unknown = set(profile) - set(PROFILE_SECTIONS) - {"BUDGET"}
    if unknown:
        problems.append(f"unknown key(s) {', '.join(sorted(map(str, unknown)))}")
    if not set(profile) & set(PROFILE_SECTIONS):
        problems.append("declares neither API_PARTICULIER nor IMPOT_PARTICULIER")
    for section, spec in PROFILE_SECTIONS.items():
        if section not in profile:
            continue
        values = profile[section]
        if not isinstance(values, dict):
            problems.append(f"{section} must be a dict")
            continue
        for key in spec["required"]:
            if key not in values or values[key] in (None, ""):
                problems.append(f"{section}.{key} is missing")
            elif not isinstance(values[key], str):
                problems.append(f"{section}.{key} must be a string")
        for key in values.keys() - set(spec["required"]) - set(spec["optional"]):
            problems.append(f"{section}.{key} is not a known key")
        recipient = values.get("RECIPIENT")
        if (
            "RECIPIENT" in spec["optional"]
            and recipient is not None
            and not (isinstance(recipient, str) and len(recipient) == 14 and recipient.isdigit())
        ):
            problems.append(f"{section}.RECIPIENT must be a SIRET of 14 digits")
        if section == "FRANCECONNECT" and values.get("ACR", "eidas1") not in ("eidas1",):
            problems.append(f"{section}.ACR must be eidas1 (FranceConnect, not FranceConnect+)")
        for key in ("URL", "TOKEN_URL", "ISSUER", "REDIRECT_URI", "POST_LOGOUT_REDIRECT_URI"):
            if values.get(key):
                problem = _url_problem(values[key])
                if problem:
                    problems.append(f"{section}.{key} {problem}")
    return problems


@register(Tags.compatibility)
def check_credentials(app_configs=None, **kwargs):
    profiles = get_setting("CREDENTIALS")
    if not isinstance(profiles, dict):
        return [
            Error(
                f"{PREFIX}CREDENTIALS must be a dict of named credential profiles.",
                id="wagtail_passfamille.E003",
            )
        ]
    errors = []
    for name, profile in profiles.items():
        # Messages name the profile and the key, never a value: values are secrets.
        for problem in _profile_problems(name, profile):
            errors.append(
                Error(
                    f"Credential profile {name!r}: {problem}.",
                    hint=f"See the settings reference for {PREFIX}CREDENTIALS.",
                    id="wagtail_passfamille.E003",
                )
            )
    return errors


def _is_fernet_key(key) -> bool:
    if isinstance(key, str):
        key = key.encode()
    if not isinstance(key, bytes):
        return False
    try:
        return len(base64.urlsafe_b64decode(key)) == 32
    except (binascii.Error, ValueError):
        return False


@register(Tags.security)
def check_encryption_keys(app_configs=None, **kwargs):
    keys = get_setting("ENCRYPTION_KEYS")
    if not isinstance(keys, list | tuple):
        return [
            Error(
                f"{PREFIX}ENCRYPTION_KEYS must be a list of Fernet keys.",
                id="wagtail_passfamille.E004",
            )
        ]
    if not keys:
        return [
            Warning(
                f"{PREFIX}ENCRYPTION_KEYS is empty: a key derived from SECRET_KEY encrypts "
                "personal data, so rotating SECRET_KEY would make them unreadable.",
                hint="Generate a key with cryptography's Fernet.generate_key() and set it from the "
                "environment (newest first; older keys still decrypt).",
                id="wagtail_passfamille.W001",
            )
        ]
    bad = [str(index) for index, key in enumerate(keys) if not _is_fernet_key(key)]
    if bad:
        return [
            Error(
                f"{PREFIX}ENCRYPTION_KEYS: item(s) {', '.join(bad)} are not Fernet keys "
                "(32 bytes, urlsafe base64).",
                id="wagtail_passfamille.E004",
            )
        ]
    return []


@register(Tags.compatibility)
def check_theme_and_queue(app_configs=None, **kwargs):
    errors = []
    theme = get_setting("THEME")
    if theme not in ("neutral", "dsfr"):
        errors.append(
            Error(f"{PREFIX}THEME must be 'neutral' or 'dsfr'.", id="wagtail_passfamille.E005")
        )
    elif theme == "dsfr" and not apps.is_installed("dsfr"):
        errors.append(
            Error(
                "The DSFR theme needs django-dsfr: add 'dsfr' to INSTALLED_APPS.",
                hint="pip install 'wagtail-passfamille[dsfr]'",
                id="wagtail_passfamille.E005",
            )
        )
    queue = get_setting("TASK_QUEUE")
    tasks = getattr(settings, "TASKS", {}) or {}
    # django-tasks accepts only the "default" queue when QUEUES is not given, and any queue
    # when it is an empty list.
    queues = tasks.get("default", {}).get("QUEUES", ["default"])
    if queues and queue not in queues:
        errors.append(
            Error(
                f"The task queue {queue!r} is not among TASKS['default']['QUEUES'].",
                hint=f"Add {queue!r} to the list, or set {PREFIX}TASK_QUEUE.",
                id="wagtail_passfamille.E006",
            )
        )
    return errors


# What SQLite needs when a task worker writes beside the web process (see the README):
# WAL lets readers go on while one writes; IMMEDIATE takes the write lock when a transaction
# begins, so a writer waits for the lock (up to ``timeout``) instead of failing at once with
# « database is locked » when its read turns into a write.
SQLITE_TIMEOUT_MIN = 10


def _database_task_backend(tasks) -> str | None:
    for alias, config in (tasks or {}).items():
        backend = str((config or {}).get("BACKEND", ""))
        if backend.endswith(".DatabaseBackend"):
            return alias
    return None


def _sqlite_problems(database: dict) -> list[str]:
    options = database.get("OPTIONS") or {}
    problems = []
    init_command = str(options.get("init_command", "")).lower().replace(" ", "")
    if "journal_mode=wal" not in init_command:
        problems.append("'init_command': 'PRAGMA journal_mode=WAL;'")
    if str(options.get("transaction_mode", "")).upper() != "IMMEDIATE":
        problems.append("'transaction_mode': 'IMMEDIATE'")
    timeout = options.get("timeout")
    if not isinstance(timeout, int | float) or timeout < SQLITE_TIMEOUT_MIN:
        problems.append("'timeout': 20")
    return problems


@register(Tags.compatibility)
def check_sqlite_with_task_worker(app_configs=None, **kwargs):
    """SQLite and a database task backend: the worker and the site write to one file."""
    return sqlite_task_warnings(
        getattr(settings, "DATABASES", None), getattr(settings, "TASKS", None)
    )


def sqlite_task_warnings(databases, tasks) -> list[Warning]:
    alias = _database_task_backend(tasks)
    if alias is None:
        return []
    warnings = []
    for name, database in (databases or {}).items():
        if not str(database.get("ENGINE", "")).endswith("sqlite3"):
            continue
        name_value = str(database.get("NAME", ""))
        if name_value in ("", ":memory:") or "mode=memory" in name_value:
            continue  # an in-memory database is never shared with a worker process
        problems = _sqlite_problems(database)
        if problems:
            warnings.append(
                Warning(
                    f"DATABASES[{name!r}] is SQLite and TASKS[{alias!r}] stores tasks in the "
                    "database: without these options, page publishes and the db_worker fail "
                    "with « database is locked »: " + ", ".join(problems) + ".",
                    hint=f"Add them to DATABASES[{name!r}]['OPTIONS'] (see the README), or "
                    "use PostgreSQL.",
                    id="wagtail_passfamille.W004",
                )
            )
    return warnings


@register(Tags.security)
def check_private_file_storage(app_configs=None, **kwargs):
    """Citizens' files must not land where the web server publishes media."""
    config = get_setting("FILE_STORAGE")
    if not isinstance(config, dict) or not config.get("BACKEND", "").endswith("FileSystemStorage"):
        return []
    location = (config.get("OPTIONS") or {}).get("location")
    media_root = getattr(settings, "MEDIA_ROOT", "") or ""
    public = location is None or (
        bool(media_root) and Path(location).resolve().is_relative_to(Path(media_root).resolve())
    )
    if public:
        return [
            Warning(
                f"{PREFIX}FILE_STORAGE stores citizens' files inside MEDIA_ROOT, which is "
                "usually served publicly.",
                hint="Set OPTIONS['location'] to a directory outside MEDIA_ROOT and outside "
                "the web server's reach.",
                id="wagtail_passfamille.W003",
            )
        ]
    return []


# The upload limits only work from a middleware placed before CSRF's.
UPLOAD_MIDDLEWARE = "wagtail_passfamille.security.upload_limits.UploadLimitMiddleware"
CSRF_MIDDLEWARE = "django.middleware.csrf.CsrfViewMiddleware"


def _position(middleware: list[str], wanted: str) -> int | None:
    """Index of ``wanted`` or of a subclass of it (an integrator's own), else None."""
    try:
        wanted_class = import_string(wanted)
    except ImportError:
        return None
    for index, path in enumerate(middleware):
        if path == wanted:
            return index
        try:
            candidate = import_string(path)
        except ImportError:
            continue  # Django reports an unimportable middleware itself
        if isinstance(candidate, type) and issubclass(candidate, wanted_class):
            return index
    return None


@register(Tags.security)
def check_upload_middleware(app_configs=None, **kwargs):
    middleware = list(getattr(settings, "MIDDLEWARE", None) or [])
    ours = _position(middleware, UPLOAD_MIDDLEWARE)
    hint = f"Add '{UPLOAD_MIDDLEWARE}' to MIDDLEWARE right before '{CSRF_MIDDLEWARE}'."
    if ours is None:
        return [
            Warning(
                "The upload limits of wagtail-passfamille are off: without "
                "UploadLimitMiddleware, a citizen's upload of any size is written to a "
                "temporary file before any check.",
                hint=hint,
                id="wagtail_passfamille.W002",
            )
        ]
    csrf = _position(middleware, CSRF_MIDDLEWARE)
    if csrf is not None and csrf < ours:
        return [
            Warning(
                "UploadLimitMiddleware comes after CsrfViewMiddleware, which reads the request "
                "body first: the upload limits would apply too late.",
                hint=hint,
                id="wagtail_passfamille.W002",
            )
        ]
    return []


# E010: ADMIN_2FA_REQUIRED without the apps and middlewares that enforce it.
register(Tags.security)(check_two_factor_setup)
# W010: no django-axes, so no login throttling.
register(Tags.security)(check_login_throttle)
