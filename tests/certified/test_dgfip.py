"""The DGFiP block (API Impôt particulier) in the demo's Pass Famille 2027."""

import pytest

from tests.demarches.helpers import Citizen
from wagtail_passfamille.models import Submission

from .helpers import DEMANDEUR, dgfip, pass_famille_until_recap


@pytest.mark.parametrize(
    "typed",
    ["3999999999901", "3999 9999 99901", "3999\u00a09999\u00a099901", "3999\u202f999999901"],
)
def test_the_tax_situation_is_verified_and_never_shown(pass_famille, sandbox, typed):
    citizen, step = pass_famille_until_recap(pass_famille, typed)
    assert step.status_code == 302
    html = citizen.client.get(citizen.url("recapitulatif")).content.decode()
    assert "Informations récupérées auprès de l&#x27;administration fiscale ✓" in html
    for value in ("28450", "28 450", "28\u202f450", "3999999999901"):
        assert value not in html
    citizen.post("recapitulatif", {})
    submission = Submission.objects.get()
    dgfip_data = submission.certified_record.get("dgfip")
    assert submission.verification == "verifie"
    assert dgfip_data.fields["revenu_fiscal_reference"] == 28450
    assert dgfip_data.fields["nombre_parts"] == "1.0"
    assert dgfip_data.fields["annee_revenus"] == 2024  # "dernier avis disponible"
    assert not dgfip_data.kept_identifiers  # not kept after verification by default
    assert "3999999999901" not in str(submission.certified)
    assert "situation_famille" not in dgfip_data.fields  # not ticked


def test_the_numero_fiscal_is_kept_only_when_the_demarche_says_so(pass_famille, sandbox):
    pass_famille.keep_numero_fiscal = True
    pass_famille.save_revision().publish()
    citizen, _step = pass_famille_until_recap(pass_famille)
    citizen.post("recapitulatif", {})
    record = Submission.objects.get().certified_record.get("dgfip")
    assert record.kept_identifiers == {"numero_fiscal": "3999999999901"}


@pytest.mark.parametrize(
    "typed",
    [
        "１２３４５６７８９０１２３",
        "١٢٣٤٥٦٧٨٩٠١٢٣",
        "399999999990",
        "39999999999011",
        "3999999999O01",
    ],
)
def test_malformed_numeros_fiscaux_are_refused_before_any_request(pass_famille, sandbox, typed):
    citizen = Citizen(pass_famille)
    citizen.start()
    citizen.post("etape-1", DEMANDEUR)
    response = citizen.post("etape-2", dgfip(typed))
    assert response.status_code == 200
    assert "Le numéro fiscal compte 13 chiffres" in response.content.decode()
    assert sandbox.stats.total == 0


def test_no_tax_file_offers_the_avis(pass_famille, sandbox):
    citizen = Citizen(pass_famille)
    citizen.start()
    citizen.post("etape-1", DEMANDEUR)
    response = citizen.post("etape-2", dgfip("3999999999908"))
    assert response.status_code == 200
    html = response.content.decode()
    assert "n&#x27;ont pas pu être vérifiées auprès de l&#x27;administration fiscale" in html
