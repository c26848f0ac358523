"""The single (HTTP status, provider code) → exception table, and what the exceptions carry."""

import pickle
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime

import pytest

from wagtail_passfamille.api_particulier import (
    ApiError,
    Conflict,
    EndpointRetired,
    Forbidden,
    FranceConnectTokenRejected,
    IdentityNotMatched,
    InvalidParameters,
    InvalidRecipient,
    NotFound,
    ProviderUnavailable,
    RateLimited,
    Unauthorized,
)
from wagtail_passfamille.api_particulier.errors import (
    API_PARTICULIER,
    IMPOT_PARTICULIER,
    error_from_response,
    parse_retry_after,
)

from .helpers import NOMINAL

V3_TABLE = [
    (401, "00101", Unauthorized),
    (401, "00103", Unauthorized),
    (401, "00105", Unauthorized),
    (401, "50001", FranceConnectTokenRejected),
    (401, "50002", FranceConnectTokenRejected),
    (401, "50003", FranceConnectTokenRejected),
    (403, "00100", Forbidden),
    (403, "00107", Forbidden),
    (404, "37003", NotFound),
    (404, "23003", NotFound),
    (404, "10003", NotFound),
    (404, "35003", NotFound),
    (404, "00402", EndpointRetired),
    (409, "00015", Conflict),
    (422, "00355", IdentityNotMatched),
    (422, "00210", InvalidRecipient),
    (422, "00203", InvalidRecipient),
    (422, "00366", InvalidParameters),
    (422, "00354", InvalidParameters),
    (422, "00356", InvalidParameters),
    (422, "00420", InvalidParameters),
    (429, "00429", RateLimited),
    (500, "00500", ProviderUnavailable),
    (502, "37999", ProviderUnavailable),
    (502, "35999", ProviderUnavailable),
    (502, "00501", ProviderUnavailable),
    (502, "37008", ProviderUnavailable),
    (503, "35020", ProviderUnavailable),
    (504, "37002", ProviderUnavailable),
    (504, "37001", ProviderUnavailable),
]
V2_TABLE = [
    (400, "bad_request", InvalidParameters),
    (400, "not_found", IdentityNotMatched),  # the SNGI did not match: a 400 in v2
    (401, "access_denied", Unauthorized),
    (404, "not_found", NotFound),
    (503, "provider_unknown_error", ProviderUnavailable),
    (503, "network_error", ProviderUnavailable),
    (504, "timeout_error", ProviderUnavailable),
]
DGFIP_TABLE = [
    (400, "4001", InvalidParameters),  # documented
    (400, "invalid_client", Unauthorized),  # RFC 6749, token endpoint
    (400, "invalid_grant", Unauthorized),
    (400, "invalid_scope", Forbidden),
    (401, "invalid_client", Unauthorized),
    (401, None, Unauthorized),
    (403, "4031", Forbidden),  # documented
    (404, "4101", NotFound),
    (410, "4102", NotFound),  # no result, as the LEP route documents it: not a retired route
    (429, None, RateLimited),
    (500, None, ProviderUnavailable),
    (502, None, ProviderUnavailable),
    (503, None, ProviderUnavailable),
    (504, None, ProviderUnavailable),
]


def _v3(code):
    return {"errors": [{"code": code, "title": "Titre", "detail": "Détail", "meta": {}}]}


@pytest.mark.parametrize(("status", "code", "expected"), V3_TABLE)
def test_v3_table(status, code, expected):
    error = error_from_response(api=API_PARTICULIER, endpoint="e", status=status, body=_v3(code))
    assert type(error) is expected
    assert (error.status_code, error.code, error.title) == (status, code, "Titre")


@pytest.mark.parametrize(("status", "code", "expected"), V2_TABLE)
def test_v2_table(status, code, expected):
    body = {"error": code, "reason": "Raison", "message": "Message"}
    error = error_from_response(api=API_PARTICULIER, endpoint="e", status=status, body=body)
    assert (type(error), error.code, error.title) == (expected, code, "Message")


@pytest.mark.parametrize(("status", "code", "expected"), DGFIP_TABLE)
def test_dgfip_table(status, code, expected):
    body = (
        {"codeapp": code, "message": "Message"} if code and code[0].isdigit() else {"error": code}
    )
    error = error_from_response(api=IMPOT_PARTICULIER, endpoint="e", status=status, body=body)
    assert (type(error), error.code, error.provider) == (expected, code, "DGFiP")


def test_codes_are_read_within_their_status_never_alone():
    """``…001`` is a rejected FranceConnect token under 401 and an unavailable provider under 504;
    ``…003`` a missing identity pivot under 401 and a missing file under 404."""
    pairs = [(401, "50001"), (504, "37001"), (401, "50003"), (404, "37003")]
    classes = [
        type(error_from_response(api=API_PARTICULIER, endpoint="e", status=s, body=_v3(c)))
        for s, c in pairs
    ]
    assert classes == [
        FranceConnectTokenRejected,
        ProviderUnavailable,
        FranceConnectTokenRejected,
        NotFound,
    ]


@pytest.mark.parametrize("status", [302, 405, 418, 501])
def test_unexpected_statuses_are_unavailability(status):
    error = error_from_response(api=API_PARTICULIER, endpoint="e", status=status, body=None)
    assert type(error) is ProviderUnavailable


def test_the_retired_routes_plain_text_becomes_the_title():
    text = "Cette URL n'existe plus sur API Particulier depuis le 8 janvier 2024."
    error = error_from_response(api=API_PARTICULIER, endpoint="e", status=410, body=None, text=text)
    assert (type(error), error.title) == (EndpointRetired, text)


def test_an_html_page_never_becomes_a_title():
    page = "<html><body>Maintenance of /v3/…?nomNaissance=DUPONT</body></html>"
    error = error_from_response(api=API_PARTICULIER, endpoint="e", status=410, body=None, text=page)
    assert error.title is None


def test_provider_source_and_retry_in_are_kept():
    body = {
        "errors": [
            {
                "code": "00210",
                "title": "Entité non traitable",
                "detail": "Le paramètre recipient n'est pas un siret valide",
                "source": {"parameter": "recipient"},
                "meta": {},
            }
        ]
    }
    error = error_from_response(api=API_PARTICULIER, endpoint="e", status=422, body=body)
    assert (error.parameter, error.provider) == ("recipient", None)
    body = {
        "errors": [
            {
                "code": "35020",
                "title": "Maintenance",
                "meta": {"provider": "CNAF & MSA", "retry_in": 2700},
            }
        ]
    }
    error = error_from_response(api=API_PARTICULIER, endpoint="e", status=503, body=body)
    assert (error.provider, error.retry_after) == ("CNAF & MSA", 2700.0)


def test_retry_after_seconds_http_date_or_nothing():
    now = datetime(2026, 1, 1, 12, 0, tzinfo=UTC)
    assert parse_retry_after("7", now=now) == 7.0
    assert (
        parse_retry_after(format_datetime(now + timedelta(seconds=90), usegmt=True), now=now)
        == 90.0
    )
    assert parse_retry_after(format_datetime(now - timedelta(hours=1), usegmt=True), now=now) == 0.0
    assert parse_retry_after("in a while", now=now) is None
    assert parse_retry_after(None) is None
    assert parse_retry_after("99999999", now=now) == 24 * 3600  # clock skew or nonsense: capped


def test_titles_cannot_forge_log_lines():
    body = _v3("00366")
    body["errors"][0]["title"] = "ok\r\nINFO forged line"
    error = error_from_response(api=API_PARTICULIER, endpoint="e", status=422, body=body)
    assert "\n" not in error.title and "\r" not in str(error)


def test_invalid_recipient_is_an_invalid_parameter_to_catch_first():
    assert issubclass(InvalidRecipient, InvalidParameters)
    assert not issubclass(FranceConnectTokenRejected, Unauthorized)  # no admin alert for it
    for cls in (NotFound, IdentityNotMatched, Conflict, RateLimited, EndpointRetired, Forbidden):
        assert issubclass(cls, ApiError)


def test_exceptions_survive_pickling():
    error = RateLimited(
        endpoint="quotient_familial", status_code=429, code="00429", retry_after=3.0
    )
    copy = pickle.loads(pickle.dumps(error))
    assert (type(copy), copy.retry_after, str(copy)) == (RateLimited, 3.0, str(error))


# -- The same table, end to end: the sandbox forces a status, the client raises ------------------
THROUGH_SANDBOX = [
    ("status=401", Unauthorized, "00101"),
    ("status=401; code=00103", Unauthorized, "00103"),
    ("status=401; code=00105", Unauthorized, "00105"),
    ("status=403", Forbidden, "00100"),
    ("status=403; code=00107", Forbidden, "00107"),
    ("status=404", NotFound, "37003"),
    ("status=409", Conflict, "00015"),
    ("status=410", EndpointRetired, None),
    ("status=422; code=00355", IdentityNotMatched, "00355"),
    ("status=422; code=00210", InvalidRecipient, "00210"),
    ("status=422; code=00366", InvalidParameters, "00366"),
    ("status=429", RateLimited, "00429"),
    ("status=500", ProviderUnavailable, "00500"),
    ("status=502", ProviderUnavailable, "37999"),
    ("status=503", ProviderUnavailable, "35020"),
    ("status=504", ProviderUnavailable, "37002"),
]


@pytest.mark.sandbox
@pytest.mark.parametrize(("fault", "expected", "code"), THROUGH_SANDBOX)
def test_forced_answers_raise_the_table_class(particulier, sandbox, fault, expected, code):
    sandbox.set_fault(fault)
    with pytest.raises(ApiError) as caught:
        particulier.quotient_familial(NOMINAL)
    assert (type(caught.value), caught.value.code) == (expected, code)
    assert caught.value.request_id  # the sandbox's X-Request-Id, for support
    assert sandbox.stats.requests["quotient_familial"] == 1


@pytest.mark.sandbox
def test_rate_limited_carries_retry_after(particulier, sandbox):
    sandbox.set_fault("status=429; retry_after=12")
    with pytest.raises(RateLimited) as caught:
        particulier.quotient_familial(NOMINAL)
    assert caught.value.retry_after == 12.0
