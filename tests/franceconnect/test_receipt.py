"""FranceConnect offered to an anonymous citizen on the recap and the receipt, to see their tariff
now: once identified, the outcome computed with their own file is shown; before, nothing."""

from django.urls import reverse

from tests.demarches.helpers import Citizen

from .test_views import CALLBACK, DUPONT, _at_franceconnect

TARIFF = "Tranche F — 4,60\u00a0€ par repas"
WITHHELD = "seront calculés à partir des données certifiées"
OFFER = "S'identifier avec FranceConnect pour voir votre tarif maintenant"


def login_from(client, page, next_url, account=DUPONT):
    response = client.post(
        reverse("wagtail_passfamille:franceconnect_login", args=[page.pk]), {"next": next_url}
    )
    query = _at_franceconnect(response["Location"], account)
    back = client.get(f"{CALLBACK}?{query}")
    assert back.status_code == 302 and back["Location"] == next_url
    return client.get(next_url).content.decode()


def anonymous_receipt(cantine):
    citizen = Citizen(cantine)
    citizen.fill_all()  # the staging's LEFEBVRE typed: CNAF, quotient familial 2550
    done = citizen.post("recapitulatif", {})
    receipt_url = done["Location"]
    return citizen, receipt_url, citizen.client.get(receipt_url).content.decode()


def test_the_anonymous_receipt_offers_franceconnect_and_shows_no_tariff(cantine):
    _citizen, _url, receipt = anonymous_receipt(cantine)
    assert WITHHELD in receipt and OFFER in receipt
    assert reverse("wagtail_passfamille:franceconnect_login", args=[cantine.pk]) in receipt
    assert "Tranche" not in receipt and "€" not in receipt


def test_identified_from_the_receipt_the_citizen_sees_their_tariff(cantine):
    citizen, url, _receipt = anonymous_receipt(cantine)
    receipt = login_from(citizen.client, cantine, url)
    assert "Vous êtes identifié avec FranceConnect : Paul Louis DUPONT." in receipt
    assert "Calculé dès maintenant avec les données de votre dossier" in receipt
    assert TARIFF in receipt and OFFER not in receipt


def test_an_identity_without_file_still_sees_no_tariff_on_the_receipt(cantine):
    citizen, url, _receipt = anonymous_receipt(cantine)
    receipt = login_from(citizen.client, cantine, url, "sans_dossier_caf")
    assert WITHHELD in receipt and "Tranche" not in receipt


def test_not_offered_when_the_demarche_does_not_propose_franceconnect(cantine):
    cantine.france_connect = "non_propose"
    cantine.save_revision().publish()
    _citizen, _url, receipt = anonymous_receipt(cantine)
    assert WITHHELD in receipt and OFFER not in receipt


def test_the_anonymous_recap_offers_franceconnect_and_then_shows_the_tariff(cantine):
    citizen = Citizen(cantine)
    citizen.fill_all()
    url = citizen.url("recapitulatif")
    recap = citizen.client.get(url).content.decode()
    assert WITHHELD in recap and "pf-franceconnect__button" in recap and "Tranche" not in recap
    recap = login_from(citizen.client, cantine, url)
    assert TARIFF in recap and WITHHELD not in recap


def test_an_anonymous_citizen_typing_the_identified_identity_sees_no_tariff(cantine):
    """The done-when's last part: DUPONT's identity typed instead of FranceConnect. The stand-in
    knows DUPONT on the FranceConnect route only: the typed identity « could not be verified »,
    and nothing of the file (quotient, children, tariff) is shown."""
    from tests.demarches.helpers import caf_identity

    dupont = caf_identity("DUPONT", ["PAUL", "LOUIS"], "M", 1962, 8, 24, commune="75107")
    citizen = Citizen(cantine)
    step3 = citizen.fill_all(identity=dupont)[2].content.decode()
    assert "n&#x27;ont pas pu être vérifiées" in step3
    for derived in ("Tranche", "€", "2\u00a0550", "PIERRE", "Pierre", "quotient familial CAF de"):
        assert derived not in step3
    assert "pf-franceconnect__button" in step3  # FranceConnect offered instead
