"""No identity, numéro fiscal, token or secret in log records, exception text, repr or chain.

Every error type is triggered with an identity made of words found nowhere else, then everything a
log handler, Sentry or a task queue could see is searched for them: each log record (urllib3's
debug lines included, which print request lines with their query string), ``str()``, ``repr()``,
the formatted traceback, the pickled form, and every exception down ``__cause__``/``__context__``.
"""

import logging
import pickle
import traceback

import pytest

from wagtail_passfamille.api_particulier import (
    ApiError,
    ApiParticulierClient,
    Conflict,
    EndpointRetired,
    Forbidden,
    FranceConnectTokenRejected,
    Identite,
    IdentityNotMatched,
    ImpotParticulierClient,
    InvalidParameters,
    InvalidRecipient,
    NotFound,
    PartialDate,
    ProviderUnavailable,
    RateLimited,
    Timeout,
    Unauthorized,
)
from wagtail_passfamille.sandbox import make_token

from .conftest import RECIPIENT, TEST_TIMEOUT, TEST_TOKEN

pytestmark = pytest.mark.sandbox

SECRET_NAME, SECRET_FIRST_NAME, SECRET_USAGE = "ZORGLUBIENNE", "QUIXOTINE", "FANTOMASLUNE"
SECRET_FC_TOKEN = "fc-jeton-secret-4f1c9e"
SECRET_SPI = "3999999999908"
SECRET_CLIENT = "client-secret-7b2d"
WRONG_TOKEN = make_token("not-this-sandbox") + "x"  # a JWT the sandbox refuses
IDENTITE = Identite(
    nom_naissance=SECRET_NAME,
    nom_usage=SECRET_USAGE,
    prenoms=(SECRET_FIRST_NAME,),
    sexe="F",
    date_naissance=PartialDate(1982, 12, 27),
    code_pays_naissance="99100",
    code_commune_naissance="08480",
)
# The values, and the shapes a leaked URL or query would take.
FORBIDDEN = (
    SECRET_NAME,
    SECRET_FIRST_NAME,
    SECRET_USAGE,
    "1982-12-27",
    "nomNaissance=",  # a query string, encoded or not
    "prenoms%5B%5D=",
    "prenoms[]=",
    "DateNaissance=",
    SECRET_FC_TOKEN,
    SECRET_SPI,
    SECRET_CLIENT,
    TEST_TOKEN,
    WRONG_TOKEN,
    "/spi/",
    "?recipient",
)


def _chain(error):
    seen = []
    while error is not None and error not in seen:
        seen.append(error)
        error = error.__cause__ or error.__context__
    return seen


def _texts(error, records):
    texts = []
    for exc in _chain(error):
        texts += [str(exc), repr(exc), repr(vars(exc))]
        texts += traceback.format_exception(exc)
    texts.append(repr(pickle.loads(pickle.dumps(error))))
    for record in records:
        texts += [record.getMessage(), repr(record.args), repr(vars(record))]
    return texts


def assert_private(error, caplog):
    records = caplog.records
    assert records, "the call must have logged its line"
    for text in _texts(error, records):
        for secret in FORBIDDEN:
            assert secret not in text, f"{secret!r} leaked into: {text[:300]!r}"


def _api(sandbox, token=TEST_TOKEN, **kwargs):
    kwargs.setdefault("timeout", TEST_TIMEOUT)
    return ApiParticulierClient(sandbox.url, token, RECIPIENT, **kwargs)


CASES = [
    # (fault, client call, expected class)
    (None, lambda s: _api(s).quotient_familial(IDENTITE), NotFound),
    ("status=422; code=00355", lambda s: _api(s).quotient_familial(IDENTITE), IdentityNotMatched),
    ("status=422; code=00366", lambda s: _api(s).quotient_familial(IDENTITE), InvalidParameters),
    ("status=422; code=00210", lambda s: _api(s).quotient_familial(IDENTITE), InvalidRecipient),
    (None, lambda s: _api(s, WRONG_TOKEN).quotient_familial(IDENTITE), Unauthorized),
    (
        None,
        lambda s: _api(s).quotient_familial_france_connect(SECRET_FC_TOKEN),
        FranceConnectTokenRejected,
    ),
    ("status=403", lambda s: _api(s).quotient_familial(IDENTITE), Forbidden),
    ("status=409", lambda s: _api(s).quotient_familial(IDENTITE), Conflict),
    ("status=429", lambda s: _api(s).quotient_familial(IDENTITE), RateLimited),
    ("status=410", lambda s: _api(s).quotient_familial(IDENTITE), EndpointRetired),
    ("status=502", lambda s: _api(s).quotient_familial(IDENTITE), ProviderUnavailable),
    # the maintenance page echoes the request line, query string included
    ("html", lambda s: _api(s).quotient_familial(IDENTITE), ProviderUnavailable),
    ("html; status=200", lambda s: _api(s).quotient_familial(IDENTITE), ProviderUnavailable),
    ("invalid_json", lambda s: _api(s).quotient_familial(IDENTITE), ProviderUnavailable),
    ("schema", lambda s: _api(s).quotient_familial(IDENTITE), ProviderUnavailable),
    ("drop", lambda s: _api(s).quotient_familial(IDENTITE), ProviderUnavailable),
    (
        "drip=0.2",
        lambda s: _api(s, timeout=Timeout(0.5, 0.5)).quotient_familial(IDENTITE),
        ProviderUnavailable,
    ),
    (
        "status=502",
        lambda s: _api(s, retries=1).composition_familiale_v2(IDENTITE),
        ProviderUnavailable,
    ),
]


@pytest.mark.parametrize(("fault", "call", "expected"), CASES)
def test_api_particulier_errors_keep_secrets(sandbox, caplog, fault, call, expected):
    caplog.set_level(logging.DEBUG)
    sandbox.set_fault(fault)
    with pytest.raises(ApiError) as caught:
        call(sandbox)
    assert type(caught.value) is expected
    assert_private(caught.value, caplog)


def test_urllib3_debug_lines_are_redacted_not_lost(sandbox, caplog):
    """urllib3 logs ``"GET /v3/...?nomNaissance=... HTTP/1.1" 404``; ours say which call it was."""
    caplog.set_level(logging.DEBUG)
    with pytest.raises(NotFound):
        _api(sandbox).quotient_familial(IDENTITE)
    urllib3 = [r for r in caplog.records if r.name.startswith("urllib3")]
    assert urllib3
    assert all("quotient_familial" in r.getMessage() for r in urllib3)
    assert_private(NotFound(endpoint="x"), caplog)


def test_local_refusals_do_not_repeat_the_value(sandbox, caplog):
    caplog.set_level(logging.DEBUG)
    logging.getLogger("tests").info("start")  # so that assert_private has a record to read
    bad = Identite(SECRET_NAME + "9", (SECRET_FIRST_NAME,), "F", "99100", None, "08480")
    with pytest.raises(InvalidParameters) as caught:
        _api(sandbox).quotient_familial(bad)
    assert caught.value.parameter == "nomNaissance"
    assert_private(caught.value, caplog)
    assert sandbox.stats.total == 0


def _impot(sandbox, secret="demo-secret"):
    return ImpotParticulierClient(
        sandbox.impot_url, sandbox.token_url, "demo", secret, timeout=TEST_TIMEOUT
    )


IMPOT_CASES = [
    (None, lambda s: _impot(s).situation_ir(SECRET_SPI, 2024), NotFound),
    (
        None,
        lambda s: _impot(s).situation_ir_france_connect("fc_dgfip_sans_dossier", 2024),
        NotFound,
    ),
    (None, lambda s: _impot(s, SECRET_CLIENT).situation_ir(SECRET_SPI, 2024), Unauthorized),
    (
        "html; endpoint=situation_ir",
        lambda s: _impot(s).situation_ir(SECRET_SPI, 2024),
        ProviderUnavailable,
    ),
    (
        "drop; endpoint=situation_ir",
        lambda s: _impot(s).situation_ir(SECRET_SPI, 2024),
        ProviderUnavailable,
    ),
    (None, lambda s: _impot(s).situation_ir(SECRET_SPI[:-1] + "A", 2024), InvalidParameters),
]


@pytest.mark.parametrize(("fault", "call", "expected"), IMPOT_CASES)
def test_impot_particulier_errors_keep_secrets(sandbox, caplog, fault, call, expected):
    caplog.set_level(logging.DEBUG)
    logging.getLogger("tests").info("start")
    sandbox.set_fault(fault)
    with pytest.raises(ApiError) as caught:
        call(sandbox)
    assert type(caught.value) is expected
    assert_private(caught.value, caplog)


def test_reprs_of_clients_and_values_hold_no_secret(sandbox, particulier, impot):
    texts = [
        repr(_api(sandbox)),
        repr(_impot(sandbox, SECRET_CLIENT)),
        repr(IDENTITE),
        repr(particulier.quotient_familial_france_connect("cnaf_qfv2")),
    ]
    for text in texts:
        for secret in (*FORBIDDEN, "GEORGES", "2550", "MONTORGUEIL"):
            assert secret not in text
