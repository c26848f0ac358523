"""The démarche's own identity fields (applicant's name, first name…) are filled from
FranceConnect and read-only for the identified citizen, on the server too, with the way to
report an error; anonymous citizens type them as before."""

import datetime as dt
import re

from django.urls import reverse

from tests.demarches.helpers import ENFANT_LEA, FREQUENTATION, RESPONSABLE, Citizen, enfants
from wagtail_passfamille.citizen.franceconnect import identity_fields
from wagtail_passfamille.models import Submission

from .test_identified import identified
from .test_views import _at_franceconnect, _start

CALLBACK = "/passfamille/franceconnect/callback/"


def inputs(page, name):
    return re.search(rf'<input[^>]*name="{re.escape(name)}"[^>]*>', page).group(0)


def test_the_identity_fields_are_filled_and_read_only(cantine):
    citizen, _url = identified(cantine)
    page = citizen.client.get(citizen.url("etape-1")).content.decode()
    prefix = citizen.prefix("etape-1")
    nom = inputs(page, f"{prefix}-nom_demandeur")
    assert 'value="DUPONT"' in nom and "readonly" in nom
    prenom = inputs(page, f"{prefix}-prenom_demandeur")
    assert 'value="Paul"' in prenom and "readonly" in prenom
    email = inputs(page, f"{prefix}-email")
    assert "readonly" not in email  # not an identity field
    assert "Transmis par FranceConnect : ne peut pas être modifié ici." in page
    assert 'id="pf-signaler-erreur"' in page
    assert 'href="mailto:enfance@demoville.example?subject=' in page
    assert "Signaler une erreur au service (e-mail à enfance@demoville.example)" in page


def test_a_different_value_posted_is_ignored(cantine):
    citizen, _url = identified(cantine)
    assert citizen.post("etape-1", RESPONSABLE).status_code == 302  # « Durand », « Camille »
    page = citizen.client.get(citizen.url("etape-1")).content.decode()
    assert 'value="DUPONT"' in inputs(page, f"{citizen.prefix('etape-1')}-nom_demandeur")
    citizen.post("etape-2", enfants(ENFANT_LEA))
    citizen.post("etape-3", {"caf__choix": "recuperer"})
    citizen.post("etape-4", FREQUENTATION)
    citizen.post("etape-6", {"attestation": "on"})
    recap = citizen.client.get(citizen.url("recapitulatif")).content.decode()
    assert "<dd>DUPONT</dd>" in recap and "<dd>Paul</dd>" in recap and ">Camille<" not in recap
    citizen.post("recapitulatif", {})
    answers = Submission.objects.get().answers
    assert answers["nom_demandeur"] == "DUPONT" and answers["prenom_demandeur"] == "Paul"


def test_answers_typed_before_the_login_take_the_identity(cantine):
    citizen = Citizen(cantine)
    citizen.start()
    citizen.post("etape-1", RESPONSABLE)
    query = _at_franceconnect(_start(citizen.client, cantine))
    response = citizen.client.get(f"{CALLBACK}?{query}")
    assert response.status_code == 302
    page = citizen.client.get(citizen.url("etape-1")).content.decode()
    assert 'value="DUPONT"' in inputs(page, f"{citizen.prefix('etape-1')}-nom_demandeur")
    assert 'value="camille.durand@example.org"' in page  # the rest is kept


def test_anonymous_citizens_type_them(cantine):
    citizen = Citizen(cantine)
    page = citizen.start().content.decode()
    assert "readonly" not in inputs(page, f"{citizen.prefix('etape-1')}-nom_demandeur")
    assert "pf-signaler-erreur" not in page
    citizen.post("etape-1", RESPONSABLE)
    page = citizen.client.get(citizen.url("etape-1")).content.decode()
    assert 'value="Durand"' in inputs(page, f"{citizen.prefix('etape-1')}-nom_demandeur")


def test_after_logout_the_fields_can_be_changed_again(cantine):
    citizen, _url = identified(cantine)
    citizen.post("etape-1", RESPONSABLE)
    citizen.client.post(reverse("wagtail_passfamille:franceconnect_logout"), {"next": "/"})
    page = citizen.client.get(citizen.url("etape-1")).content.decode()
    nom = inputs(page, f"{citizen.prefix('etape-1')}-nom_demandeur")
    assert "readonly" not in nom and 'value="DUPONT"' in nom
    citizen.post("etape-1", RESPONSABLE)
    page = citizen.client.get(citizen.url("etape-1")).content.decode()
    assert 'value="Durand"' in inputs(page, f"{citizen.prefix('etape-1')}-nom_demandeur")


CLAIMS = {
    "given_name": "Paul Louis",
    "given_name_array": ["Paul", "Louis"],
    "family_name": "DUPONT",
    "birthdate": "1962-08-24",
}


def test_each_autocomplete_token_takes_its_part_of_the_identity():
    assert identity_fields.value_for("family-name", CLAIMS) == "DUPONT"
    assert identity_fields.value_for("family-name", {**CLAIMS, "preferred_username": "MARTIN"}) == (
        "MARTIN"
    )
    assert identity_fields.value_for("given-name", CLAIMS) == "Paul"
    assert identity_fields.value_for("additional-name", CLAIMS) == "Louis"
    assert identity_fields.value_for("name", CLAIMS) == "Paul Louis DUPONT"
    assert identity_fields.value_for("bday", CLAIMS) == dt.date(1962, 8, 24)
    assert identity_fields.value_for("bday", {**CLAIMS, "birthdate": "1962-00-00"}) is None
    assert identity_fields.value_for("email", CLAIMS) is None


def test_a_birth_date_is_locked_in_its_three_inputs():
    from django.http import QueryDict

    posted = QueryDict("s1-naissance_0=1&s1-naissance_1=2&s1-naissance_2=1999&s1-autre=x")
    locked = identity_fields.locked_data(posted, "s1", {"naissance": dt.date(1962, 8, 24)})
    assert locked.getlist("s1-naissance") == ["1962-08-24"]
    assert "s1-naissance_0" not in locked and locked["s1-autre"] == "x"


def test_the_service_email_is_found_in_its_contact_text():
    contact = "Service enfance\n1 place de la Mairie\nenfance@demoville.example — 01 23 45 67 89"
    assert identity_fields.report_email(contact) == "enfance@demoville.example"
    assert identity_fields.report_email("Mairie, 01 23 45 67 89") == ""
