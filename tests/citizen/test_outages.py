"""A database that drops while a step is saved: the « incident technique » message and the
answers kept on the page, never the site's 400 page."""

from unittest import mock

from django.contrib.sessions.models import Session
from django.db import OperationalError

from tests.demarches.helpers import ENFANT_LEA, RESPONSABLE, Citizen, enfants


def test_a_session_that_cannot_be_saved_keeps_the_posted_answers(cantine):
    citizen = Citizen(cantine)
    citizen.start()
    assert citizen.post("etape-1", RESPONSABLE).status_code == 302
    with mock.patch.object(Session, "save", side_effect=OperationalError("connection lost")):
        response = citizen.post("etape-2", enfants({**ENFANT_LEA, "prenom": "Zoé"}))
    assert response.status_code == 503
    html = response.content.decode()
    assert "incident technique" in html
    assert "incomplet ou trop volumineux" not in html
    assert 'value="Zoé"' in html  # what was typed is still in the inputs
    assert "Enfants à inscrire" in html
    # The retry, once the database is back, goes on from there.
    retry = citizen.post("etape-2", enfants({**ENFANT_LEA, "prenom": "Zoé"}))
    assert retry.status_code == 302 and retry["Location"].endswith("/etape-3/")


def test_a_database_drop_during_a_lookup_step_keeps_the_posted_answers(cantine, sandbox):
    """The drop hits the lookup's audit rows: the « incident » page with the identity typed,
    never a 500 turned into the 400 page by the session middleware."""
    from tests.demarches.helpers import LEFEBVRE
    from wagtail_passfamille.models import UpstreamCall

    citizen = Citizen(cantine)
    citizen.start()
    citizen.post("etape-1", RESPONSABLE)
    citizen.post("etape-2", enfants(ENFANT_LEA))
    drop = OperationalError("connection lost")
    with mock.patch.object(UpstreamCall.objects, "bulk_create", side_effect=drop):
        response = citizen.post("etape-3", LEFEBVRE)
    assert response.status_code == 503
    html = response.content.decode()
    assert "incident technique" in html and "incomplet ou trop volumineux" not in html
    assert 'value="LEFEBVRE"' in html
    retry = citizen.post("etape-3", LEFEBVRE)
    assert retry.status_code == 302 and retry["Location"].endswith("/etape-4/")
