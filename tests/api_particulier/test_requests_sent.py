"""What the clients put on the wire: exact query strings, headers and paths.

The town's DataPass depends on these (REFERENCE.md §1, §3): ``recipient`` always, ``prenoms[]``
once per first name, integers without leading zeros, names as typed (the API transliterates), the
token in a header and never in the URL.
"""

import uuid
from base64 import b64decode

import pytest

from wagtail_passfamille.api_particulier import (
    ApiParticulierClient,
    FranceConnectTokenRejected,
    Identite,
    NotFound,
    PartialDate,
)
from wagtail_passfamille.api_particulier.errors import API_PARTICULIER, IMPOT_PARTICULIER

from .conftest import RECIPIENT, TEST_TOKEN
from .helpers import NOMINAL

pytestmark = pytest.mark.sandbox


def test_identity_query_is_exactly_what_staging_expects(particulier, sandbox):
    particulier.quotient_familial(NOMINAL)
    (received,) = sandbox.received
    assert received.path == "/v3/dss/quotient_familial/identite"
    assert received.query == (
        "recipient=13002526500013&nomNaissance=LEFEBVRE"
        "&prenoms%5B%5D=ALEXIS&prenoms%5B%5D=G%C3%89R%C3%94ME&prenoms%5B%5D=JEAN-PHILIPPE"
        "&anneeDateNaissance=1982&moisDateNaissance=12&jourDateNaissance=27"
        "&sexeEtatCivil=F&codeCogInseePaysNaissance=99100&codeCogInseeCommuneNaissance=08480"
    )
    assert received.headers["authorization"] == f"Bearer {TEST_TOKEN}"
    assert TEST_TOKEN not in received.query


def test_integers_go_without_leading_zeros_and_names_as_typed(particulier, sandbox):
    identite = Identite(
        nom_naissance="Dubinôre’s",  # typographic apostrophe from a phone keyboard
        nom_usage="de la Tour",
        prenoms=("Joëlle",),
        sexe="f",
        date_naissance=PartialDate(1992, 3, 5),
        code_pays_naissance="99100",
        code_commune_naissance="2a004",
    )
    with pytest.raises(NotFound):  # no such case: the folder's 404
        particulier.quotient_familial(identite, annee=None, mois=None)
    assert sandbox.received[-1].query == (
        "recipient=13002526500013&nomNaissance=Dubin%C3%B4re%27s&nomUsage=de+la+Tour"
        "&prenoms%5B%5D=Jo%C3%ABlle&anneeDateNaissance=1992&moisDateNaissance=3"
        "&jourDateNaissance=5&sexeEtatCivil=F&codeCogInseePaysNaissance=99100"
        "&codeCogInseeCommuneNaissance=2A004"
    )


def test_partial_birth_date_sends_only_what_is_known(particulier, sandbox):
    identite = Identite("LEFEBVRE", ("ALEXIS",), "F", "99100", PartialDate(1982, 12), "08480")
    result = particulier.quotient_familial(identite)  # staging case "seul-sans_enfant-qf_caf_2550"
    assert result.quotient_familial.valeur == 2550
    query = sandbox.received[-1].query
    assert "anneeDateNaissance=1982&moisDateNaissance=12&sexeEtatCivil" in query
    assert "jourDateNaissance" not in query


def test_birthplace_by_name_sends_the_triple(particulier, sandbox):
    identite = Identite(
        nom_naissance="MARTIN",
        prenoms=("PIERRE",),
        sexe="M",
        date_naissance=PartialDate(1960),
        code_pays_naissance="99100",
        nom_commune_naissance="Ajaccio",
        code_departement_naissance="20",  # Corsica before 1976
    )
    with pytest.raises(NotFound):  # no such case
        particulier.quotient_familial(identite)
    assert sandbox.received[-1].query.endswith(
        "&anneeDateNaissance=1960&sexeEtatCivil=M&codeCogInseePaysNaissance=99100"
        "&nomCommuneNaissance=Ajaccio&codeCogInseeDepartementNaissance=20"
    )


def test_born_abroad_sends_no_commune(particulier, sandbox):
    identite = Identite("SIMPSON", ("Marge",), "F", "99404", PartialDate(1980, 11, 15))
    assert particulier.quotient_familial(identite).quotient_familial.valeur == 300
    assert "Commune" not in sandbox.received[-1].query


def test_month_of_the_quotient_and_cache_bypass(particulier, sandbox):
    # Staging (and the sandbox) match annee/mois: the nominal case has no month, so a month
    # asked finds no file; what matters here is the query sent.
    with pytest.raises(NotFound):
        particulier.quotient_familial(
            NOMINAL, annee=sandbox.state.today().year - 1, mois=2, no_cache=True
        )
    received = sandbox.received[-1]
    assert received.query.endswith(f"&annee={sandbox.state.today().year - 1}&mois=2")
    assert received.headers["cache-control"] == "no-cache"


def test_recipient_is_normalised_and_sent_on_every_route(sandbox):
    particulier = ApiParticulierClient(sandbox.url, TEST_TOKEN, "130 025 265 00013")
    particulier.quotient_familial(NOMINAL)
    particulier.quotient_familial_france_connect("cnaf_qfv2")
    particulier.composition_familiale_v2(NOMINAL)
    assert [r.query.split("&")[0] for r in sandbox.received] == [f"recipient={RECIPIENT}"] * 3


def test_france_connect_sends_the_citizen_token_and_no_identity(particulier, sandbox):
    particulier.quotient_familial_france_connect("cnaf_qfv2")
    received = sandbox.received[-1]
    assert received.path == "/v3/dss/quotient_familial/france_connect"
    assert received.query == "recipient=13002526500013"
    assert received.headers["authorization"] == "Bearer cnaf_qfv2"


@pytest.mark.parametrize(
    "call, api",
    [
        (lambda clients, t: clients[0].quotient_familial_france_connect(t), API_PARTICULIER),
        (lambda clients, t: clients[1].situation_ir_france_connect(t, 2024), IMPOT_PARTICULIER),
    ],
)
@pytest.mark.parametrize("token", ["", "   ", None])
def test_an_absent_france_connect_token_is_refused_before_any_call(
    particulier, impot, sandbox, call, api, token
):
    with pytest.raises(FranceConnectTokenRejected) as raised:
        call((particulier, impot), token)
    assert raised.value.api == api
    assert raised.value.parameter == "access_token"
    assert sandbox.received == []


def test_france_connect_tokens_are_sent_without_surrounding_spaces(particulier, impot, sandbox):
    particulier.quotient_familial_france_connect("  cnaf_qfv2\n")
    assert sandbox.received[-1].headers["authorization"] == "Bearer cnaf_qfv2"
    impot.situation_ir_france_connect(" fc_dgfip_gravier ", 2024)
    assert sandbox.received[-1].headers["x-franceconnect-oauth"] == "fc_dgfip_gravier"


def test_v2_uses_its_own_names_and_the_api_key_header(particulier, sandbox):
    particulier.composition_familiale_v2(NOMINAL)
    received = sandbox.received[-1]
    assert received.path == "/api/v2/composition-familiale-v2"
    assert received.query == (
        "recipient=13002526500013&nomNaissance=LEFEBVRE"
        "&prenoms%5B%5D=ALEXIS&prenoms%5B%5D=G%C3%89R%C3%94ME&prenoms%5B%5D=JEAN-PHILIPPE"
        "&anneeDateDeNaissance=1982&moisDateDeNaissance=12&jourDateDeNaissance=27"
        "&sexe=F&codePaysLieuDeNaissance=99100&codeInseeLieuDeNaissance=08480"
    )
    assert received.headers["x-api-key"] == TEST_TOKEN
    assert "authorization" not in received.headers


def test_introspect_and_ping(particulier, sandbox):
    assert particulier.scopes() == {
        "cnaf_quotient_familial",
        "cnaf_allocataires",
        "cnaf_enfants",
        "cnaf_adresse",
    }
    assert particulier.ping().status == "ok"
    introspect, ping = sandbox.received
    assert (introspect.path, introspect.query) == ("/api/introspect", "")
    assert introspect.headers["authorization"] == f"Bearer {TEST_TOKEN}"
    assert (ping.path, "authorization" in ping.headers) == (
        "/api/cnaf_msa_quotient_familial/ping",
        False,
    )


def test_dgfip_token_then_situation(impot, sandbox):
    impot.situation_ir("39 99 999 999 902", 2024)
    token_request, data_request = sandbox.received
    assert (token_request.method, token_request.path) == ("POST", "/token")
    assert b64decode(token_request.headers["authorization"].split()[1]) == b"demo:demo-secret"
    assert (
        data_request.path
        == "/impotparticulier/1.0/spi/3999999999902/situations/ir/assiettes/annrev/2024"
    )
    assert data_request.query == ""
    assert data_request.headers["authorization"].startswith("Bearer ")
    assert uuid.UUID(data_request.headers["x-correlation-id"]).version == 4
    assert data_request.headers["accept"].startswith(
        "application/prs.dgfip.part.situations.ir.assiettes.v1+json"
    )


def test_dgfip_france_connect_puts_the_citizen_token_in_its_own_header(impot, sandbox):
    impot.situation_ir_france_connect("fc_dgfip_gravier", 2024)
    received = sandbox.received[-1]
    assert received.path == "/impotparticulier/1.0/situations/ir/assiettes/annrev/2024"
    assert received.headers["x-franceconnect-oauth"] == "fc_dgfip_gravier"
    assert received.headers["authorization"] != "Bearer fc_dgfip_gravier"


def test_each_dgfip_call_has_its_own_correlation_id_kept_as_request_id(impot, sandbox):
    first = impot.situation_ir("3999999999901", 2024)
    second = impot.situation_ir("3999999999901", 2023)
    sent = [r.headers["x-correlation-id"] for r in sandbox.received if r.endpoint == "situation_ir"]
    assert sent == [first.provenance.request_id, second.provenance.request_id]
    assert sent[0] != sent[1]
