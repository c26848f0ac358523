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
