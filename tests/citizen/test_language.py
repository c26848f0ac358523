"""Form classes are shared by a process's visitors: none may freeze its visitor's language."""

from django.test import Client

from tests.demarches.helpers import ENFANT_LEA, RESPONSABLE, Citizen, enfants


def reach_quotient_familial(page, language):
    citizen = Citizen(page, Client(HTTP_ACCEPT_LANGUAGE=language))
    citizen.start()
    citizen.post("etape-1", RESPONSABLE)
    citizen.post("etape-2", enfants(ENFANT_LEA))
    return citizen.client.get(citizen.url("etape-3")).content.decode()


def test_a_french_citizen_never_sees_english_after_an_english_visitor(cantine):
    english = reach_quotient_familial(cantine, "en")
    assert "Get my information directly from the CAF or MSA" in english
    assert "Only if you prefer to provide a supporting document." in english

    french = reach_quotient_familial(cantine, "fr")
    assert "Récupérer mes informations directement auprès de la CAF ou de la MSA" in french
    assert "Seulement si vous préférez fournir un justificatif." in french
    assert "Get my information" not in french
    assert "supporting document" not in french

    # And back: the first French visitor does not stick either.
    assert "Get my information directly from the CAF or MSA" in reach_quotient_familial(
        cantine, "en"
    )
