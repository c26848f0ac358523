"""Each sandbox family gets the tariff and decision the README promises, end to end.

Typed identities are anonymous: the outcome goes to the submission (the agents), never to the
recap or the receipt (tests/anonymous); FranceConnect's identified citizens see it
(tests/franceconnect/test_identified.py)."""

import re

import pytest
from wagtail.blocks import StreamValue

from tests.certified.helpers import DEMANDEUR, dgfip, pass_famille_until_recap
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
NOE = {**ENFANT_LEA, "prenom": "Noé", "date_naissance": "2020-01-02"}


def canteen_submission(page, identity, children=(ENFANT_LEA,)):
    citizen = Citizen(page)
    citizen.start()
    citizen.post("etape-1", RESPONSABLE)
    citizen.post("etape-2", enfants(*children))
    citizen.post("etape-3", identity)
    citizen.post("etape-4", FREQUENTATION)
    citizen.post("etape-6", {"attestation": "on"})
    recap = citizen.client.get(citizen.url("recapitulatif")).content.decode()
    done = citizen.post("recapitulatif", {})
    receipt = citizen.client.get(done["Location"]).content.decode()
    return Submission.objects.get(instance_key__endswith=citizen.instance), recap, receipt


@pytest.mark.parametrize(
    "identity, line",
    [
        (LEFEBVRE, "Tarif : Tranche F — 4,60 € par repas"),
        (MARTIN, "Tarif : Tranche A — 0,85 € par repas"),
        (BERNARD, "Tarif : Tranche B — 1,60 € par repas"),
        (GIRAUD, "Tarif : Tranche D — 3,10 € par repas"),
    ],
)
def test_canteen_tariff_per_family(cantine, identity, line):
    submission, recap, receipt = canteen_submission(cantine, identity)
    nbsp_line = line.replace(" : ", "\u00a0: ").replace(" €", "\u00a0€")
    assert nbsp_line not in recap and nbsp_line not in receipt  # anonymous: withheld
    assert submission.tariff == nbsp_line
    assert submission.outcome["tariffs"][0]["grid"]["name"] == "repas"
    assert submission.outcome["tariffs"][0]["provenance"] == "caf:verifie"


def test_a_family_unknown_to_the_caf_gets_the_default_bracket(cantine, settings, tmp_path):
    from django.core.files.uploadedfile import SimpleUploadedFile

    settings.WAGTAIL_PASSFAMILLE_FILE_STORAGE = {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": str(tmp_path)},
    }
    document = SimpleUploadedFile("attestation.pdf", b"%PDF-1.4\n%%EOF\n", "application/pdf")
    identity = {**INCONNU, "caf__choix": "justificatif", "caf__justificatif": document}
    submission, recap, _receipt = canteen_submission(cantine, identity)
    assert "Tranche F — 4,60\u00a0€ par repas (tarif par défaut)" in recap
    assert submission.outcome["tariffs"][0]["default_applied"] is True
    assert submission.verification == "justificatif"


def test_second_child_gets_ten_percent_off(cantine):
    submission, recap, _receipt = canteen_submission(cantine, MARTIN, (ENFANT_LEA, NOE))
    children = submission.outcome["tariffs"][0]["children"]
    assert [(c["rank"], c["amount"]) for c in children] == [(1, "0.85"), (2, "0.77")]
    assert "0,77\u00a0€" not in recap  # anonymous: withheld


@pytest.mark.parametrize(
    "numero, decision, expected",
    [
        # The model's gate (a dependent person), then the demo's own (the fiscal address).
        ("3999999999901", "review", "réservé aux foyers ayant au moins une personne à charge"),
        ("3999999999902", "eligible", "aucune réduction"),
        ("3999999999903", "eligible", "réduction de 30\u00a0%"),
        ("3999999999904", "eligible", "réduction de 50\u00a0%"),
        ("3999999999905", "eligible", "réduction de 15\u00a0%"),
        ("3999999999906", "review", "réservé aux familles dont l'adresse fiscale est à Démoville"),
    ],
)
def test_pass_famille_decision_per_household(pass_famille, numero, decision, expected):
    from wagtail_passfamille.models import outcomes

    citizen, _step = pass_famille_until_recap(pass_famille, numero)
    recap = citizen.client.get(citizen.url("recapitulatif")).content.decode()
    assert expected.replace("'", "&#x27;") not in recap  # anonymous: withheld
    citizen.post("recapitulatif", {})
    submission = Submission.objects.get()
    assert submission.decision == decision
    lines = " ".join(outcomes.summary_lines(submission.outcome))
    assert expected in lines
    if decision == "eligible":
        assert "Éligible au Pass Famille" in lines


def test_a_tampered_post_cannot_change_the_tariff(cantine):
    citizen = Citizen(cantine)
    citizen.start()
    citizen.post("etape-1", RESPONSABLE)
    citizen.post("etape-2", enfants(ENFANT_LEA))
    forged_identity = {**LEFEBVRE, "caf__quotient_familial": "100", "quotient_familial": "100"}
    citizen.post("etape-3", forged_identity)
    citizen.post("etape-4", FREQUENTATION)
    citizen.post("etape-6", {"attestation": "on"})
    citizen.post(
        "recapitulatif",
        {},
        raw={
            "tariff": "Tranche A",
            "outcome": "{}",
            "decision": "eligible",
            "caf.quotient_familial": "1",
        },
    )
    assert Submission.objects.get().tariff.startswith("Tarif\u00a0: Tranche F")


def test_editing_a_grid_later_leaves_stored_outcomes_unchanged(cantine):
    submission, _recap, _receipt = canteen_submission(cantine, MARTIN)
    before = dict(submission.outcome)
    raw = list(cantine.tariffs.raw_data)
    raw[0]["value"]["brackets"][0]["value"]["amount"] = "9.99"
    cantine.tariffs = StreamValue(cantine.tariffs.stream_block, raw, is_lazy=True)
    cantine.save_revision().publish()
    submission.refresh_from_db()
    assert submission.outcome == before
    assert submission.outcome["tariffs"][0]["amount"] == "0.85"


def test_dgfip_households_never_see_their_figures(pass_famille):
    citizen, _step = pass_famille_until_recap(pass_famille, "3999999999903")
    recap = citizen.client.get(citizen.url("recapitulatif")).content.decode()
    for value in ("14800", "14 800", "616", "2.0"):
        # As a figure: not inside a word, where the instance's 32 hex digits or the CSRF token
        # hold « 616 » now and then (this test failed once so).
        assert not re.search(rf"(?<![\w.]){re.escape(value)}(?![\w.])", recap), value
    assert DEMANDEUR["nom_demandeur"] in recap  # the citizen's own answers are shown
    assert dgfip("x")["dgfip__choix"] == "recuperer"
