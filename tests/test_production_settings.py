"""The production profile reads its secrets from the environment and refuses unsafe ones."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

SITE = Path(__file__).resolve().parents[1] / "site"
GOOD = {
    "SECRET_KEY": "x" * 50,
    "DATABASE_URL": "postgres://u:p@127.0.0.1:5432/db",
    "ALLOWED_HOSTS": "demarches.demoville.example",
}


def load(env):
    """Import the production settings in a fresh interpreter; (exit code, stderr)."""
    clean = {k: v for k, v in os.environ.items() if k not in ("DEBUG", *GOOD)}
    result = subprocess.run(
        [sys.executable, "-c", "import demo.settings.production as s; print(s.DEBUG)"],
        cwd=SITE,
        env={**clean, **env},
        capture_output=True,
        text=True,
        timeout=60,
    )
    return result.returncode, result.stderr


def test_good_environment_starts():
    code, stderr = load(GOOD)
    assert code == 0, stderr


@pytest.mark.parametrize(
    "env, message",
    [
        ({**GOOD, "DEBUG": "true"}, "DEBUG must be off"),
        ({**GOOD, "SECRET_KEY": "demo-only-insecure-key-never-use-in-production"}, "SECRET_KEY"),
        ({**GOOD, "SECRET_KEY": "short"}, "SECRET_KEY"),
        ({k: v for k, v in GOOD.items() if k != "SECRET_KEY"}, "SECRET_KEY is required"),
        ({**GOOD, "DATABASE_URL": "sqlite:///db.sqlite3"}, "PostgreSQL"),
        ({k: v for k, v in GOOD.items() if k != "ALLOWED_HOSTS"}, "ALLOWED_HOSTS is required"),
    ],
)
def test_unsafe_environments_refuse_to_start(env, message):
    code, stderr = load(env)
    assert code != 0
    assert "ImproperlyConfigured" in stderr and message in stderr


def run_in_production(code, env=None):
    """Run ``code`` with the production settings set up, in a fresh interpreter."""
    clean = {k: v for k, v in os.environ.items() if k not in ("DEBUG", *GOOD)}
    return subprocess.run(
        [sys.executable, "-c", "import django; django.setup()\n" + code],
        cwd=SITE,
        env={
            **clean,
            **GOOD,
            "REDIS_URL": "redis://127.0.0.1:6379/15",
            "DJANGO_SETTINGS_MODULE": "demo.settings.production",
            **(env or {}),
        },
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_the_production_profile_enforces_the_second_factor_throttles_and_headers():
    result = run_in_production(
        "from django.conf import settings\n"
        "from django.core.management import call_command\n"
        "from wagtail_passfamille.conf import get_setting\n"
        "from wagtail_passfamille.security.admin_session import check_two_factor_setup\n"
        "from wagtail_passfamille.security.login_throttle import check_login_throttle\n"
        "assert get_setting('ADMIN_2FA_REQUIRED') is True\n"
        "assert check_two_factor_setup() == [] and check_login_throttle() == []\n"
        "assert settings.AXES_HANDLER == 'axes.handlers.cache.AxesCacheHandler'\n"
        "assert settings.AUTHENTICATION_BACKENDS[0] == 'axes.backends.AxesStandaloneBackend'\n"
        "assert settings.MIDDLEWARE[-1] == 'axes.middleware.AxesMiddleware'\n"
        "assert 'wagtail_passfamille.security.headers.ContentSecurityPolicyMiddleware' "
        "in settings.MIDDLEWARE\n"
        "script = settings.CONTENT_SECURITY_POLICY['DIRECTIVES']['script-src']\n"
        "assert \"'unsafe-inline'\" not in script\n"
        "call_command('check', '--deploy', '--fail-level', 'ERROR')\n"
        "print('ok')\n"
    )
    assert result.returncode == 0, result.stderr[-3000:]
    assert result.stdout.strip().endswith("ok")
    assert "wagtail_passfamille.E010" not in result.stderr
