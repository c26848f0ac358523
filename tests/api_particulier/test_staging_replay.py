"""Every official staging case, served by the sandbox and read by the particulier, gives its values.

The cases come from datagouv/apistration ``mocks/payloads`` (copied under
``../shared/reference/api-particulier/staging-cases/``, packaged by
``scripts/build_sandbox_cases.py``). Two checks per case: the sandbox answers the case's exact
status and body to the case's exact query, and the client turns that answer into the case's values
(or into the exception the case's status and code call for).
"""

import json

import pytest
import requests

from wagtail_passfamille.api_particulier import (
    ApiParticulierClient,
    Forbidden,
    NotFound,
    ProviderUnavailable,
    RateLimited,
)
from wagtail_passfamille.api_particulier.errors import error_class
from wagtail_passfamille.sandbox import cases

from .conftest import RECIPIENT, TEST_TIMEOUT, TEST_TOKEN
from .helpers import V2_KEYS, identite_from_params, v2_as_v3

pytestmark = pytest.mark.sandbox

BOOKS = cases.staging()
V3 = BOOKS[cases.V3_IDENTITE].cases
V2 = BOOKS[cases.V2].cases
FC = BOOKS[cases.V3_FRANCE_CONNECT].cases
# Staging itself can never match these: their params misspell nomNaissance as "nomNaissange".
V2_UNREACHABLE = {
    "200-couple-2_enfants-cas-etranger-qf_msa_600",
    "200-identite-cas-etranger-qf_424",
}


def _query(params, *, prenoms_key="prenoms[]"):
    query = [("recipient", RECIPIENT)]
    for key, value in params.items():
        if isinstance(value, list):
            query += [(prenoms_key, v) for v in value]
        else:
            query.append((key, str(value)))
    return query


def _ids(case):
    return case.name


def _data(result):
    data = result.to_dict()
    del data["provenance"]
    return data


def _assert_error(error, case):
    body = case.json()
    code = body["errors"][0]["code"] if "errors" in body else body.get("error")
    assert isinstance(error, error_class("api_particulier", case.status, code))
    assert (error.status_code, error.code) == (case.status, code)


@pytest.mark.parametrize("case", [c for c in V3 if c.name != "404"], ids=_ids)
def test_v3_identite_case_replays_exactly(sandbox, case):
    response = requests.get(
        sandbox.url + "/v3/dss/quotient_familial/identite",
        params=_query(case.params),
        headers={"Authorization": f"Bearer {TEST_TOKEN}"},
        timeout=5,
    )
    assert (response.status_code, response.content) == (case.status, case.body)


@pytest.mark.parametrize("case", [c for c in V3 if c.name != "404"], ids=_ids)
def test_v3_identite_case_through_the_client(particulier, case):
    identite = identite_from_params(case.params)
    if case.status == 200:
        result = particulier.quotient_familial(identite)
        assert _data(result) == case.json()["data"]
        assert result.provenance.endpoint == "quotient_familial"
    else:
        with pytest.raises((NotFound, RateLimited, ProviderUnavailable)) as caught:
            particulier.quotient_familial(identite)
        _assert_error(caught.value, case)


def test_v3_any_other_identity_gets_the_folder_404(particulier):
    """404.yaml is staging's answer to everything that matches no case."""
    fallback = BOOKS[cases.V3_IDENTITE].fallback()
    identite = identite_from_params(
        {**V3[0].params, "nomNaissance": "INCONNUE", "prenoms": ["PERSONNE"]}
    )
    with pytest.raises(NotFound) as caught:
        particulier.quotient_familial(identite)
    assert caught.value.code == fallback.json()["errors"][0]["code"] == "37003"


@pytest.mark.parametrize("case", [c for c in V2 if c.name not in V2_UNREACHABLE], ids=_ids)
def test_v2_case_replays_exactly(sandbox, case):
    response = requests.get(
        sandbox.url + "/api/v2/composition-familiale-v2",
        params=_query(case.params),
        headers={"X-Api-Key": TEST_TOKEN},
        timeout=5,
    )
    assert (response.status_code, response.content) == (case.status, case.body)


def test_v2_cases_with_a_misspelt_parameter_cannot_match(sandbox):
    """Kept as staging has them; a request with their params is refused (no nomNaissance)."""
    unreachable = [c for c in V2 if "nomNaissange" in c.params]
    assert {c.name for c in unreachable} == V2_UNREACHABLE
    for case in unreachable:
        response = requests.get(
            sandbox.url + "/api/v2/composition-familiale-v2",
            params=_query(case.params),
            headers={"X-Api-Key": TEST_TOKEN},
            timeout=5,
        )
        assert response.status_code == 400


@pytest.mark.parametrize(
    "case", [c for c in V2 if c.name not in V2_UNREACHABLE and "prenoms" in c.params], ids=_ids
)
def test_v2_case_through_the_client(particulier, case):
    identite = identite_from_params(case.params, V2_KEYS)
    if case.status == 200:
        assert _data(particulier.composition_familiale_v2(identite)) == v2_as_v3(case.json())
    else:
        with pytest.raises(NotFound) as caught:
            particulier.composition_familiale_v2(identite)
        _assert_error(caught.value, case)


@pytest.mark.parametrize("case", [c for c in FC if c.name != "404"], ids=_ids)
def test_france_connect_case_through_the_client(particulier, case):
    result = particulier.quotient_familial_france_connect(f"fc_{case.name}")
    assert _data(result) == case.json()["data"]


@pytest.mark.parametrize(
    ("token", "case_name"),
    [("cnaf_qfv2", "fake_france_connect_cnaf"), ("all_fc", "fake_france_connect_cnaf_2")],
)
def test_staging_fake_france_connect_tokens_resolve_to_their_identity(
    particulier, token, case_name
):
    """The bearer is the token's name; staging resolves it to an identité pivot, then a case."""
    expected = BOOKS[cases.V3_FRANCE_CONNECT].named(case_name).json()["data"]
    assert _data(particulier.quotient_familial_france_connect(token)) == expected


def test_france_connect_identity_without_case_gets_the_folder_404(particulier):
    fallback = BOOKS[cases.V3_FRANCE_CONNECT].fallback()
    with pytest.raises(NotFound) as caught:
        particulier.quotient_familial_france_connect("fc_inconnu")
    assert caught.value.code == fallback.json()["errors"][0]["code"]


@pytest.mark.parametrize("case", BOOKS[cases.FRANCE_CONNECT].cases, ids=_ids)
def test_every_staging_france_connect_token_is_served(sandbox, case):
    """With quotient familial scopes the token gets its family; without, 403 ``00100``."""
    scopes = set(json.loads(case.body)["token_introspection"]["scope"].split())
    particulier = ApiParticulierClient(sandbox.url, TEST_TOKEN, RECIPIENT, timeout=TEST_TIMEOUT)
    token = case.params["token"]
    if scopes & {"cnaf_quotient_familial", "cnaf_allocataires", "cnaf_enfants", "cnaf_adresse"}:
        result = particulier.quotient_familial_france_connect(token)
        assert result.allocataires is not None
    else:
        with pytest.raises(Forbidden) as caught:
            particulier.quotient_familial_france_connect(token)
        assert (caught.value.status_code, caught.value.code) == (403, "00100")
