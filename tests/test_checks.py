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
