"""System checks fire on bad settings and stay quiet on good ones (they must run offline)."""

import pytest
from django.core import checks
from django.test import override_settings

from wagtail_passfamille import checks as passfamille_checks

GOOD_PROFILE = {
    "API_PARTICULIER": {"URL": "https://particulier.api.gouv.fr", "TOKEN": "t"},
    "IMPOT_PARTICULIER": {
        "URL": "https://gw.dgfip.finances.gouv.fr/impotparticulier/1.0",
        "TOKEN_URL": "https://gw.dgfip.finances.gouv.fr/token",
        "CLIENT_ID": "id",
        "CLIENT_SECRET": "s3cr3t-value",
    },
}


def ids(messages):
    return sorted(m.id for m in messages)


def test_the_demo_settings_pass_every_check():
    messages = [m for m in checks.run_checks() if m.id.startswith("wagtail_passfamille")]
    assert messages == []


@pytest.mark.parametrize(
    "profile, expected_fragment",
    [
        ("not a dict", "must be a dict"),
        ({}, "declares neither"),
        ({"API_PARTICULIER": {"URL": "https://x.example"}}, "API_PARTICULIER.TOKEN is missing"),
        ({"API_PARTICULIER": {"URL": "ftp://x", "TOKEN": "t"}}, "absolute http(s) URL"),
        ({"API_PARTICULIER": {"URL": "http://api.example", "TOKEN": "t"}}, "must use https"),
        ({"API_PARTICULIER": {"URL": "https://x", "TOKEN": "t", "TOKN": "t"}}, "TOKN"),
        ({"IMPOT_PARTICULIER": {"URL": "https://x"}}, "IMPOT_PARTICULIER.CLIENT_ID is missing"),
        ({"API_PARTICULER": {}}, "unknown key(s) API_PARTICULER"),
    ],
)
def test_malformed_credential_profiles_are_errors(profile, expected_fragment):
    with override_settings(WAGTAIL_PASSFAMILLE_CREDENTIALS={"cantine": profile}):
        errors = passfamille_checks.check_credentials()
    assert errors, "a malformed profile must be reported"
    assert {e.id for e in errors} == {"wagtail_passfamille.E003"}
    assert any(expected_fragment in e.msg for e in errors), [e.msg for e in errors]
    assert all("'cantine'" in e.msg for e in errors)


def test_credential_errors_never_print_secret_values():
    profile = {"API_PARTICULIER": {"URL": "not-a-url-secret-123", "TOKEN": "tok-secret-456"}}
    with override_settings(WAGTAIL_PASSFAMILLE_CREDENTIALS={"p": profile}):
        errors = passfamille_checks.check_credentials()
    text = " ".join(f"{e.msg} {e.hint}" for e in errors)
    assert "secret-123" not in text and "secret-456" not in text


def test_good_profiles_and_loopback_http_are_quiet():
    sandbox = {"API_PARTICULIER": {"URL": "http://127.0.0.1:8765", "TOKEN": "t"}}
    with override_settings(
        WAGTAIL_PASSFAMILLE_CREDENTIALS={"cantine": GOOD_PROFILE, "demo": sandbox}
    ):
        assert passfamille_checks.check_credentials() == []


def test_credentials_must_be_a_dict_of_profiles():
    with override_settings(WAGTAIL_PASSFAMILLE_CREDENTIALS=[GOOD_PROFILE]):
        assert ids(passfamille_checks.check_credentials()) == ["wagtail_passfamille.E003"]


def test_signed_cookie_sessions_are_refused():
    engine = "django.contrib.sessions.backends.signed_cookies"
    with override_settings(SESSION_ENGINE=engine):
        assert ids(passfamille_checks.check_session_engine()) == ["wagtail_passfamille.E002"]
    with override_settings(SESSION_ENGINE="django.contrib.sessions.backends.cached_db"):
        assert passfamille_checks.check_session_engine() == []


@pytest.mark.parametrize("missing", sorted(passfamille_checks.REQUIRED_APPS))
def test_each_missing_required_app_is_named(monkeypatch, missing):
    # Changing INSTALLED_APPS for real would rebuild the app registry mid-run; the check only
    # asks the registry, so answer for it.
    installed = passfamille_checks.apps.is_installed
    monkeypatch.setattr(
        passfamille_checks.apps, "is_installed", lambda name: name != missing and installed(name)
    )
    errors = passfamille_checks.check_required_apps()
    assert ids(errors) == ["wagtail_passfamille.E001"]
    assert f"'{missing}'" in errors[0].msg


def test_encryption_keys():
    with override_settings(WAGTAIL_PASSFAMILLE_ENCRYPTION_KEYS=[]):
        assert ids(passfamille_checks.check_encryption_keys()) == ["wagtail_passfamille.W001"]
    with override_settings(WAGTAIL_PASSFAMILLE_ENCRYPTION_KEYS=["too-short"]):
        assert ids(passfamille_checks.check_encryption_keys()) == ["wagtail_passfamille.E004"]
    with override_settings(WAGTAIL_PASSFAMILLE_ENCRYPTION_KEYS="a-string"):
        assert ids(passfamille_checks.check_encryption_keys()) == ["wagtail_passfamille.E004"]


def test_dsfr_theme_needs_django_dsfr_and_queue_must_exist(settings):
    settings.WAGTAIL_PASSFAMILLE_THEME = "dsfr"
    assert ids(passfamille_checks.check_theme_and_queue()) == ["wagtail_passfamille.E005"]
    settings.WAGTAIL_PASSFAMILLE_THEME = "neutral"
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    assert ids(passfamille_checks.check_theme_and_queue()) == ["wagtail_passfamille.E006"]
    settings.TASKS = {
        "default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend", "QUEUES": []}
    }
    assert passfamille_checks.check_theme_and_queue() == []


def test_routable_pages_and_the_second_factor_apps_are_required():
    # The README says a check names any missing app: these three were once forgotten.
    for app in ("wagtail.contrib.routable_page", "django_otp", "django_otp.plugins.otp_totp"):
        assert app in passfamille_checks.REQUIRED_APPS


def test_a_profile_may_carry_the_recipient_that_docs_api_clients_describes():
    # docs/api-clients.md: manage.py passfamille_api --profile reads API_PARTICULIER.RECIPIENT.
    profile = {
        "API_PARTICULIER": {**GOOD_PROFILE["API_PARTICULIER"], "RECIPIENT": "13002526500013"}
    }
    with override_settings(WAGTAIL_PASSFAMILLE_CREDENTIALS={"cantine": profile}):
        assert passfamille_checks.check_credentials() == []
    profile["API_PARTICULIER"]["RECIPIENT"] = "1300 2526"
    with override_settings(WAGTAIL_PASSFAMILLE_CREDENTIALS={"cantine": profile}):
        errors = passfamille_checks.check_credentials()
    assert [e.msg for e in errors] == [
        "Credential profile 'cantine': API_PARTICULIER.RECIPIENT must be a SIRET of 14 digits."
    ]


DB_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["passfamille"]}}
README_SQLITE_OPTIONS = {
    "init_command": "PRAGMA journal_mode=WAL;",
    "transaction_mode": "IMMEDIATE",
    "timeout": 20,
}


def sqlite(**options):
    return {"default": {"ENGINE": "django.db.backends.sqlite3", "NAME": "/srv/db.sqlite3",
                        "OPTIONS": options}}  # fmt: skip


@pytest.mark.parametrize(
    "options, missing",
    [
        ({}, ["journal_mode=WAL", "IMMEDIATE", "'timeout'"]),
        ({**README_SQLITE_OPTIONS, "transaction_mode": "DEFERRED"}, ["IMMEDIATE"]),
        ({**README_SQLITE_OPTIONS, "init_command": ""}, ["journal_mode=WAL"]),
        ({**README_SQLITE_OPTIONS, "timeout": 5}, ["'timeout'"]),
    ],
)
def test_sqlite_with_a_database_task_backend_needs_the_readme_options(options, missing):
    warnings = passfamille_checks.sqlite_task_warnings(sqlite(**options), DB_TASKS)
    assert ids(warnings) == ["wagtail_passfamille.W004"]
    for fragment in missing:
        assert fragment in warnings[0].msg
    assert "database is locked" in warnings[0].msg


def test_sqlite_check_is_quiet_with_the_readme_options_or_without_database_tasks(settings):
    check = passfamille_checks.sqlite_task_warnings
    assert check(sqlite(**README_SQLITE_OPTIONS), DB_TASKS) == []
    spelled = sqlite(init_command="pragma journal_mode = wal", timeout=30.0,
                     transaction_mode="immediate")  # fmt: skip
    assert check(spelled, DB_TASKS) == []
    immediate = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    assert check(sqlite(), immediate) == []
    postgres = {"default": {"ENGINE": "django.db.backends.postgresql", "NAME": "pf"}}
    assert check(postgres, DB_TASKS) == []
    for memory in (":memory:", "file:memorydb_default?mode=memory&cache=shared"):
        in_memory = {"default": {"ENGINE": "django.db.backends.sqlite3", "NAME": memory}}
        assert check(in_memory, DB_TASKS) == []
    # The registered check reads the project's settings.
    settings.TASKS = DB_TASKS
    assert passfamille_checks.check_sqlite_with_task_worker() == []  # tests: in memory
