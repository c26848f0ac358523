"""An anonymous citizen who types an identity is shown nothing derived from certified data.

For every sandbox family of the demo: the recap and the receipt hold no bracket, price,
reduction, verdict or « no file » (each reveals a band of someone's income or situation to
whoever knows their civil status); they say the tariff will be computed from certified data and
communicated by the service. The submission still carries the outcome, for the agents.
"""

import re

import pytest

from tests.certified.conftest import cantine, pass_famille, seeded  # noqa: F401
from tests.certified.helpers import pass_famille_until_recap
from tests.demarches.helpers import (
    ENFANT_LEA,
    FREQUENTATION,
    INCONNU,
    LEFEBVRE,
    MARTIN,
    RESPONSABLE,
    Citizen,
    caf_identity,
    enfants,
)
from wagtail_passfamille.models import Submission

BERNARD = caf_identity("BERNARD", ["ELODIE"], "F", 1990, 3, commune="08480")
GIRAUD = caf_identity("GIRAUD", ["ANNE"], "F", 1988, 12, 1, commune="13002")
WITHHELD = "seront calculés à partir des données certifiées"
# Anything that would tell a band of income or a verdict.
DERIVED = re.compile(
    r"Tranche|€|réduction|Réduction|Éligible|éligible|réservé aux familles|Aucun dossier|"
    r"[0-9]+\s?%|tarif par défaut|Quotient familial\s*:|2\s?550|quotient familial de",
    re.IGNORECASE,
)


def _main(html):
    """The page's own content (the demo's header and footer say nothing of the family)."""
    return html.split('class="pf-demarche"', 1)[1]


def canteen(page, identity):
    citizen = Citizen(page)
    citizen.start()
    citizen.post("etape-1", RESPONSABLE)
    citizen.post("etape-2", enfants(ENFANT_LEA))
    step = citizen.post("etape-3", identity)
    citizen.post("etape-4", FREQUENTATION)
    citizen.post("etape-6", {"attestation": "on"})
    recap = citizen.client.get(citizen.url("recapitulatif")).content.decode()
    done = citizen.post("recapitulatif", {})
    receipt = citizen.client.get(done["Location"]).content.decode()
    return citizen, step, recap, receipt


@pytest.mark.parametrize("identity", [LEFEBVRE, MARTIN, BERNARD, GIRAUD])
def test_canteen_recap_and_receipt_hold_nothing_derived(cantine, identity):  # noqa: F811
    _citizen, _step, recap, receipt = canteen(cantine, identity)
    for html in (recap, receipt):
        found = DERIVED.findall(_main(html))
        assert not found, found
        assert WITHHELD in html
    submission = Submission.objects.get()
    assert submission.tariff.startswith("Tarif")  # the agents have it


def test_no_file_is_not_said(cantine):  # noqa: F811
    citizen = Citizen(cantine)
    citizen.start()
    citizen.post("etape-1", RESPONSABLE)
    citizen.post("etape-2", enfants(ENFANT_LEA))
    not_found = citizen.post("etape-3", INCONNU).content.decode()
    typo = {**LEFEBVRE, "caf__nom_naissance": "LEFEBRE"}
    not_matched = citizen.post("etape-3", typo).content.decode()
    for html in (not_found, not_matched):
        assert "Aucun dossier" not in html
        assert "n&#x27;ont pas pu être vérifiées" in html
    # The same words whether the file is missing or the identity not recognised.
    message = re.compile(r"Ces informations n&#x27;ont pas pu être vérifiées[^<]*")
    assert message.findall(not_found) == message.findall(not_matched)


@pytest.mark.parametrize(
    "numero", ["3999999999901", "3999999999903", "3999999999904", "3999999999905", "3999999999906"]
)
def test_pass_famille_recap_and_receipt_hold_nothing_derived(pass_famille, numero):  # noqa: F811
    citizen, step = pass_famille_until_recap(pass_famille, numero)
    assert step.status_code == 302  # no gate stops an anonymous citizen: it would be a verdict
    recap = citizen.client.get(citizen.url("recapitulatif")).content.decode()
    done = citizen.post("recapitulatif", {})
    assert done.status_code == 302
    receipt = citizen.client.get(done["Location"]).content.decode()
    for html in (recap, receipt):
        found = DERIVED.findall(_main(html))
        assert not found, found
        assert WITHHELD in html
    assert Submission.objects.get().decision  # decided for the agents
