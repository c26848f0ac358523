"""The FranceConnect stand-in against a strict client: Authlib's OAuth2 session for the flow
(``client_secret_post``), joserfc for every signature, and FranceConnect's rules checked one by one
(reference franceconnect/REFERENCE.md §8)."""

import json
import secrets
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
import requests
from authlib.integrations.requests_client import OAuth2Session
from joserfc import jwt
from joserfc.errors import JoseError
from joserfc.jwk import KeySet

from wagtail_passfamille.api_particulier import ApiParticulierClient, ImpotParticulierClient
from wagtail_passfamille.api_particulier.errors import Forbidden
from wagtail_passfamille.sandbox import (
    FC_CLIENT_ID,
    FC_CLIENT_SECRET,
    FC_DATA_PROVIDER_ID,
    FC_DATA_PROVIDER_SECRET,
)
from wagtail_passfamille.sandbox.fc_accounts import NO_CAF_ACCOUNT, accounts

from .conftest import LOGOUT_URI, REDIRECT_URI

ROOT = Path(__file__).resolve().parents[2]
# ../shared beside the checkout (CI), or beside the worktrees' folder (helpers' worktrees).
SHARED = next(
    (p for p in (ROOT.parent / "shared", ROOT.parent.parent / "shared") if p.is_dir()),
    ROOT.parent / "shared",
)
SHARED_FC_CASES = (
    SHARED
    / "reference/api-particulier/staging-cases"
    / "api_particulier_v3_cnav_quotient_familial_with_france_connect"
)
QF_SCOPE = "openid identite_pivot cnaf_quotient_familial cnaf_allocataires cnaf_enfants"
DUPONT = "france_connect_200_cnaf_2_parents_3_mineurs"
RECIPIENT = "13002526500013"


def _params(**overrides):
    params = {
        "client_id": FC_CLIENT_ID,
        "redirect_uri": REDIRECT_URI,
        "response_type": "code",
        "scope": QF_SCOPE,
        "state": secrets.token_urlsafe(32),
        "nonce": secrets.token_urlsafe(32),
        "acr_values": "eidas1",
    }
    params.update(overrides)
    return {k: v for k, v in params.items() if v is not None}


def _authorize(standin, **overrides):
    params = _params(**overrides)
    answer = requests.get(
        standin.fc_issuer + "/authorize", params=params, allow_redirects=False, timeout=5
    )
    return answer, params


def _back(answer):
    assert answer.status_code == 302, answer.text
    target = urlsplit(answer.headers["Location"])
    return f"{target.scheme}://{target.netloc}{target.path}", {
        k: v[0] for k, v in parse_qs(target.query).items()
    }


class StrictClient:
    """What a careful relying party does: discovery, client_secret_post, every check."""

    def __init__(self, issuer):
        self.issuer = issuer
        self.metadata = requests.get(f"{issuer}/.well-known/openid-configuration", timeout=5).json()
        self.session = OAuth2Session(
            FC_CLIENT_ID,
            FC_CLIENT_SECRET,
            scope=QF_SCOPE,
            redirect_uri=REDIRECT_URI,
            token_endpoint_auth_method="client_secret_post",
        )

    def keys(self):
        return KeySet.import_key_set(requests.get(self.metadata["jwks_uri"], timeout=5).json())

    def login(self, account, **extra):
        self.nonce = secrets.token_urlsafe(32)
        url, self.state = self.session.create_authorization_url(
            self.metadata["authorization_endpoint"],
            state=secrets.token_urlsafe(32),
            nonce=self.nonce,
            acr_values="eidas1",
            login_hint=account,
            **extra,
        )
        answer = requests.get(url, allow_redirects=False, timeout=5)
        base, query = _back(answer)
        assert base == REDIRECT_URI
        assert query["state"] == self.state
        assert query["iss"] == self.issuer  # RFC 9207
        self.callback = answer.headers["Location"]
        return query

    def token(self):
        return self.session.fetch_token(
            self.metadata["token_endpoint"], authorization_response=self.callback
        )

    def decode(self, text, *, nonce=True):
        token = jwt.decode(text, self.keys(), algorithms=["ES256", "RS256"])
        claims = {"iss": {"essential": True, "value": self.issuer}}
        claims["aud"] = {"essential": True, "value": FC_CLIENT_ID}
        if nonce:
            claims["nonce"] = {"essential": True, "value": self.nonce}
            claims["acr"] = {"essential": True, "value": "eidas1"}
        jwt.JWTClaimsRegistry(leeway=5, **claims).validate(token.claims)
        return token


@pytest.fixture
def client(standin):
    return StrictClient(standin.fc_issuer)


def test_discovery_is_franceconnects(client, standin):
    metadata = client.metadata
    assert metadata["issuer"] == standin.fc_issuer
    assert metadata["token_endpoint_auth_methods_supported"] == [
        "client_secret_post",
        "private_key_jwt",
    ]
    assert metadata["response_types_supported"] == ["code"]
    assert metadata["acr_values_supported"] == ["eidas1"]
    assert metadata["subject_types_supported"] == ["pairwise"]
    assert "ES256" in metadata["id_token_signing_alg_values_supported"]
    assert metadata["end_session_endpoint"] == standin.fc_issuer + "/session/end"
    assert metadata["authorization_response_iss_parameter_supported"] is True


def test_the_whole_flow_verifies_against_the_jwks(client):
    client.login(DUPONT)
    token = client.token()
    assert token["token_type"] == "Bearer" and token["expires_in"] == 60
    assert "refresh_token" not in token
    id_token = client.decode(token["id_token"])
    assert id_token.header["alg"] == "ES256" and id_token.header["kid"]
    assert id_token.claims["exp"] - id_token.claims["iat"] == 60
    assert len(id_token.claims["sub"]) == 66 and id_token.claims["sub"].endswith("v1")
    answer = requests.get(
        client.metadata["userinfo_endpoint"],
        headers={"Authorization": f"Bearer {token['access_token']}"},
        timeout=5,
    )
    assert answer.headers["Content-Type"] == "application/jwt"
    userinfo = client.decode(answer.text, nonce=False).claims
    assert userinfo["sub"] == id_token.claims["sub"]
    assert userinfo["family_name"] == "DUPONT"
    assert userinfo["given_name_array"] == ["Paul", "Louis"]
    assert userinfo["birthdate"] == "1962-08-24" and userinfo["birthplace"] == "75107"
    assert "email" not in userinfo  # not asked: scope-filtered


def test_a_tampered_id_token_does_not_verify(client):
    client.login(DUPONT)
    head, body, signature = client.token()["id_token"].split(".")
    forged = f"{head}.{body[:-4]}AAAA.{signature}"
    with pytest.raises(JoseError):
        client.decode(forged)


def test_sub_is_pairwise_and_stable(client, standin):
    client.login(DUPONT)
    first = client.decode(client.token()["id_token"]).claims["sub"]
    client.login(DUPONT)
    token = client.token()
    assert client.decode(token["id_token"]).claims["sub"] == first
    checked = standin.franceconnect.introspect(token["access_token"])
    assert checked.claims["sub"] != first  # the data provider gets its own sub


def test_client_secret_basic_is_refused(client):
    client.login(DUPONT)
    code = parse_qs(urlsplit(client.callback).query)["code"][0]
    answer = requests.post(
        client.metadata["token_endpoint"],
        data={"grant_type": "authorization_code", "code": code, "redirect_uri": REDIRECT_URI},
        auth=(FC_CLIENT_ID, FC_CLIENT_SECRET),
        timeout=5,
    )
    assert answer.status_code == 401 and answer.json()["error"] == "invalid_client"


def _exchange(standin, code, **overrides):
    data = {
        "grant_type": "authorization_code",
        "code": code,
        "redirect_uri": REDIRECT_URI,
        "client_id": FC_CLIENT_ID,
        "client_secret": FC_CLIENT_SECRET,
    }
    data.update(overrides)
    return requests.post(standin.fc_issuer + "/token", data=data, timeout=5)


def test_a_code_is_single_use_and_its_replay_revokes_the_token(standin):
    _base, query = _back(_authorize(standin, login_hint=DUPONT)[0])
    first = _exchange(standin, query["code"])
    assert first.status_code == 200
    replay = _exchange(standin, query["code"])
    assert replay.status_code == 400 and replay.json()["error"] == "invalid_grant"
    assert standin.franceconnect.introspect(first.json()["access_token"]) is None


@pytest.mark.parametrize(
    "overrides",
    [
        {"redirect_uri": REDIRECT_URI + "x"},
        {"client_secret": "wrong"},
        {"client_id": "inconnu"},
        {"grant_type": "client_credentials"},
    ],
)
def test_token_refuses_a_wrong_exchange(standin, overrides):
    _base, query = _back(_authorize(standin, login_hint=DUPONT)[0])
    answer = _exchange(standin, query["code"], **overrides)
    assert answer.status_code in (400, 401)
    assert answer.json()["error"] in ("invalid_grant", "invalid_client", "unsupported_grant_type")


def test_a_code_lives_30_seconds(standin):
    _base, query = _back(_authorize(standin, login_hint=DUPONT)[0])
    standin.franceconnect.clock = lambda: time.time() + 31
    assert _exchange(standin, query["code"]).json()["error"] == "invalid_grant"


@pytest.mark.parametrize(
    ("overrides", "error"),
    [
        ({"state": "short"}, "invalid_request"),
        ({"state": None}, "invalid_request"),
        ({"nonce": "x" * 21}, "invalid_request"),
        ({"nonce": None}, "invalid_request"),
        ({"acr_values": None}, "invalid_request"),
        ({"scope": "identite_pivot"}, "invalid_scope"),
        ({"scope": "openid cnous_statut_boursier"}, "invalid_scope"),
        ({"response_type": "token"}, "unsupported_response_type"),
        ({"prompt": "none"}, "invalid_request"),
        ({"claims": "{pas du json"}, "invalid_request"),
    ],
)
def test_authorize_redirects_back_a_bad_request(standin, overrides, error):
    base, query = _back(_authorize(standin, **overrides)[0])
    assert base == REDIRECT_URI
    assert query["error"] == error and query["iss"] == standin.fc_issuer
    assert "code" not in query


@pytest.mark.parametrize(
    "overrides",
    [
        {"client_id": "inconnu"},
        {"redirect_uri": REDIRECT_URI.rstrip("/")},  # not byte-identical
        {"redirect_uri": "http://evil.example/callback/"},
    ],
)
def test_unknown_client_or_redirect_uri_gets_a_page_not_a_redirect(standin, overrides):
    answer, _params = _authorize(standin, **overrides)
    assert answer.status_code == 400 and "Location" not in answer.headers
    assert "Une erreur est survenue" in answer.text


def test_the_chooser_lists_one_account_per_staging_case(standin):
    answer, params = _authorize(standin)
    assert answer.status_code == 200
    listed = set(part.split('"')[0] for part in answer.text.split('name=account value="')[1:])
    assert NO_CAF_ACCOUNT in listed and "cancel" in listed
    expected = set(accounts())
    assert listed == expected | {"cancel"}
    transaction = answer.text.split('name=transaction value="')[1].split('"')[0]
    chosen = requests.post(
        standin.fc_issuer + "/interaction",
        data={"transaction": transaction, "account": DUPONT},
        allow_redirects=False,
        timeout=5,
    )
    _base, query = _back(chosen)
    assert query["state"] == params["state"] and query["code"]
    again = requests.post(
        standin.fc_issuer + "/interaction",
        data={"transaction": transaction, "account": DUPONT},
        allow_redirects=False,
        timeout=5,
    )
    assert again.status_code == 400  # a transaction is used once


@pytest.mark.skipif(not SHARED_FC_CASES.is_dir(), reason="../shared is absent")
def test_accounts_stay_true_to_the_shared_staging_cases():
    """One account per 200 case file of ../shared, named after it, with its exact identity."""
    import yaml

    files = {p.stem: p for p in SHARED_FC_CASES.iterdir() if not p.name.startswith("404")}
    assert set(accounts()) - {NO_CAF_ACCOUNT} == set(files)
    for name, path in files.items():
        params = yaml.safe_load(path.read_text("utf-8"))["params"]
        claims = accounts()[name].claims
        assert claims["family_name"] == params["nomNaissance"]
        assert claims["given_name_array"] == params["prenoms"]
        assert claims["birthdate"] == "{:04d}-{:02d}-{:02d}".format(
            params["anneeDateNaissance"], params["moisDateNaissance"], params["jourDateNaissance"]
        )
        assert claims["birthplace"] == params["codeCogInseeCommuneNaissance"]


@pytest.mark.parametrize(
    ("choice", "error"),
    [
        ({"account": "cancel"}, "access_denied"),
        ({"error": "server_error"}, "server_error"),
        ({"error": "temporarily_unavailable"}, "temporarily_unavailable"),
    ],
)
def test_cancel_and_simulated_errors_come_back_with_state_and_iss(standin, choice, error):
    answer, params = _authorize(standin)
    transaction = answer.text.split('name=transaction value="')[1].split('"')[0]
    chosen = requests.post(
        standin.fc_issuer + "/interaction",
        data={"transaction": transaction, **choice},
        allow_redirects=False,
        timeout=5,
    )
    _base, query = _back(chosen)
    assert query["error"] == error and query["state"] == params["state"]
    assert query["iss"] == standin.fc_issuer


def test_login_hint_cancel(standin):
    _base, query = _back(_authorize(standin, login_hint="cancel")[0])
    assert query["error"] == "access_denied"
    assert query["error_description"] == "User auth aborted"


def test_userinfo_wants_the_bearer_header_and_a_live_token(client, standin):
    client.login(DUPONT)
    access = client.token()["access_token"]
    url = client.metadata["userinfo_endpoint"]
    in_query = requests.get(url, params={"access_token": access}, timeout=5)
    assert in_query.status_code == 400
    assert requests.get(url, headers={"Authorization": "Bearer x"}, timeout=5).status_code == 401
    standin.franceconnect.clock = lambda: time.time() + 61
    expired = requests.get(url, headers={"Authorization": f"Bearer {access}"}, timeout=5)
    assert expired.status_code == 401 and "invalid_token" in expired.headers["WWW-Authenticate"]


def test_keys_rotate_and_the_next_key_is_published_beforehand(client, standin):
    before = {key["kid"] for key in client.keys().as_dict()["keys"]}
    standin.franceconnect.rotate_keys()
    client.login(DUPONT)
    token = client.decode(client.token()["id_token"])
    assert token.header["kid"] in before  # the former "next" key now signs


def _fc_access_token(client, account=DUPONT, scope=QF_SCOPE):
    client.session.scope = scope
    client.login(account)
    token = client.token()
    client.id_token = token["id_token"]
    return token["access_token"]


def test_its_access_token_fetches_a_quotient_familial_from_the_sandbox(client, standin):
    access = _fc_access_token(client)
    particulier = ApiParticulierClient(standin.url, "unused", RECIPIENT)
    result = particulier.quotient_familial_france_connect(access)
    text = json.dumps(result.to_dict(), ensure_ascii=False, default=str)
    assert "2550" in text and "PIERRE" in text


def test_scopes_mask_the_quotient_familial_answer(client, standin):
    access = _fc_access_token(client, scope="openid identite_pivot cnaf_quotient_familial")
    answer = requests.get(
        standin.url + "/v3/dss/quotient_familial/france_connect",
        params={"recipient": RECIPIENT},
        headers={"Authorization": f"Bearer {access}"},
        timeout=5,
    )
    data = answer.json()["data"]
    assert data["quotient_familial"]["valeur"] == 2550 and "enfants" not in data


def _qf(standin, access):
    return requests.get(
        standin.url + "/v3/dss/quotient_familial/france_connect",
        params={"recipient": RECIPIENT},
        headers={"Authorization": f"Bearer {access}"},
        timeout=5,
    )


def test_pivot_rule_expiry_and_logout_on_the_qf_route(client, standin):
    no_pivot = _fc_access_token(client, scope="openid cnaf_quotient_familial")
    assert _qf(standin, no_pivot).json()["errors"][0]["code"] == "50003"
    access = _fc_access_token(client)
    assert _qf(standin, access).status_code == 200
    standin.franceconnect.clock = lambda: time.time() + 61
    assert _qf(standin, access).json()["errors"][0]["code"] == "50002"
    standin.franceconnect.clock = time.time
    access = _fc_access_token(client)
    end = requests.get(
        client.metadata["end_session_endpoint"],
        params={
            "id_token_hint": client.id_token,
            "state": "s" * 32,
            "post_logout_redirect_uri": LOGOUT_URI,
        },
        allow_redirects=False,
        timeout=5,
    )
    assert end.status_code == 302
    assert end.headers["Location"] == f"{LOGOUT_URI}?state={'s' * 32}"
    assert _qf(standin, access).json()["errors"][0]["code"] == "50002"


def test_the_no_caf_account_gets_a_404(client, standin):
    access = _fc_access_token(client, NO_CAF_ACCOUNT)
    assert _qf(standin, access).status_code == 404


def test_staging_fake_tokens_keep_working(standin):
    assert _qf(standin, "cnaf_qfv2").status_code == 200


@pytest.mark.parametrize(
    "params",
    [
        {},  # id_token_hint missing
        {"id_token_hint": "not.a.jwt"},
        {"post_logout_redirect_uri": "http://evil.example/"},
    ],
)
def test_session_end_refuses_bad_requests_with_a_page(client, standin, params):
    _fc_access_token(client)
    if params.get("post_logout_redirect_uri"):
        params = {**params, "id_token_hint": client.id_token}
    answer = requests.get(
        client.metadata["end_session_endpoint"], params=params, allow_redirects=False, timeout=5
    )
    assert answer.status_code == 400 and "Location" not in answer.headers


def test_session_end_accepts_an_expired_hint(client, standin):
    _fc_access_token(client)
    standin.franceconnect.clock = lambda: time.time() + 3600
    answer = requests.get(
        client.metadata["end_session_endpoint"],
        params={"id_token_hint": client.id_token},
        timeout=5,
    )
    assert answer.status_code == 200 and "déconnecté" in answer.text


def test_checktoken_for_data_providers(client, standin):
    access = _fc_access_token(client)
    url = standin.fc_issuer + "/checktoken"
    refused = requests.post(
        url,
        data={"token": access, "client_id": FC_CLIENT_ID, "client_secret": FC_CLIENT_SECRET},
        timeout=5,
    )
    assert refused.status_code == 401
    answer = requests.post(
        url,
        data={
            "token": access,
            "client_id": FC_DATA_PROVIDER_ID,
            "client_secret": FC_DATA_PROVIDER_SECRET,
        },
        timeout=5,
    )
    assert answer.headers["Content-Type"] == "application/token-introspection+jwt"
    claims = jwt.decode(answer.text, client.keys(), algorithms=["ES256"]).claims
    introspection = claims["token_introspection"]
    assert introspection["active"] is True and introspection["aud"] == FC_CLIENT_ID
    assert introspection["exp"] - introspection["iat"] == 60
    assert set(introspection["scope"].split()) == set(QF_SCOPE.split())
    assert introspection["family_name"] == "DUPONT"
    standin.franceconnect.clock = lambda: time.time() + 61
    answer = requests.post(
        url,
        data={
            "token": access,
            "client_id": FC_DATA_PROVIDER_ID,
            "client_secret": FC_DATA_PROVIDER_SECRET,
        },
        timeout=5,
    )
    expired = jwt.decode(answer.text, client.keys(), algorithms=["ES256"]).claims
    assert expired["token_introspection"] == {"active": False}


DGFIP_SCOPE = "openid identite_pivot dgfip_rfr dgfip_nbpart"


def _impot(standin):
    return ImpotParticulierClient(standin.impot_url, standin.token_url, "demo", "demo-secret")


def test_its_access_token_fetches_a_tax_situation(client, standin):
    access = _fc_access_token(client, "france_connect_200_cnaf_2_parents_3_mineurs", DGFIP_SCOPE)
    situation = _impot(standin).situation_ir_france_connect(access, 2024)
    text = json.dumps(situation.to_dict(), default=str, ensure_ascii=False)
    assert "61200" in text  # the GRAVIER household's RFR
    assert "CHALONS" not in text  # dgfip_aft not granted: the address is masked


@pytest.mark.parametrize(
    ("scope", "expire"),
    [("openid identite_pivot cnaf_quotient_familial", False), (DGFIP_SCOPE, True)],
)
def test_the_dgfip_route_applies_scopes_and_expiry(client, standin, scope, expire):
    access = _fc_access_token(client, scope=scope)
    if expire:
        standin.franceconnect.clock = lambda: time.time() + 61
    with pytest.raises(Forbidden):
        _impot(standin).situation_ir_france_connect(access, 2024)


def test_cli_registers_the_redirect_uri_it_is_given():
    uri = "http://127.0.0.1:8123/mon/retour/"
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "wagtail_passfamille.sandbox",
            "--port",
            "0",
            "--fc-redirect-uri",
            uri,
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        issuer = None
        for _ in range(30):
            line = process.stdout.readline()
            if line.strip().startswith("FRANCECONNECT_ISSUER="):
                issuer = line.strip().split("=", 1)[1]
                break
        assert issuer
        good = requests.get(
            issuer + "/authorize",
            params={**_params(redirect_uri=uri), "login_hint": DUPONT},
            allow_redirects=False,
            timeout=5,
        )
        assert good.status_code == 302 and good.headers["Location"].startswith(uri + "?code=")
        default = requests.get(
            issuer + "/authorize", params=_params(), allow_redirects=False, timeout=5
        )
        assert default.status_code == 400  # only the URIs given are registered
    finally:
        process.terminate()
        process.wait(timeout=10)
