"""Every 500 leaves a traceback in the production profile's logs, with no personal data."""

import logging
import os
import subprocess
import sys
from pathlib import Path

from wagtail_passfamille.security.log_redaction import RedactedErrors

SITE = Path(__file__).resolve().parents[2] / "site"
ENV = {
    "SECRET_KEY": "x" * 50,
    "DATABASE_URL": "postgres://u:p@127.0.0.1:5432/db",
    "ALLOWED_HOSTS": "demarches.demoville.example",
    "DJANGO_SETTINGS_MODULE": "demo.settings.production",
}
TOKEN = "1:1xZWCq:0TH_8a62HndvCopZwFnP6KMfoINsM2FIENRG6otCpjc"
CRASH = f"""
import sys, types
import django
django.setup()
from django.test import Client
from django.test.utils import override_settings
from django.urls import path

def lookup_family(nom, email):
    numero_fiscal = "3999999999901"
    raise ValueError(f"no applicant {{nom}} <{{email}}> for {{numero_fiscal}}")

def crash(request, token):
    try:
        lookup_family("DURAND", "camille.durand@example.org")
    except ValueError as error:
        raise RuntimeError(f"lookup failed: {{error}}") from error

urls = types.ModuleType("crash_urls")
urls.urlpatterns = [path("crash/<str:token>/", crash)]
sys.modules["crash_urls"] = urls
with override_settings(ROOT_URLCONF="crash_urls", ALLOWED_HOSTS=["testserver"], MIDDLEWARE=[]):
    response = Client(raise_request_exception=False).get("/crash/{TOKEN}/", secure=True)
print(response.status_code)
"""


def test_a_500_leaves_a_redacted_traceback_on_stderr():
    clean = {k: v for k, v in os.environ.items() if k not in ("DEBUG", *ENV)}
    result = subprocess.run(
        [sys.executable, "-c", CRASH],
        cwd=SITE,
        env={**clean, **ENV},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.stdout.strip() == "500", result.stderr[-3000:]
    log = result.stderr
    assert "ERROR django.request: Internal Server Error: /crash/[…]/" in log
    # Where it failed: both exceptions of the chain, their types, files and functions.
    assert "Traceback (most recent call last)" in log
    assert "builtins.RuntimeError: (message redacted)" in log
    assert "builtins.ValueError: (message redacted)" in log
    assert "in lookup_family" in log and "in crash" in log
    # Nothing the citizen typed, and not the capability link.
    for secret in ("DURAND", "camille.durand", "3999999999901", TOKEN, "0TH_8a62"):
        assert secret not in log, secret


def test_the_filter_redacts_records_of_the_app_too():
    record = logging.LogRecord(
        "wagtail_passfamille.x", logging.WARNING, __file__, 1, "link %s", (TOKEN,), None
    )
    email = "camille.durand@example.org"
    try:
        raise KeyError(email)  # source lines are code: data reach a traceback as messages
    except KeyError:
        record.exc_info = sys.exc_info()
    assert RedactedErrors().filter(record)
    text = logging.Formatter().format(record)
    assert "camille.durand" not in text and TOKEN not in text
    assert "builtins.KeyError: (message redacted)" in text
