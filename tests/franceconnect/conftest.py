"""A sandbox whose FranceConnect stand-in registers the tests' redirect URIs."""

import time

import pytest

from wagtail_passfamille.sandbox import start_sandbox

REDIRECT_URI = "http://127.0.0.1:8999/franceconnect/callback/"
LOGOUT_URI = "http://127.0.0.1:8999/franceconnect/logout/done/"


@pytest.fixture(scope="session")
def fc_sandbox():
    with start_sandbox(fc_redirect_uris=[REDIRECT_URI], fc_logout_uris=[LOGOUT_URI]) as sandbox:
        yield sandbox


@pytest.fixture
def standin(fc_sandbox):
    fc_sandbox.reset()
    fc_sandbox.franceconnect.clock = time.time
    yield fc_sandbox
    fc_sandbox.franceconnect.clock = time.time
    fc_sandbox.reset()
