"""An identified citizen (FranceConnect, through the stand-in) sees their own certified data and
their outcome; the data calls run within the callback, through the budget and the audit."""

import re
from urllib.parse import parse_qs, urlsplit

import requests
from django.urls import reverse

from tests.demarches.helpers import ENFANT_LEA, FREQUENTATION, RESPONSABLE, Citizen, enfants
from wagtail_passfamille.models import Submission, UpstreamCall

from .test_views import CALLBACK, DUPONT, _at_franceconnect, _start

NO_CAF = "sans_dossier_caf"


def identified(cantine, account=DUPONT):
    citizen = Citizen(cantine)
    citizen.start()
    url = _start(citizen.client, cantine)
    response = citizen.client.get(f"{CALLBACK}?{_at_franceconnect(url, account)}")
    assert response.status_code == 302
    return citizen, url


def test_the_scopes_are_the_pivot_and_the_ticked_data(cantine):
    _citizen, url = identified(cantine)
    scopes = parse_qs(urlsplit(url).query)["scope"][0].split()
    assert scopes[:2] == ["openid", "identite_pivot"]
    assert set(scopes[2:]) == {"cnaf_quotient_familial", "cnaf_enfants"} or all(
        s.startswith("cnaf_") for s in scopes[2:]
    )
    assert not any(s.startswith("dgfip_") for s in scopes)


def test_the_data_calls_run_in_the_callback_with_an_audit_row(cantine, standin):
    identified(cantine)
    assert standin.stats.requests["quotient_familial_france_connect"] == 1
    call = UpstreamCall.objects.get()
    assert call.endpoint == "quotient_familial_france_connect" and call.status_code == 200


def test_the_identified_citizen_sees_data_and_outcome(cantine, standin):
    citizen, _url = identified(cantine)
    step1 = citizen.client.get(citizen.url("etape-1")).content.decode()
    assert "Vous êtes identifié avec FranceConnect : Paul Louis DUPONT." in step1
    assert "Se déconnecter" in step1 and "S&#x27;identifier avec" not in step1
    citizen.post("etape-1", RESPONSABLE)
    citizen.post("etape-2", enfants(ENFANT_LEA))
    step3 = citizen.client.get(citizen.url("etape-3")).content.decode()
    assert re.search(r"Votre quotient familial CAF de février 2024 : 2\s?550\s€", step3)
    assert "Pierre DUPONT (10/01/2018)" in step3
    assert "ne sont pas affichées" not in step3
    assert "Nom de naissance : DUPONT" in step3
    assert "caf__nom_naissance" not in step3  # no identity to type
    response = citizen.post("etape-3", {"caf__choix": "recuperer"})
    assert response.status_code == 302, response.content.decode()[:3000]
    citizen.post("etape-4", FREQUENTATION)
    citizen.post("etape-6", {"attestation": "on"})
    recap = citizen.client.get(citizen.url("recapitulatif")).content.decode()
    assert "Tranche F — 4,60\u00a0€ par repas" in recap
    done = citizen.post("recapitulatif", {})
    # Submitting ends FranceConnect's session: session/end, then the receipt.
    target = urlsplit(done["Location"])
    assert target.path.endswith("/api/v2/session/end")
    back = requests.get(done["Location"], allow_redirects=False, timeout=5)
    done_path = urlsplit(back.headers["Location"])
    receipt_redirect = citizen.client.get(f"{done_path.path}?{done_path.query}")
    receipt = citizen.client.get(receipt_redirect["Location"]).content.decode()
    assert "Tranche F — 4,60\u00a0€ par repas" in receipt
    submission = Submission.objects.get()
    assert submission.certified["sources"]["caf"]["verification"] == "verifie"
    assert (
        submission.certified["sources"]["caf"]["provenance"]["endpoint"]
        == "quotient_familial_france_connect"
    )


def test_an_account_without_caf_file_keeps_the_usual_section(cantine):
    citizen, _url = identified(cantine, NO_CAF)
    citizen.post("etape-1", RESPONSABLE)
    citizen.post("etape-2", enfants(ENFANT_LEA))
    step3 = citizen.client.get(citizen.url("etape-3")).content.decode()
    assert "Aucun dossier n&#x27;a été trouvé à votre nom" in step3
    assert "caf__nom_naissance" in step3  # the usual way stays open


def test_logout_drops_the_data(cantine):
    citizen, _url = identified(cantine)
    citizen.client.post(reverse("wagtail_passfamille:franceconnect_logout"), {"next": "/"})
    citizen.post("etape-1", RESPONSABLE)
    citizen.post("etape-2", enfants(ENFANT_LEA))
    step3 = citizen.client.get(citizen.url("etape-3")).content.decode()
    assert "2\u00a0550" not in step3 and "caf__nom_naissance" in step3


def test_obligatoire_shows_only_the_button(cantine):
    cantine.france_connect = "obligatoire"
    cantine.save_revision().publish()
    citizen = Citizen(cantine)
    page = citizen.start().content.decode()
    assert "Cette démarche demande de vous identifier avec FranceConnect." in page
    assert 'class="pf-form"' not in page and "pf-franceconnect__button" in page
    refused = citizen.post("etape-1", RESPONSABLE)
    assert refused.status_code == 302 and not Submission.objects.exists()
