"""A file attached on a step and sent with a button that does not validate the step
(« Enregistrer et reprendre plus tard », « Prolonger le délai », « Précédent ») in the same
POST, without JavaScript: checked as on « Continuer », then kept for the step."""

import re

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from tests.citizen.test_drafts import LINK, MINIMAL_PDF, save_at, stopped_at_step_3
from tests.demarches.helpers import FREQUENTATION, Citizen
from wagtail_passfamille.models import Draft, Submission
from wagtail_passfamille.security.private_storage import private_storage

ATTACHED = "Fichier joint : attestation.pdf"


@pytest.fixture(autouse=True)
def own_files(private_dir):
    """Citizens' files under this test's own directory: what is left there is this test's."""
    return private_dir


def wizard_files():
    """The names of the files the wizard's storage holds."""
    storage = private_storage()
    return set(storage.listdir("wizard")[1]) if storage.exists("wizard") else set()


def justificatif(content=MINIMAL_PDF, name="attestation.pdf"):
    upload = SimpleUploadedFile(name, content, "application/pdf")
    return {"caf__choix": "justificatif", "caf__justificatif": upload}


def resume(cantine, slug):
    """Open the e-mailed link in another browser; the citizen there, at ``slug``."""
    token = LINK.search(mail.outbox[-1].body)["token"]
    other = Citizen(cantine, Client())
    resumed = other.client.post(reverse("wagtail_passfamille:draft_resume", args=[token]))
    assert resumed.status_code == 302 and resumed["Location"].endswith(f"/{slug}/")
    other.instance = re.search(rf"/([0-9a-f]{{32}})/{slug}/$", resumed["Location"])[1]
    return other, other.client.get(resumed["Location"]).content.decode()


def finish_from_step_3(citizen):
    """« Continuer » on the CAF step without sending the file again, then to the receipt."""
    response = citizen.post("etape-3", {"caf__choix": "justificatif"})
    assert response.status_code == 302 and response["Location"].endswith("/etape-4/")
    assert citizen.post("etape-4", FREQUENTATION).status_code == 302
    assert citizen.post("etape-6", {"attestation": "on"}).status_code == 302
    done = citizen.post("recapitulatif", {})
    assert done.status_code == 302 and "confirmation" in done["Location"]
    return Submission.objects.get()


def test_a_file_sent_with_the_save_button_is_kept_in_the_draft(cantine):
    citizen = stopped_at_step_3(cantine)
    _url, saved = save_at(citizen, "etape-3", justificatif())
    assert saved.status_code == 200
    (name,) = Draft.objects.get().file_names
    assert private_storage().exists(name)

    other, step3 = resume(cantine, "etape-3")
    assert ATTACHED in step3
    assert 'value="justificatif"' in step3 and "pf-error-summary" not in step3
    submission = finish_from_step_3(other)
    stored = submission.files.get()
    assert stored.original_name == "attestation.pdf" and stored.content_type == "application/pdf"
    assert submission.certified["sources"]["caf"]["verification"] != "verifie"


def test_a_new_file_sent_with_the_save_button_replaces_the_earlier_one(cantine):
    citizen = stopped_at_step_3(cantine)
    citizen.post("etape-3", justificatif(name="ancienne.pdf"), raw={"passfamille_extend": "1"})
    earlier = wizard_files()
    save_at(citizen, "etape-3", justificatif())
    # The earlier file is deleted from the wizard's storage, not left behind.
    assert len(earlier) == 1 and not earlier & wizard_files()
    _other, step3 = resume(cantine, "etape-3")
    assert ATTACHED in step3 and "ancienne.pdf" not in step3


FAKE_PDF = b"<html><script>alert(1)</script></html>"


@pytest.mark.parametrize(
    "content, reason",
    [
        (FAKE_PDF, "Ce type de fichier n&#x27;est pas accepté. Formats acceptés : PDF, JPEG, PNG."),
        (MINIMAL_PDF + b"%" * 2048, "Le fichier dépasse la taille maximale de 1 Ko."),
    ],
    ids=["fake-pdf", "too-large"],
)
def test_a_refused_file_is_not_kept_and_the_step_says_why(cantine, settings, content, reason):
    settings.WAGTAIL_PASSFAMILLE_MAX_UPLOAD_SIZE = 1024
    citizen = stopped_at_step_3(cantine)
    typed = {**justificatif(content), "caf__nom_naissance": "LEFEBVRE"}
    response = citizen.post("etape-3", typed, raw={"passfamille_save_draft": "1"})
    # The step again, not the save page: the draft would lack the file.
    assert response.status_code == 302 and response["Location"] == citizen.url("etape-3")
    assert Draft.objects.count() == 0
    step3 = citizen.client.get(response["Location"]).content.decode()
    assert f"le fichier n&#x27;a pas été conservé. {reason}" in step3
    assert "Fichier joint" not in step3
    assert 'value="LEFEBVRE"' in step3  # what was typed is kept
    assert wizard_files() == set()
    # Pressing the button again saves the rest.
    _url, saved = save_at(citizen, "etape-3", {"caf__choix": "justificatif"})
    assert saved.status_code == 200 and Draft.objects.get().file_names == []


def test_a_refused_file_leaves_the_earlier_one_in_place(cantine):
    citizen = stopped_at_step_3(cantine)
    citizen.post("etape-3", justificatif(), raw={"passfamille_extend": "1"})
    refused = citizen.post(
        "etape-3", justificatif(FAKE_PDF, "autre.pdf"), raw={"passfamille_save_draft": "1"}
    )
    assert refused.status_code == 302 and refused["Location"] == citizen.url("etape-3")
    save_at(citizen, "etape-3", {"caf__choix": "justificatif"})
    other, step3 = resume(cantine, "etape-3")
    assert ATTACHED in step3
    assert finish_from_step_3(other).files.get().original_name == "attestation.pdf"


def test_a_file_sent_with_prolonger_le_delai_is_kept(cantine):
    citizen = stopped_at_step_3(cantine)
    response = citizen.post("etape-3", justificatif(), raw={"passfamille_extend": "1"})
    html = response.content.decode()
    assert response.status_code == 200 and "Délai prolongé" in html
    assert ATTACHED in html and "pf-error-summary" not in html
    assert ATTACHED in citizen.client.get(citizen.url("etape-3")).content.decode()
    assert finish_from_step_3(citizen).files.get().original_name == "attestation.pdf"


def test_a_refused_file_sent_with_prolonger_le_delai_is_said(cantine):
    citizen = stopped_at_step_3(cantine)
    response = citizen.post("etape-3", justificatif(FAKE_PDF), raw={"passfamille_extend": "1"})
    html = response.content.decode()
    assert response.status_code == 200 and "Délai prolongé" in html
    assert "le fichier n&#x27;a pas été conservé. Ce type de fichier n&#x27;est pas accepté" in html
    assert "Fichier joint" not in html


def test_a_file_sent_with_precedent_is_kept(cantine):
    citizen = stopped_at_step_3(cantine)
    response = citizen.post("etape-3", justificatif(), raw={"wizard_goto_step": "etape-2"})
    assert response.status_code == 302 and response["Location"].endswith("/etape-2/")
    assert ATTACHED in citizen.client.get(citizen.url("etape-3")).content.decode()
    assert finish_from_step_3(citizen).files.get().original_name == "attestation.pdf"


def test_a_refused_file_sent_with_precedent_is_said_on_the_earlier_step(cantine):
    citizen = stopped_at_step_3(cantine)
    back = citizen.post(
        "etape-3", justificatif(FAKE_PDF), raw={"wizard_goto_step": "etape-2"}, follow=True
    )
    html = back.content.decode()
    assert back.redirect_chain[-1][0].endswith("/etape-2/")
    assert "le fichier n&#x27;a pas été conservé. Ce type de fichier n&#x27;est pas accepté" in html
    assert "Fichier joint" not in citizen.client.get(citizen.url("etape-3")).content.decode()
