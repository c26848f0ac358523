"""``manage.py passfamille_api``: the same command line, through Django, in a process of its own
(these tests stay pure: Django is configured in the child process only)."""

import json
import os
import subprocess
import sys

import pytest

from .conftest import RECIPIENT, TEST_TOKEN

pytestmark = pytest.mark.sandbox

SCRIPT = """
import os, sys
import django
from django.conf import settings
settings.configure(
    INSTALLED_APPS=[],
    WAGTAIL_PASSFAMILLE_CREDENTIALS={
        "demo": {
            "API_PARTICULIER": {
                "URL": os.environ["SANDBOX_URL"],
                "TOKEN": os.environ["SANDBOX_TOKEN"],
            }
        }
    },
)
django.setup()
from django.core.management import call_command
from django.core.management.base import CommandError
from wagtail_passfamille.management.commands.passfamille_api import Command
try:
    call_command(Command(), *sys.argv[1:])
except CommandError as error:
    sys.exit(error.returncode)
"""


def run(sandbox, *argv, recipient=RECIPIENT):
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"}
    env |= {
        "SANDBOX_URL": sandbox.url,
        "SANDBOX_TOKEN": TEST_TOKEN,
        "API_PARTICULIER_RECIPIENT": recipient,
    }
    for name in ("API_PARTICULIER_URL", "API_PARTICULIER_TOKEN"):
        env.pop(name, None)
    completed = subprocess.run(
        [sys.executable, "-c", SCRIPT, *argv],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    return completed.returncode, json.loads(completed.stdout)


def test_profile_gives_what_the_environment_lacks(sandbox):
    code, output = run(
        sandbox,
        "--profile",
        "demo",
        "quotient-familial",
        "--nom-naissance",
        "LEFEBVRE",
        "--prenom",
        "ALEXIS",
        "--sexe",
        "F",
        "--date-naissance",
        "1982-12-27",
        "--pays",
        "99100",
        "--commune",
        "08480",
    )
    assert (code, output["quotient_familial"]["valeur"]) == (0, 2550)
    assert sandbox.stats.requests == {"quotient_familial": 1}


def test_exit_codes_pass_through(sandbox):
    code, output = run(sandbox, "--profile", "demo", "ping", recipient="123")
    assert (code, output["error"]) == (4, "InvalidRecipient")
    code, output = run(sandbox, "--profile", "nope", "ping")
    assert (code, output["error"]) == (4, "ConfigurationError")
    code, output = run(sandbox, "ping")  # no profile, no URL in the environment
    assert (code, output["error"]) == (4, "ConfigurationError")
