"""The sandbox: stricter than staging, like production (shared reference README)."""

import json
import subprocess
import sys
from datetime import timedelta

import pytest
import requests

import wagtail_passfamille.sandbox as sandbox_package
from wagtail_passfamille.api_particulier import (
    ApiParticulierClient,
    EndpointRetired,
    Forbidden,
    PartialDate,
    Unauthorized,
)
from wagtail_passfamille.api_particulier.errors import error_from_response
from wagtail_passfamille.sandbox import (
    BENCHMARK_TOKEN,
    BLACKLISTED_TOKEN,
    DEFAULT_TOKEN,
    EXPIRED_TOKEN,
    NO_QF_SCOPE_TOKEN,
    QF_ONLY_TOKEN,
    make_token,
)
from wagtail_passfamille.sandbox.tokens import read_token

from .conftest import RECIPIENT, TEST_TIMEOUT, TEST_TOKEN
from .helpers import NOMINAL

pytestmark = pytest.mark.sandbox

QF_PATH = "/v3/dss/quotient_familial/identite"
NOMINAL_QUERY = {
    "recipient": RECIPIENT,
    "nomNaissance": "LEFEBVRE",
    "prenoms[]": ["ALEXIS", "GÉRÔME", "JEAN-PHILIPPE"],
    "anneeDateNaissance": "1982",
    "moisDateNaissance": "12",
    "jourDateNaissance": "27",
    "sexeEtatCivil": "F",
    "codeCogInseePaysNaissance": "99100",
    "codeCogInseeCommuneNaissance": "08480",
}


def get(sandbox, path=QF_PATH, token=TEST_TOKEN, **params):
    query = {**NOMINAL_QUERY, **params}
    query = {k: v for k, v in query.items() if v is not None}
    return requests.get(
        sandbox.url + path, params=query, headers={"Authorization": f"Bearer {token}"}, timeout=5
    )


def code_of(response):
    return response.json()["errors"][0]["code"]


def test_every_answer_has_its_own_request_id(sandbox):
    ids = {get(sandbox).headers["X-Request-Id"] for _ in range(3)}
    ids.add(requests.get(sandbox.url + "/nowhere", timeout=5).headers["X-Request-Id"])
    assert len(ids) == 4


def test_rate_limit_headers_and_cache_headers(sandbox):
    token = make_token("tests-headers", rate_limit=20)
    headers = get(sandbox, token=token).headers
    assert headers["RateLimit-Limit"] == "20"
    assert int(headers["RateLimit-Remaining"]) < 20
    assert int(headers["RateLimit-Reset"]) > 1_700_000_000  # an epoch timestamp
    assert (headers["X-Response-Cached"], headers["X-Cache-Expires-in"]) == ("false", "")


@pytest.mark.parametrize(
    ("params", "code"),
    [
        ({"recipient": None}, "00203"),
        ({"recipient": "13002526500014"}, "00210"),
        ({"nomNaissance": None}, "00420"),
        ({"nomNaissance": "DUP0NT"}, "00420"),
        ({"prenoms[]": None}, "00421"),
        ({"prenoms[]": ["A", "B", "C", "D"]}, "00421"),
        ({"prenoms[]": ["4LEXIS"]}, "00367"),
        ({"sexeEtatCivil": "X"}, "00427"),
        ({"codeCogInseePaysNaissance": "FR"}, "00400"),
        ({"codeCogInseeCommuneNaissance": "8480"}, "00365"),
        ({"codeCogInseeCommuneNaissance": None}, "00365"),
        ({"anneeDateNaissance": "1899"}, "00363"),
        ({"moisDateNaissance": "2", "jourDateNaissance": "31"}, "00425"),
        ({"annee": "2000"}, "00356"),
        ({"mois": "13"}, "00354"),
    ],
)
def test_identity_parameters_are_checked_with_production_codes(sandbox, params, code):
    response = get(sandbox, **params)
    assert (response.status_code, code_of(response)) == (422, code)


def test_integers_with_leading_zeros_do_not_match_a_case(sandbox):
    """Staging compares the text sent; the sandbox refuses to be lenient about it."""
    assert get(sandbox).status_code == 200
    assert get(sandbox, moisDateNaissance="012").status_code == 404


def test_string_values_match_whatever_their_case(sandbox):
    response = get(
        sandbox, nomNaissance="lefebvre", **{"prenoms[]": ["alexis", "gérôme", "jean-philippe"]}
    )
    assert response.status_code == 200


@pytest.mark.parametrize(
    ("token", "expected", "code"),
    [
        (EXPIRED_TOKEN, Unauthorized, "00103"),
        (BLACKLISTED_TOKEN, Unauthorized, "00105"),
        ("not-a-jwt", Unauthorized, "00101"),
        (NO_QF_SCOPE_TOKEN, Forbidden, "00100"),
    ],
)
def test_tokens_refused(sandbox, token, expected, code):
    client = ApiParticulierClient(sandbox.url, token, RECIPIENT, timeout=TEST_TIMEOUT)
    with pytest.raises(expected) as caught:
        client.quotient_familial(NOMINAL)
    assert caught.value.code == code


def test_scopes_mask_the_answer(sandbox):
    client = ApiParticulierClient(sandbox.url, QF_ONLY_TOKEN, RECIPIENT, timeout=TEST_TIMEOUT)
    result = client.quotient_familial(NOMINAL)
    assert result.quotient_familial.valeur == 2550
    assert (result.allocataires, result.enfants, result.adresse) == (None, None, None)
    v2 = client.composition_familiale_v2(NOMINAL)
    assert (v2.quotient_familial.valeur, v2.allocataires) == (2550, None)
    assert client.scopes() == {"cnaf_quotient_familial"}


def test_children_only_token(sandbox):
    token = make_token("tests-children", ["cnaf_enfants"], rate_limit=None)
    client = ApiParticulierClient(sandbox.url, token, RECIPIENT, timeout=TEST_TIMEOUT)
    identite = NOMINAL.__class__(
        "GIRAUD", ("ANNE",), "F", "99100", PartialDate(1988, 12, 1), "13002"
    )
    result = client.quotient_familial(identite)
    assert (result.quotient_familial, result.allocataires, result.adresse) == (None, None, None)
    assert len(result.enfants) == 3


def test_france_connect_scopes_are_the_citizen_token_s(sandbox):
    """On the FranceConnect route, the FC token's scopes mask the answer, not ours."""
    client = ApiParticulierClient(sandbox.url, QF_ONLY_TOKEN, RECIPIENT, timeout=TEST_TIMEOUT)
    result = client.quotient_familial_france_connect("cnaf_qfv2")
    assert result.allocataires is not None and result.adresse is not None


def test_retired_routes_answer_410_in_plain_text(sandbox):
    for path in (
        "/api/v2/avis-imposition",
        "/api/impots/svair",
        "/api/v2/composition-familiale",
        "/api/caf/famille",
    ):
        response = requests.get(sandbox.url + path, timeout=5)
        assert response.status_code == 410
        assert "Content-Type" not in response.headers
        assert response.text.startswith(("Cette URL n'existe plus", "L'API Quotient Familial v1"))
        error = error_from_response(
            api="api_particulier", endpoint="retired", status=410, body=None, text=response.text
        )
        assert isinstance(error, EndpointRetired) and error.title == response.text


def test_unsupported_version_is_00402(sandbox):
    response = get(sandbox, path="/v4/dss/quotient_familial/identite")
    body = response.json()
    error = error_from_response(
        api="api_particulier", endpoint="qf", status=response.status_code, body=body
    )
    assert (response.status_code, code_of(response), type(error)) == (404, "00402", EndpointRetired)


@pytest.mark.parametrize(
    ("status", "http_status", "until"),
    [("ok", 200, False), ("maintenance", 200, True), ("bad_gateway", 502, False)],
)
def test_ping_statuses(particulier, sandbox, status, http_status, until):
    sandbox.set_ping(status)
    ping = particulier.ping()
    assert (ping.status, ping.until is not None) == (status, until)
    assert sandbox.stats.responses[("ping", http_status)] == 1


def test_pings_list_and_pong(sandbox):
    assert (
        "cnaf_msa_quotient_familial" in requests.get(sandbox.url + "/api/pings", timeout=5).json()
    )
    assert requests.get(sandbox.url + "/api/ping", timeout=5).text == "pong"


def test_introspect_reads_the_token_wherever_it_is(sandbox):
    info = read_token(TEST_TOKEN)
    for kwargs in ({"headers": {"X-Api-Key": TEST_TOKEN}}, {"params": {"token": TEST_TOKEN}}):
        body = requests.get(sandbox.url + "/api/introspect", timeout=5, **kwargs).json()
        assert body == {"_id": info.jti, "name": "", "scopes": sorted(info.scopes)}


def test_stats_count_requests_per_endpoint(particulier, sandbox):
    particulier.quotient_familial(NOMINAL)
    particulier.quotient_familial(NOMINAL)
    particulier.ping()
    stats = sandbox.stats
    assert (stats.requests, stats.total) == ({"quotient_familial": 2, "ping": 1}, 3)
    assert stats.responses == {("quotient_familial", 200): 2, ("ping", 200): 1}
    assert (stats.in_flight, stats.max_in_flight) == (0, 1)
    sandbox.reset()
    assert sandbox.stats.total == 0 and sandbox.received == []


def test_control_routes_over_http(sandbox):
    control = sandbox.url + "/__sandbox__"
    assert requests.post(control + "/fault", data="status=503; times=1", timeout=5).json() == {
        "ok": True
    }
    assert get(sandbox).status_code == 503
    assert get(sandbox).status_code == 200
    stats = requests.get(control + "/stats", timeout=5).json()
    assert stats["responses"] == {"quotient_familial 503": 1, "quotient_familial 200": 1}
    assert requests.post(control + "/fault", data="nonsense", timeout=5).status_code == 400
    index = requests.get(control + "/", timeout=5).json()
    assert "fc_inconnu" in index["france_connect_tokens"]
    assert requests.post(control + "/reset", timeout=5).json() == {"ok": True}
    assert requests.get(control + "/stats", timeout=5).json()["total"] == 0


def test_documented_tokens_are_the_real_ones():
    for token in (sandbox_package.DEFAULT_TOKEN, sandbox_package.BENCHMARK_TOKEN):
        assert token in sandbox_package.__doc__
    assert read_token(BENCHMARK_TOKEN).rate_limit is None
    assert read_token(DEFAULT_TOKEN).rate_limit == 20


def test_tokens_are_jwt_shaped_and_carry_their_expiry(sandbox):
    client = ApiParticulierClient(sandbox.url, EXPIRED_TOKEN, RECIPIENT)
    default = ApiParticulierClient(sandbox.url, DEFAULT_TOKEN, RECIPIENT)
    assert default.token_expires_at - client.token_expires_at > timedelta(days=365 * 70)
    assert read_token(DEFAULT_TOKEN[:-2] + "xx") is None  # a forged signature is refused


def test_python_dash_m_sandbox_serves_the_nominal_family():
    process = subprocess.Popen(
        [sys.executable, "-m", "wagtail_passfamille.sandbox", "--port", "0"],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        url = process.stdout.readline().rsplit(" ", 1)[1].strip()
        client = ApiParticulierClient(url, DEFAULT_TOKEN, RECIPIENT, timeout=TEST_TIMEOUT)
        result = client.quotient_familial(NOMINAL)
        assert (result.allocataires[0].nom_naissance, result.quotient_familial.fournisseur) == (
            "LEFEBVRE",
            "CNAF",
        )
        assert result.quotient_familial.valeur == 2550
        assert json.loads(requests.get(url + "/__sandbox__/stats", timeout=5).text)["total"] == 1
    finally:
        process.terminate()
        assert process.wait(timeout=10) == 0
