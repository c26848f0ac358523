"""Each injected fault ends in the right exception, within the call's deadline.

Times are never asserted tightly: a stalled or dripping upstream must be cut "much sooner than the
stall", with the deadline set short here. Everything else is counted, not timed.
"""

import socket
import threading
import time

import pytest

from wagtail_passfamille.api_particulier import (
    ApiParticulierClient,
    Conflict,
    ProviderUnavailable,
    RateLimited,
    Timeout,
)
from wagtail_passfamille.sandbox import make_token

from .conftest import RECIPIENT, TEST_TOKEN
from .helpers import NOMINAL

pytestmark = pytest.mark.sandbox

SHORT = Timeout(connect=0.5, deadline=0.6)
STALL = 20.0  # what the upstream would make us wait without a total deadline


def _client(sandbox, **kwargs):
    kwargs.setdefault("timeout", SHORT)
    return ApiParticulierClient(sandbox.url, TEST_TOKEN, RECIPIENT, **kwargs)


@pytest.mark.parametrize(
    "fault",
    [
        f"stall={STALL}",  # nothing at all
        "drip=0.2",  # one byte every 0.2 s: each read succeeds, a read timeout never fires
        "drip=0.05",  # faster, still far from done at the deadline (the answer is ~1 kB)
    ],
)
def test_stalls_and_drips_are_cut_at_the_deadline(sandbox, fault):
    client = _client(sandbox)
    sandbox.set_fault(fault)
    start = time.monotonic()
    with pytest.raises(ProviderUnavailable) as caught:
        client.quotient_familial(NOMINAL)
    elapsed = time.monotonic() - start
    assert caught.value.code == "deadline"
    assert elapsed < STALL / 4  # much shorter than the stall, whatever the machine


def test_a_drip_through_the_headers_is_cut_too(sandbox):
    """The drip starts with the status line: the deadline covers headers, not only the body."""
    sandbox.set_fault("drip=0.8")
    start = time.monotonic()
    with pytest.raises(ProviderUnavailable):
        _client(sandbox).ping()
    assert time.monotonic() - start < STALL / 4


@pytest.mark.parametrize(
    ("fault", "code"),
    [
        ("invalid_json", "invalid_json"),
        ("empty", "invalid_json"),
        ("schema", "invalid_answer"),
        ("html", None),  # a 503 maintenance page, not JSON
        ("html; status=200", "invalid_json"),
        ("drop", "network"),
    ],
)
def test_unreadable_answers_are_unavailability(particulier, sandbox, fault, code):
    sandbox.set_fault(fault)
    with pytest.raises(ProviderUnavailable) as caught:
        particulier.quotient_familial(NOMINAL)
    assert caught.value.code == code
    assert sandbox.stats.requests["quotient_familial"] == 1


def test_connection_refused_is_unavailability(sandbox):
    with socket.socket() as probe:  # a port nobody listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    client = ApiParticulierClient(f"http://127.0.0.1:{port}", TEST_TOKEN, RECIPIENT, timeout=SHORT)
    with pytest.raises(ProviderUnavailable) as caught:
        client.ping()
    assert caught.value.code == "network"


def test_latency_is_only_latency(particulier, sandbox):
    sandbox.set_fault("latency=20-40")
    assert particulier.quotient_familial(NOMINAL).quotient_familial.valeur == 2550


def test_same_parameters_in_flight_get_409(sandbox):
    """The sandbox holds a lock per token and parameters while it "processes" a request."""
    client = _client(sandbox, timeout=Timeout(1.0, 5.0))
    outcomes = []
    barrier = threading.Barrier(2)

    def call():
        barrier.wait()
        try:
            outcomes.append(client.quotient_familial(NOMINAL).quotient_familial.valeur)
        except Conflict as error:
            outcomes.append(error.code)

    sandbox.set_fault("latency=800")  # long enough for both to overlap on a loaded machine
    threads = [threading.Thread(target=call) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(map(str, outcomes)) == ["00015", "2550"]
    assert sandbox.stats.max_in_flight == 2


def test_different_parameters_are_not_in_conflict(sandbox):
    client = _client(sandbox, timeout=Timeout(1.0, 5.0))
    sandbox.set_fault("latency=800")
    other = NOMINAL.__class__(**{**NOMINAL.__dict__, "prenoms": ("ALEXIS",)})
    barrier = threading.Barrier(2)
    results = []

    def call(identite):
        barrier.wait()
        results.append(client.quotient_familial(identite).quotient_familial.valeur)

    threads = [threading.Thread(target=call, args=(i,)) for i in (NOMINAL, other)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert results == [2550, 2550] and sandbox.stats.max_in_flight == 2


def test_the_token_rate_limit_answers_429_with_its_headers(sandbox):
    token = make_token("tests-rate", rate_limit=3, rate_period=3600)  # one window for the test
    client = ApiParticulierClient(sandbox.url, token, RECIPIENT, timeout=SHORT)
    for _ in range(3):
        client.quotient_familial(NOMINAL)
    with pytest.raises(RateLimited) as caught:
        client.quotient_familial(NOMINAL)
    assert caught.value.code == "00429"
    assert 0 < caught.value.retry_after <= 3600
    assert sandbox.stats.responses[("quotient_familial", 429)] == 1


def test_production_rate_20_per_second(sandbox):
    token = make_token("tests-rate-20", rate_limit=20, rate_period=3600)
    client = ApiParticulierClient(sandbox.url, token, RECIPIENT, timeout=SHORT)
    for _ in range(20):
        client.ping()  # pings are not throttled
        client.scopes()  # introspect is not counted either
    answers = []
    for _ in range(21):
        try:
            client.quotient_familial(NOMINAL)
            answers.append(200)
        except RateLimited:
            answers.append(429)
    assert answers == [200] * 20 + [429]


def test_no_retry_by_default(particulier, sandbox):
    sandbox.set_fault("status=502; times=1")
    with pytest.raises(ProviderUnavailable):
        particulier.quotient_familial(NOMINAL)
    assert sandbox.stats.requests["quotient_familial"] == 1


@pytest.mark.parametrize("fault", ["status=502; times=1", "status=504; times=1", "drop; times=1"])
def test_retries_cover_502_504_and_network_errors(sandbox, fault):
    client = _client(sandbox, timeout=Timeout(1.0, 3.0), retries=1)
    sandbox.set_fault(fault)
    assert client.quotient_familial(NOMINAL).quotient_familial.valeur == 2550
    assert sandbox.stats.requests["quotient_familial"] == 2


@pytest.mark.parametrize("fault", ["status=500", "status=503", "status=429", "status=404"])
def test_retries_never_cover_other_failures(sandbox, fault):
    client = _client(sandbox, timeout=Timeout(1.0, 3.0), retries=2)
    sandbox.set_fault(fault)
    with pytest.raises(Exception):  # noqa: B017 - each fault has its class; here only counts matter
        client.quotient_familial(NOMINAL)
    assert sandbox.stats.requests["quotient_familial"] == 1


def test_retries_stop_at_the_deadline(sandbox):
    client = _client(sandbox, timeout=Timeout(0.5, 1.0), retries=50)
    sandbox.set_fault("status=502; latency=200")
    with pytest.raises(ProviderUnavailable):
        client.quotient_familial(NOMINAL)
    assert 1 < sandbox.stats.requests["quotient_familial"] < 50


def test_per_request_fault_header_wins_over_the_process_fault(sandbox):
    import requests

    sandbox.set_fault("status=503")
    response = requests.get(
        sandbox.url + "/api/cnaf_msa_quotient_familial/ping",
        headers={"X-Sandbox-Fault": "status=504"},
        timeout=5,
    )
    assert response.status_code == 504
