"""API Impôt particulier: the sandbox's households against the DGFiP schema, and the client.

The DGFiP publishes no test data; the households are the sandbox's own
(``wagtail_passfamille/sandbox/data/impot_particulier_cases.json``). Each 200 payload is checked
against the OpenAPI schema of its route (copied from ``api-impot-particulier.json`` by
``scripts/build_sandbox_cases.py``) with the small JSON-schema subset below, stricter than the
spec on one point: a key the schema does not know is an error (catches typos in our data).
"""

import json
from pathlib import Path

import pytest
import requests

from wagtail_passfamille.api_particulier import (
    Forbidden,
    ImpotParticulierClient,
    InvalidParameters,
    NotFound,
    Unauthorized,
)
from wagtail_passfamille.sandbox import cases

SCHEMAS = json.loads(
    (Path(__file__).parent / "data" / "impot_particulier_schemas.json").read_text()
)
HOUSEHOLDS = cases.households()
OK_CASES = [c for c in HOUSEHOLDS.book.cases if c.status == 200]
_INT_RANGE = {"int32": 2**31, "int64": 2**63}


def schema_errors(value, schema, path="$"):
    """Errors of ``value`` against ``schema`` ($ref, type, format, properties, items)."""
    if "$ref" in schema:
        return schema_errors(value, SCHEMAS["schemas"][schema["$ref"].rsplit("/", 1)[1]], path)
    kind = schema.get("type")
    checks = {
        "object": lambda v: isinstance(v, dict),
        "array": lambda v: isinstance(v, list),
        "string": lambda v: isinstance(v, str),
        "integer": lambda v: isinstance(v, int) and not isinstance(v, bool),
        "number": lambda v: isinstance(v, int | float) and not isinstance(v, bool),
    }
    if kind and not checks[kind](value):
        return [f"{path}: {kind} expected"]
    if kind == "integer" and abs(value) >= _INT_RANGE.get(schema.get("format"), 2**63):
        return [f"{path}: out of {schema['format']}"]
    errors = []
    if kind == "object":
        known = schema.get("properties", {})
        errors += [f"{path}.{key}: not in the schema" for key in value if key not in known]
        for key, sub in known.items():
            if key in value:
                errors += schema_errors(value[key], sub, f"{path}.{key}")
    if kind == "array":
        for index, item in enumerate(value):
            errors += schema_errors(item, schema["items"], f"{path}[{index}]")
    return errors


def test_the_validator_can_fail():
    schema = {"$ref": "#/components/schemas/SituationsIRAssiettesJAXBbean"}
    assert schema_errors({"rfr": "12", "nbParts": 1, "pac": {"nbPac": 1.5}}, schema) == [
        "$.nbParts: not in the schema",
        "$.rfr: integer expected",
        "$.pac.nbPac: integer expected",
    ]


def test_there_are_at_least_eight_households_with_obviously_fake_numbers():
    names = [c.name for c in HOUSEHOLDS.book.cases]
    assert len(names) >= 8
    assert {c.status for c in HOUSEHOLDS.book.cases} == {200, 400, 404}
    for case in HOUSEHOLDS.book.cases:
        assert case.params["spi"].startswith(("3999999999", "9999999999999"))


FC_TOKENS = {spi: token for token, spi in HOUSEHOLDS.france_connect.items()}
SERVED = [
    (case, route)
    for case in OK_CASES
    for route in SCHEMAS["routes"]
    if "{spi}" in route or case.params["spi"] in FC_TOKENS
]


@pytest.mark.parametrize(
    ("case", "route"),
    SERVED,
    ids=[f"{c.name}-{'spi' if '{spi}' in r else 'fc'}-{r.split('/')[-5]}" for c, r in SERVED],
)
def test_household_payload_fits_the_dgfip_schema(sandbox, case, route):
    """Served by each situation IR route, each household fits that route's schema."""
    token = requests.post(
        sandbox.token_url,
        data={"grant_type": "client_credentials"},
        auth=("demo", "demo-secret"),
        timeout=5,
    ).json()["access_token"]
    spi, annrev = case.params["spi"], str(case.params["annrev"])
    headers = {
        "Authorization": f"Bearer {token}",
        "X-Correlation-ID": "0b6a3d0e-8d47-4a43-9f55-3c0a3f7b1c1e",
        "X-FranceConnect-OAuth": FC_TOKENS.get(spi, ""),
    }
    path = route.replace("{spi}", spi).replace("{annrev}", annrev)
    response = requests.get(sandbox.impot_url + path, headers=headers, timeout=5)
    assert response.status_code == 200
    body = response.json()
    assert schema_errors(body, {"$ref": f"#/components/schemas/{SCHEMAS['routes'][route]}"}) == []
    if "dernieresituation" in route:
        assert body["annRevenu"] == case.params["annrev"]


@pytest.mark.parametrize("case", OK_CASES, ids=lambda c: c.name)
def test_household_through_the_client(impot, case):
    payload = case.json()
    situation = impot.situation_ir(case.params["spi"], case.params["annrev"])
    declarants = [("nmNaiDec1", "prnmDec1"), ("nmNaiDec2", "prnmDec2")]
    assert situation.to_dict() | {"provenance": None} == {
        "annee_revenus": case.params["annrev"],
        "revenu_fiscal_reference": payload["rfr"],
        "nombre_parts": payload["nbPart"],
        "situation_famille": payload["sitFam"],
        "nombre_personnes_a_charge": payload["pac"]["nbPac"],
        "declarants": [
            {
                "nom_naissance": payload[nom],
                "nom_usage": payload.get(nom.replace("Nai", "Usa")),
                "prenoms": payload[prenoms],
                "date_naissance": "{annee}-{mois}-{jour}".format(
                    **payload[f"dateNaisDec{nom[-1]}"]
                ),
            }
            for nom, prenoms in declarants
            if nom in payload
        ],
        "adresse_fiscale": {
            "texte": payload["aft"],
            "complement_adresse": payload.get("aftDetail", {}).get("complementAdresse"),
            "voie": payload.get("aftDetail", {}).get("voie"),
            "code_postal": payload.get("aftDetail", {}).get("getcodePostal"),
            "commune": payload.get("aftDetail", {}).get("getcommune"),
        },
        "montant_impot": payload.get("montTotIr"),
        "revenu_brut_global": payload["revenuBrutGlobal"],
        "revenu_imposable": payload["revImposable"],
        "impot_avant_imputations": payload["impAvImput"],
        "situation_partielle": payload["sitPart"],
        "date_recouvrement": payload["datRec"],
        "date_etablissement": payload["datEtab"],
        "provenance": None,
    }


def test_non_taxable_household_has_no_tax_amount(impot):
    situation = impot.situation_ir("3999999999903", 2024)
    assert (situation.montant_impot, situation.impot_avant_imputations) == (None, 0)


def test_unknown_birth_day_and_month_do_not_crash(impot):
    (declarant,) = impot.situation_ir("3999999999907", 2024).declarants
    birth = declarant.date_naissance
    assert (birth.annee, birth.mois, birth.jour, birth.isoformat()) == (
        1975,
        None,
        None,
        "1975-00-00",
    )


def test_latest_situation_and_france_connect(impot, sandbox):
    assert impot.derniere_situation_ir("3999999999902", 2024).nombre_parts == 3.0
    assert (
        impot.situation_ir_france_connect("fc_dgfip_caillou", 2024).revenu_fiscal_reference == 14800
    )
    assert sandbox.stats.requests["derniere_situation_ir"] == 1


@pytest.mark.parametrize(
    ("spi", "annee", "expected", "code"),
    [
        ("3999999999908", 2024, NotFound, "4101"),  # the household without a file
        ("3999999999901", 2020, NotFound, "4101"),  # a year without a case: the folder's 404
        ("9999999999999", 2024, InvalidParameters, "4001"),  # malformed for the DGFiP
    ],
)
def test_households_without_an_answer(impot, spi, annee, expected, code):
    with pytest.raises(expected) as caught:
        impot.situation_ir(spi, annee)
    assert caught.value.code == code


def test_access_token_is_fetched_once_and_reused(impot, sandbox):
    for year in (2024, 2023, 2024):
        impot.situation_ir("3999999999901", year)
    assert sandbox.stats.requests["dgfip_token"] == 1
    assert sandbox.stats.requests["situation_ir"] == 3


def test_access_token_is_renewed_shortly_before_it_expires(impot, sandbox):
    now = [1000.0]
    impot._clock = lambda: now[0]
    impot.situation_ir("3999999999901", 2024)
    now[0] += 3600 - 61  # the sandbox's tokens live 3600 s; renewal comes 60 s before
    impot.situation_ir("3999999999901", 2024)
    assert sandbox.stats.requests["dgfip_token"] == 1
    now[0] += 2
    impot.situation_ir("3999999999901", 2024)
    assert sandbox.stats.requests["dgfip_token"] == 2


def test_a_refused_access_token_is_renewed_once(impot, sandbox):
    impot.situation_ir("3999999999901", 2024)
    sandbox.revoke_dgfip_tokens()
    assert impot.situation_ir("3999999999901", 2024).revenu_fiscal_reference == 28450
    assert sandbox.stats.requests["dgfip_token"] == 2
    assert sandbox.stats.responses[("situation_ir", 401)] == 1


def test_a_token_refused_twice_is_unauthorized(impot, sandbox):
    sandbox.set_fault("status=401; endpoint=situation_ir")
    with pytest.raises(Unauthorized):
        impot.situation_ir("3999999999901", 2024)
    assert sandbox.stats.requests["situation_ir"] == 2
    assert sandbox.stats.requests["dgfip_token"] == 2


def test_wrong_client_secret_is_unauthorized(sandbox):
    impot = ImpotParticulierClient(sandbox.impot_url, sandbox.token_url, "demo", "wrong")
    with pytest.raises(Unauthorized) as caught:
        impot.situation_ir("3999999999901", 2024)
    assert caught.value.code == "invalid_client"
    assert "situation_ir" not in sandbox.stats.requests


def test_scopes_of_the_oauth_client(sandbox):
    sandbox.add_oauth_client("ir-only", "s3cret", ["RessourceIR"])
    impot = ImpotParticulierClient(sandbox.impot_url, sandbox.token_url, "ir-only", "s3cret")
    assert impot.situation_ir("3999999999901", 2024).annee_revenus == 2024
    with pytest.raises(Forbidden):
        impot.derniere_situation_ir("3999999999901", 2024)
    asking_more = ImpotParticulierClient(
        sandbox.impot_url, sandbox.token_url, "ir-only", "s3cret", scope="RessourceIRDerniere"
    )
    with pytest.raises(Forbidden) as caught:
        asking_more.situation_ir("3999999999901", 2024)
    assert caught.value.code == "invalid_scope"


def test_the_demo_token_url_of_the_settings_works_too(sandbox):
    """site/demo/settings/dev.py points at /oauth/token."""
    impot = ImpotParticulierClient(
        sandbox.impot_url, sandbox.url + "/oauth/token", "demo", "demo-secret"
    )
    assert impot.situation_ir("3999999999902", 2024).nombre_personnes_a_charge == 2
