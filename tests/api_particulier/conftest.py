"""A sandbox on a free loopback port for the whole session, reset before each test."""

import pytest

from wagtail_passfamille.api_particulier import (
    ApiParticulierClient,
    ImpotParticulierClient,
    Timeout,
)
from wagtail_passfamille.sandbox import make_token, start_sandbox

RECIPIENT = "13002526500013"  # DINUM's SIRET, as in every staging example
# The tests' own token: all quotient familial scopes, no rate limit (rate tests make their own).
TEST_TOKEN = make_token("tests-api-particulier", rate_limit=None)
# Short enough that no test waits long on a broken call, long enough for a loaded CI machine.
TEST_TIMEOUT = Timeout(connect=1.0, deadline=3.0)


@pytest.fixture(scope="session")
def running_sandbox():
    with start_sandbox() as sandbox:
        yield sandbox


@pytest.fixture
def sandbox(running_sandbox):
    running_sandbox.reset()
    yield running_sandbox
    running_sandbox.reset()


@pytest.fixture
def particulier(sandbox):
    return ApiParticulierClient(sandbox.url, TEST_TOKEN, RECIPIENT, timeout=TEST_TIMEOUT)


@pytest.fixture
def impot(sandbox):
    return ImpotParticulierClient(
        sandbox.impot_url, sandbox.token_url, "demo", "demo-secret", timeout=TEST_TIMEOUT
    )
