"""The relying party's checks, one by one, against the stand-in (made to misbehave through its
``tamper`` switches and faults): each bad input is a FranceConnectError with its reason."""

import time
from urllib.parse import parse_qs, urlsplit

import pytest
import requests

from wagtail_passfamille.citizen.franceconnect.client import (
    Config,
    FranceConnectClient,
    FranceConnectError,
    forget_providers,
)
from wagtail_passfamille.sandbox import FC_CLIENT_ID, FC_CLIENT_SECRET

from .conftest import REDIRECT_URI

DUPONT = "france_connect_200_cnaf_2_parents_3_mineurs"
SCOPES = ("openid", "identite_pivot", "cnaf_quotient_familial")


@pytest.fixture
def rp(standin):
    forget_providers()
    yield FranceConnectClient(Config(standin.fc_issuer, FC_CLIENT_ID, FC_CLIENT_SECRET))
    forget_providers()


def _go(url, account=DUPONT):
    """The citizen at FranceConnect: the chooser skipped with login_hint."""
    answer = requests.get(url + "&login_hint=" + account, allow_redirects=False, timeout=5)
    assert answer.status_code == 302, answer.text
    return {k: v[0] for k, v in parse_qs(urlsplit(answer.headers["Location"]).query).items()}


def _login(rp, account=DUPONT):
    url, pending = rp.authorization(REDIRECT_URI, SCOPES)
    return _go(url, account), pending


def test_the_authorization_request_is_what_franceconnect_wants(rp, standin):
    url, pending = rp.authorization(REDIRECT_URI, ("identite_pivot",))
    query = {k: v[0] for k, v in parse_qs(urlsplit(url).query).items()}
    assert url.startswith(standin.fc_issuer + "/authorize?")
    assert query["response_type"] == "code" and query["acr_values"] == "eidas1"
    assert query["scope"].split() == ["openid", "identite_pivot"]
    assert query["state"] == pending.state and len(pending.state) >= 32
    assert query["nonce"] == pending.nonce and len(pending.nonce) >= 32  # not Authlib's 20
    assert query["redirect_uri"] == REDIRECT_URI and query["client_id"] == FC_CLIENT_ID


def test_a_good_login(rp):
    query, pending = _login(rp)
    login = rp.callback(query, pending)
    assert login.claims["family_name"] == "DUPONT" and login.acr == "eidas1"
    assert login.sub.endswith("v1") and login.claims["sub"] == login.sub
    assert "cnaf_quotient_familial" in login.scopes
    assert login.access_token not in repr(login) and login.id_token not in repr(login)


def _reason(rp, query, pending):
    with pytest.raises(FranceConnectError) as caught:
        rp.callback(query, pending)
    return caught.value.reason


def test_a_forged_state(rp):
    query, pending = _login(rp)
    assert _reason(rp, {**query, "state": "x" * 43}, pending) == "invalid"


@pytest.mark.parametrize("iss", [None, "http://127.0.0.1:1/api/v2", ""])
def test_a_missing_or_wrong_iss(rp, iss):
    query, pending = _login(rp)
    query = {k: v for k, v in query.items() if k != "iss"}
    if iss is not None:
        query["iss"] = iss
    assert _reason(rp, query, pending) == "invalid"


def test_an_error_is_only_trusted_with_the_right_state(rp):
    _query, pending = _login(rp)
    forged = {"error": "access_denied", "state": "y" * 43, "iss": rp.config.issuer}
    assert _reason(rp, forged, pending) == "invalid"


@pytest.mark.parametrize(
    ("error", "reason"),
    [
        ("access_denied", "cancelled"),
        ("server_error", "unavailable"),
        ("temporarily_unavailable", "unavailable"),
        ("invalid_scope", "invalid"),
    ],
)
def test_callback_errors(rp, error, reason):
    _query, pending = _login(rp)
    query = {"error": error, "state": pending.state, "iss": rp.config.issuer}
    assert _reason(rp, query, pending) == reason


def test_the_cancel_of_the_chooser(rp):
    query, pending = _login(rp, "cancel")
    assert _reason(rp, query, pending) == "cancelled"


def test_a_replayed_code(rp):
    query, pending = _login(rp)
    rp.callback(query, pending)
    assert _reason(rp, query, pending) == "expired"


def test_a_code_too_old(rp, standin):
    query, pending = _login(rp)
    standin.franceconnect.clock = lambda: time.time() + 31
    assert _reason(rp, query, pending) == "expired"


@pytest.mark.parametrize(
    "tampered",
    [
        {"aud": "un-autre-service"},
        {"aud": None},
        {"iss": "https://oidc.franceconnect.gouv.fr/api/v2"},
        {"nonce": "n" * 43},
        {"nonce": None},
        {"acr": "eidas0"},
        {"acr": None},
        {"exp": 1_000_000_000},  # expired long ago
        {"iat": int(time.time()) + 3600},  # issued in the future
        {"at_hash": "AAAAAAAAAAAAAAAAAAAAAA"},
        {"sub": None},
    ],
)
def test_a_tampered_id_token(rp, standin, tampered):
    standin.franceconnect.tamper = {"id_token": tampered}
    query, pending = _login(rp)
    assert _reason(rp, query, pending) == "invalid"


def test_an_id_token_signed_by_an_unknown_key(rp, standin):
    standin.franceconnect.tamper = {"foreign_key": True}
    query, pending = _login(rp)
    assert _reason(rp, query, pending) == "invalid"


def test_key_rotation_is_followed(rp, standin):
    rp.callback(*_login(rp))  # the keys are cached
    standin.franceconnect.rotate_keys()
    standin.franceconnect.rotate_keys()  # a kid the cached JWKS never had
    query, pending = _login(rp)
    assert rp.callback(query, pending).claims["family_name"] == "DUPONT"


def test_an_unsigned_userinfo(rp, standin):
    standin.franceconnect.tamper = {"userinfo_unsigned": True}
    query, pending = _login(rp)
    assert _reason(rp, query, pending) == "invalid"


@pytest.mark.parametrize(
    "tampered", [{"sub": "0" * 64 + "v1"}, {"aud": "un-autre-service"}, {"iss": None}]
)
def test_a_userinfo_for_someone_else(rp, standin, tampered):
    standin.franceconnect.tamper = {"userinfo": tampered}
    query, pending = _login(rp)
    assert _reason(rp, query, pending) == "invalid"


@pytest.mark.parametrize(
    ("fault", "reason"),
    [
        ("status=503; endpoint=fc_token", "unavailable"),
        ("drop; endpoint=fc_token", "unavailable"),
        ("invalid_json; endpoint=fc_token", "unavailable"),
        ("status=503; endpoint=fc_userinfo", "unavailable"),
        ("status=500; endpoint=fc_jwks", "unavailable"),
    ],
)
def test_the_stand_in_failing(rp, standin, fault, reason):
    query, pending = _login(rp)
    standin.set_fault(fault)
    assert _reason(rp, query, pending) == reason


def test_the_stand_in_down():
    forget_providers()
    down = FranceConnectClient(Config("http://127.0.0.1:9/api/v2", FC_CLIENT_ID, "x"))
    with pytest.raises(FranceConnectError) as caught:
        down.authorization(REDIRECT_URI, SCOPES)
    assert caught.value.reason == "unavailable"


def test_a_discovery_naming_another_issuer(standin):
    forget_providers()
    values = {"ISSUER": standin.url + "/api/v2/", "CLIENT_ID": FC_CLIENT_ID, "CLIENT_SECRET": "x"}
    other = FranceConnectClient(Config.from_settings(values))
    assert other.config.issuer == standin.fc_issuer  # the trailing slash is dropped
    liar = FranceConnectClient(Config(standin.url + "/api/v2/../v2", FC_CLIENT_ID, "x"))
    with pytest.raises(FranceConnectError) as caught:
        liar.authorization(REDIRECT_URI, SCOPES)
    assert caught.value.reason in ("invalid", "unavailable")


def test_a_wrong_secret_is_refused(standin):
    forget_providers()
    wrong = FranceConnectClient(Config(standin.fc_issuer, FC_CLIENT_ID, "pas-le-bon"))
    query, pending = _login(wrong)
    assert _reason(wrong, query, pending) == "invalid"


def test_logout_url(rp, standin):
    query, pending = _login(rp)
    login = rp.callback(query, pending)
    url = rp.logout_url(
        login.id_token, "http://127.0.0.1:8999/franceconnect/logout/done/", "s" * 43
    )
    parts = urlsplit(url)
    assert f"{parts.scheme}://{parts.netloc}{parts.path}" == standin.fc_issuer + "/session/end"
    assert parse_qs(parts.query)["id_token_hint"] == [login.id_token]
    answer = requests.get(url, allow_redirects=False, timeout=5)
    assert answer.status_code == 302 and answer.headers["Location"].endswith("state=" + "s" * 43)
    assert standin.franceconnect.introspect(login.access_token) is None


def test_errors_never_carry_tokens_or_identities(rp, standin, caplog):
    standin.franceconnect.tamper = {"userinfo": {"sub": "0" * 64 + "v1"}}
    query, pending = _login(rp)
    with pytest.raises(FranceConnectError) as caught:
        rp.callback(query, pending)
    text = str(caught.value)
    assert query["code"] not in text and "DUPONT" not in text and pending.nonce not in text
