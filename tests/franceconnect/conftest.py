"""A sandbox whose FranceConnect stand-in registers the tests' redirect URIs."""

import time

import pytest

from wagtail_passfamille.sandbox import start_sandbox

REDIRECT_URI = "http://127.0.0.1:8999/franceconnect/callback/"
LOGOUT_URI = "http://127.0.0.1:8999/franceconnect/logout/done/"
# Where Django's test client says the site is.
SITE_CALLBACK = "http://testserver/passfamille/franceconnect/callback/"
SITE_LOGOUT_DONE = "http://testserver/passfamille/franceconnect/logout/done/"


@pytest.fixture(scope="session")
def fc_sandbox():
    with start_sandbox(
        fc_redirect_uris=[REDIRECT_URI, SITE_CALLBACK],
        fc_logout_uris=[LOGOUT_URI, SITE_LOGOUT_DONE],
    ) as sandbox:
        yield sandbox


@pytest.fixture
def standin(fc_sandbox):
    fc_sandbox.reset()
    fc_sandbox.franceconnect.clock = time.time
    yield fc_sandbox
    fc_sandbox.franceconnect.clock = time.time
    fc_sandbox.reset()


@pytest.fixture
def fc_settings(standin, settings):
    """The demo's credential profile "demo" on the stand-in's sandbox, FranceConnect included."""
    from wagtail_passfamille.citizen.franceconnect.client import forget_providers
    from wagtail_passfamille.sandbox import FC_CLIENT_ID, FC_CLIENT_SECRET, make_token
    from wagtail_passfamille.services import forget_clients

    settings.WAGTAIL_PASSFAMILLE_CREDENTIALS = {
        "demo": {
            "API_PARTICULIER": {
                "URL": standin.url,
                "TOKEN": make_token("tests-franceconnect", rate_limit=None),
            },
            "IMPOT_PARTICULIER": {
                "URL": standin.impot_url,
                "TOKEN_URL": standin.token_url,
                "CLIENT_ID": "demo",
                "CLIENT_SECRET": "demo-secret",
            },
            "FRANCECONNECT": {
                "ISSUER": standin.fc_issuer,
                "CLIENT_ID": FC_CLIENT_ID,
                "CLIENT_SECRET": FC_CLIENT_SECRET,
            },
        }
    }
    forget_clients()
    forget_providers()
    yield settings
    forget_clients()
    forget_providers()


@pytest.fixture
def cantine(db, fc_settings):
    from django.core.management import call_command

    from wagtail_passfamille.models import DemarchePage

    call_command("seed_demo", "--no-admin", verbosity=0)
    return DemarchePage.objects.get(slug="restauration-scolaire")
