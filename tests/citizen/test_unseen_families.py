"""Official staging families the project had never seen: a birth date unknown, a démarche that
asks for the quotient familial of a given month. Each gets its certified QF and its bracket.

The cases are written as staging writes them (``params``, ``status``, ``payload``) and served by
the sandbox like the packaged ones; the sandbox matches ``annee``/``mois`` as staging does.
"""

import json

import yaml

from tests.demarches.helpers import (
    ENFANT_LEA,
    FREQUENTATION,
    RESPONSABLE,
    Citizen,
    caf_identity,
    enfants,
)
from wagtail_passfamille.backoffice.display import reference_month_text
from wagtail_passfamille.models import Submission
from wagtail_passfamille.models.outcomes import summary_lines

FOLDER = "api_particulier_v3_cnav_quotient_familial_with_civility"


def payload(nom, prenom, naissance, valeur, annee, mois):
    return json.dumps(
        {
            "data": {
                "allocataires": [
                    {
                        "nom_naissance": nom,
                        "nom_usage": None,
                        "prenoms": prenom,
                        "date_naissance": naissance,
                        "sexe": "F",
                    }
                ],
                "enfants": [],
                "adresse": None,
                "quotient_familial": {
                    "fournisseur": "CNAF",
                    "valeur": valeur,
                    "annee": annee,
                    "mois": mois,
                    "annee_calcul": annee,
                    "mois_calcul": mois,
                },
            },
            "links": {},
            "meta": {},
        }
    )


BORN_IN_ITALY_DATE_UNKNOWN = f"""
description: Identité d'une personne née en Italie dont la date de naissance est inconnue
params:
  codeCogInseePaysNaissance: '99127'
  sexeEtatCivil: 'F'
  nomNaissance: 'ROSSI'
  prenoms:
    - 'GIULIA'
status: 200
payload: |-
  {payload("ROSSI", "GIULIA", None, 520, 2026, 11)}
"""

QF_OF_MAY_2026 = f"""
description: QF 150 du mois de mai 2026
params:
  codeCogInseeCommuneNaissance: '35238'
  codeCogInseePaysNaissance: '99100'
  sexeEtatCivil: 'F'
  nomNaissance: 'LEROY'
  prenoms:
    - 'CAMILLE'
  anneeDateNaissance: 1989
  moisDateNaissance: 12
  jourDateNaissance: 3
  annee: 2026
  mois: 5
status: 200
payload: |-
  {payload("LEROY", "CAMILLE", "1989-12-03", 150, 2026, 5)}
"""


def serve(sandbox, name, text):
    case = yaml.safe_load(text)
    sandbox.add_case(FOLDER, name, case["params"], case["status"], case["payload"])


def walk(cantine, identity):
    citizen = Citizen(cantine)
    citizen.start()
    assert citizen.post("etape-1", RESPONSABLE).status_code == 302
    assert citizen.post("etape-2", enfants(ENFANT_LEA)).status_code == 302
    response = citizen.post("etape-3", identity)
    assert response.status_code == 302, response.content.decode()[-3000:]
    assert citizen.post("etape-4", FREQUENTATION).status_code == 302
    assert citizen.post("etape-6", {"attestation": "on"}).status_code == 302
    assert citizen.post("recapitulatif", {}).status_code == 302
    return Submission.objects.get()


def caf_block(cantine):
    for step in cantine.steps:
        for child in step.value["fields"]:
            if child.block_type == "donnees_caf":
                return child.value
    raise AssertionError("no CAF block")


def test_a_citizen_born_abroad_whose_birth_date_is_unknown(cantine, sandbox):
    serve(sandbox, "200-nee-en-italie-date-inconnue.yaml", BORN_IN_ITALY_DATE_UNKNOWN)
    identity = caf_identity("ROSSI", ["GIULIA"], "F", "", pays="99127")
    identity["caf__naissance_inconnue"] = "on"
    submission = walk(cantine, identity)
    (call,) = [r for r in sandbox.received if "quotient_familial" in r.path]
    assert "DateNaissance" not in call.query  # no date sent at all
    record = submission.certified_record.get("caf")
    assert record.verification == "verifie"
    assert record.fields["quotient_familial"]["valeur"] == 520
    assert summary_lines(submission.outcome) == ["Tarif\xa0: Tranche B — 1,60\xa0€ par repas"]


def test_without_the_unknown_box_a_birth_year_is_still_asked(cantine, sandbox):
    citizen = Citizen(cantine)
    citizen.start()
    citizen.post("etape-1", RESPONSABLE)
    citizen.post("etape-2", enfants(ENFANT_LEA))
    html = citizen.post("etape-3", caf_identity("ROSSI", ["GIULIA"], "F", "", pays="99127"))
    assert "Ce champ est obligatoire" in html.content.decode()


def choose_reference_month(cantine, rule):
    block = caf_block(cantine)
    block["mois_reference"], block["annee_fixe"], block["mois_fixe"] = rule, 2026, 5
    cantine.save_revision().publish()


IDENTITY_LEROY = caf_identity("LEROY", ["CAMILLE"], "F", 1989, 12, 3, commune="35238")


def test_a_demarche_asking_for_the_qf_of_may_2026_gets_it(cantine, sandbox):
    serve(sandbox, "200-QF-150-mai-2026.yaml", QF_OF_MAY_2026)
    choose_reference_month(cantine, "fixe")
    citizen = Citizen(cantine)
    citizen.start()
    citizen.post("etape-1", RESPONSABLE)
    citizen.post("etape-2", enfants(ENFANT_LEA))
    html = citizen.client.get(citizen.url("etape-3")).content.decode()
    assert "Le quotient familial retenu est celui de mai 2026." in html  # the rule, said

    submission = walk(cantine, IDENTITY_LEROY)
    (call,) = [r for r in sandbox.received if "quotient_familial" in r.path]
    assert "annee=2026&mois=5" in call.query
    record = submission.certified_record.get("caf")
    assert record.fields["quotient_familial"]["valeur"] == 150
    # Agents see which month was asked and which came back.
    assert record.provenance["mois_demande"] == "2026-05"
    assert record.provenance["mois_recu"] == "2026-05"
    assert reference_month_text(record.provenance) == (
        "Mois demandé : mai 2026 — mois du quotient reçu : mai 2026"
    )
    assert summary_lines(submission.outcome) == ["Tarif\xa0: Tranche A — 0,85\xa0€ par repas"]


def test_the_latest_qf_of_that_family_is_not_may_2026s(cantine, sandbox):
    """What went wrong before: no month sent, staging knows no such case (the default tariff)."""
    serve(sandbox, "200-QF-150-mai-2026.yaml", QF_OF_MAY_2026)
    citizen = Citizen(cantine)
    citizen.start()
    citizen.post("etape-1", RESPONSABLE)
    citizen.post("etape-2", enfants(ENFANT_LEA))
    html = citizen.post("etape-3", IDENTITY_LEROY).content.decode()
    assert "Le quotient familial retenu est le plus récent connu" in html
    assert "Ces informations n&#x27;ont pas pu être vérifiées" in html  # no file: not said
    (call,) = [r for r in sandbox.received if "quotient_familial" in r.path]
    assert "annee=" not in call.query and "mois=" not in call.query


def test_the_month_of_the_application_is_sent_when_the_demarche_says_so(cantine, sandbox):
    from django.utils import timezone

    choose_reference_month(cantine, "mois_demande")
    citizen = Citizen(cantine)
    citizen.start()
    citizen.post("etape-1", RESPONSABLE)
    citizen.post("etape-2", enfants(ENFANT_LEA))
    html = citizen.post("etape-3", IDENTITY_LEROY).content.decode()
    assert "celui du mois de votre demande" in html
    today = timezone.localdate()
    (call,) = [r for r in sandbox.received if "quotient_familial" in r.path]
    assert f"annee={today.year}&mois={today.month}" in call.query
