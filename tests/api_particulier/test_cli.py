"""The command line: JSON out, and exit 0 / 1 (not found) / 2 (bad input) / 3 (upstream) / 4 (auth
or configuration). Configured by the environment only."""

import io
import json
import os
import subprocess
import sys

import pytest

from wagtail_passfamille.api_particulier.cli import main
from wagtail_passfamille.sandbox import EXPIRED_TOKEN

from .conftest import RECIPIENT, TEST_TOKEN

pytestmark = pytest.mark.sandbox

NOMINAL_ARGS = [
    "quotient-familial",
    "--nom-naissance",
    "LEFEBVRE",
    "--prenom",
    "ALEXIS",
    "--prenom",
    "GÉRÔME",
    "--prenom",
    "JEAN-PHILIPPE",
    "--sexe",
    "F",
    "--date-naissance",
    "1982-12-27",
    "--pays",
    "99100",
    "--commune",
    "08480",
]


@pytest.fixture
def environ(sandbox):
    return {
        "API_PARTICULIER_URL": sandbox.url,
        "API_PARTICULIER_TOKEN": TEST_TOKEN,
        "API_PARTICULIER_RECIPIENT": RECIPIENT,
        "IMPOT_PARTICULIER_URL": sandbox.impot_url,
        "IMPOT_PARTICULIER_TOKEN_URL": sandbox.token_url,
        "IMPOT_PARTICULIER_CLIENT_ID": "demo",
        "IMPOT_PARTICULIER_CLIENT_SECRET": "demo-secret",
    }


def run(argv, environ):
    out = io.StringIO()
    code = main(argv, environ=environ, stdout=out)
    return code, json.loads(out.getvalue())


def test_nominal_family_with_api_v3_keys(environ):
    code, output = run(NOMINAL_ARGS, environ)
    assert code == 0
    assert output["quotient_familial"] == {
        "fournisseur": "CNAF",
        "valeur": 2550,
        "annee": 2023,
        "mois": 6,
        "annee_calcul": 2024,
        "mois_calcul": 12,
    }
    assert output["allocataires"][0]["date_naissance"] == "1982-12-27"
    assert output["adresse"]["code_postal_ville"] == "75002 PARIS"
    assert output["provenance"]["request_id"]


def _v2(nom, prenoms, sexe, date, commune):
    argv = ["composition-familiale-v2", "--nom-naissance", nom, "--sexe", sexe]
    for prenom in prenoms:
        argv += ["--prenom", prenom]
    return [*argv, "--date-naissance", date, "--pays", "99100", "--commune", commune]


def test_unknown_birth_parts_are_printed_as_zeros_or_null(environ):
    """Staging's v2 families with a day "00" and a child whose date is three empty strings."""
    code, output = run(_v2("BOBO", ["Jacob", "Henri"], "M", "1981-11-02", "21331"), environ)
    assert code == 0
    assert output["allocataires"][0]["date_naissance"] == "1981-11-00"
    code, output = run(_v2("NUM", ["Lady", "Di"], "F", "1962-08-24", "29200"), environ)
    assert code == 0
    assert [e["date_naissance"] for e in output["enfants"]][-1] is None


@pytest.mark.parametrize(
    ("argv", "fault", "exit_code", "error"),
    [
        (
            [
                "quotient-familial",
                "--nom-naissance",
                "DUPONT",
                "--prenom",
                "X",
                "--sexe",
                "M",
                "--pays",
                "99350",
            ],
            None,
            1,
            "NotFound",
        ),
        (NOMINAL_ARGS, "status=422; code=00355", 1, "IdentityNotMatched"),
        (
            [
                "quotient-familial",
                "--nom-naissance",
                "DUPONT",
                "--prenom",
                "X",
                "--sexe",
                "Z",
                "--pays",
                "99350",
            ],
            None,
            2,
            "InvalidParameters",
        ),
        (
            [*NOMINAL_ARGS[:-6], "--date-naissance", "27/12/1982", "--pays", "99100"],
            None,
            2,
            "InvalidParameters",
        ),
        (NOMINAL_ARGS, "status=503", 3, "ProviderUnavailable"),
        (NOMINAL_ARGS, "status=429", 3, "RateLimited"),
        (NOMINAL_ARGS, "status=409", 3, "Conflict"),
        (NOMINAL_ARGS, "status=401", 4, "Unauthorized"),
        (NOMINAL_ARGS, "status=403", 4, "Forbidden"),
        (NOMINAL_ARGS, "status=410", 4, "EndpointRetired"),
        (
            ["quotient-familial-france-connect", "--access-token", "unknown"],
            None,
            4,
            "FranceConnectTokenRejected",
        ),
        (
            ["situation-ir", "--numero-fiscal", "3999999999908", "--annee-revenus", "2024"],
            None,
            1,
            "NotFound",
        ),
        (
            ["situation-ir", "--numero-fiscal", "ABC", "--annee-revenus", "2024"],
            None,
            2,
            "InvalidParameters",
        ),
    ],
)
def test_errors_print_json_and_exit_with_their_code(
    environ, sandbox, argv, fault, exit_code, error
):
    sandbox.set_fault(fault)
    code, output = run(argv, environ)
    assert (code, output["error"]) == (exit_code, error)
    assert set(output) >= {"error", "status", "code", "title"}


def test_missing_configuration_exits_4(environ):
    del environ["API_PARTICULIER_TOKEN"]
    code, output = run(["scopes"], environ)
    assert (code, output["error"], output["status"]) == (4, "ConfigurationError", None)
    assert "API_PARTICULIER_TOKEN" in output["title"]


def test_invalid_recipient_is_configuration(environ):
    code, output = run(["ping"], {**environ, "API_PARTICULIER_RECIPIENT": "12345678901234"})
    assert (code, output["error"], output["parameter"]) == (4, "InvalidRecipient", "recipient")


def test_expired_token_exits_4_with_its_code(environ):
    code, output = run(NOMINAL_ARGS, {**environ, "API_PARTICULIER_TOKEN": EXPIRED_TOKEN})
    assert (code, output["code"]) == (4, "00103")


def test_usage_errors_exit_2():
    assert main(["quotient-familial"], environ={}, stdout=io.StringIO()) == 2
    assert main([], environ={}, stdout=io.StringIO()) == 2


def test_scopes_ping_v2_and_situation_ir(environ):
    code, output = run(["scopes"], environ)
    assert code == 0 and "cnaf_enfants" in output["scopes"] and output["token_expires_at"]
    assert (
        run(["ping"], environ) == (0, run(["ping"], environ)[1])
        and run(["ping"], environ)[1]["status"] == "ok"
    )
    code, output = run(["composition-familiale-v2", *NOMINAL_ARGS[1:]], environ)
    assert (code, output["quotient_familial"]["valeur"]) == (0, 2550)
    code, output = run(
        ["situation-ir", "--numero-fiscal", "3999999999902", "--annee-revenus", "2024"], environ
    )
    assert (code, output["revenu_fiscal_reference"], len(output["declarants"])) == (0, 61200, 2)
    code, output = run(
        [
            "situation-ir",
            "--numero-fiscal",
            "3999999999902",
            "--annee-revenus",
            "2024",
            "--derniere",
        ],
        environ,
    )
    assert code == 0
    code, output = run(
        ["situation-ir", "--france-connect-token", "fc_dgfip_sable", "--annee-revenus", "2024"],
        environ,
    )
    assert (code, output["situation_famille"]) == (0, "C")


def test_python_dash_m_against_the_sandbox(environ):
    """What the issue's "done when" asks: the module entry point, from a fresh process."""
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"} | environ
    completed = subprocess.run(
        [sys.executable, "-m", "wagtail_passfamille.api_particulier", *NOMINAL_ARGS],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
        check=False,
    )
    assert completed.returncode == 0, completed.stderr
    output = json.loads(completed.stdout)
    assert (
        output["allocataires"][0]["nom_naissance"],
        output["quotient_familial"]["fournisseur"],
        output["quotient_familial"]["valeur"],
    ) == ("LEFEBVRE", "CNAF", 2550)
