"""« Enregistrer et reprendre plus tard »: saved encrypted, a single-use link e-mailed, resumed
the next day at the step where the citizen stopped, purged after 30 days."""

import datetime as dt
import re
import time
from contextlib import contextmanager
from unittest import mock

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from tests.demarches.helpers import (
    ENFANT_LEA,
    FREQUENTATION,
    LEFEBVRE,
    RESPONSABLE,
    Citizen,
    enfants,
)
from wagtail_passfamille.models import Draft, Submission
from wagtail_passfamille.security.private_storage import private_storage

DAY = 24 * 3600
MINIMAL_PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
LINK = re.compile(r"https?://\S+/passfamille/reprendre/(?P<token>[^/\s]+)/")


@contextmanager
def clock(offset):
    """The whole process ``offset`` seconds in the future (Fernet's clock and Django's)."""
    real_time, real_now = time.time, timezone.now
    with (
        mock.patch("time.time", lambda: real_time() + offset),
        mock.patch("django.utils.timezone.now", lambda: real_now() + dt.timedelta(seconds=offset)),
    ):
        yield


def save_at(citizen, slug, values=None, email="camille.durand@example.org"):
    """Press « Enregistrer et reprendre plus tard » on a step, then give the address."""
    response = citizen.post(slug, values or {}, raw={"passfamille_save_draft": "1"})
    assert response.status_code == 302, response.status_code
    save_url = response["Location"]
    page = citizen.client.get(save_url)
    assert page.status_code == 200
    return save_url, citizen.client.post(save_url, {"email": email})


def stopped_at_step_3(cantine):
    citizen = Citizen(cantine)
    citizen.start()
    citizen.post("etape-1", RESPONSABLE)
    citizen.post("etape-2", enfants(ENFANT_LEA))
    return citizen


def test_the_button_is_on_every_step_and_works_without_javascript(cantine):
    citizen = Citizen(cantine)
    for response in [citizen.start(), *[citizen.client.get(citizen.url("etape-1"))]]:
        html = response.content.decode()
        assert '<button type="submit"' in html and 'name="passfamille_save_draft"' in html
    citizen.fill_all()
    recap = citizen.client.get(citizen.url("recapitulatif")).content.decode()
    assert 'name="passfamille_save_draft"' in recap
    assert "Enregistrer et reprendre plus tard" in recap


def test_stop_at_step_3_resume_the_next_day_through_the_link_and_finish(cantine):
    citizen = stopped_at_step_3(cantine)
    typed = {**LEFEBVRE, "caf__nom_naissance": "LEFEBVRE"}
    _save_url, saved = save_at(citizen, "etape-3", typed)
    assert saved.status_code == 200
    sent = "Un lien pour reprendre votre démarche vient de vous être envoyé"
    assert sent in saved.content.decode()

    (message,) = mail.outbox
    assert message.to == ["camille.durand@example.org"]
    assert "restauration scolaire" in message.subject
    token = LINK.search(message.body)["token"]
    # Nothing the citizen answered travels in the e-mail.
    for answer in ("Durand", "Camille", "Léa", "LEFEBVRE", "2018", "Lilas", "06 12"):
        assert answer not in message.body and answer not in message.subject
    assert "une fois" in message.body

    # Stored encrypted, and only a hash of the token.
    draft = Draft.objects.get()
    assert token not in (draft.token_hash, draft.owner) and len(draft.token_hash) == 64
    with connection.cursor() as cursor:
        cursor.execute("SELECT data, token_hash FROM wagtail_passfamille_draft")
        raw_data, raw_hash = cursor.fetchone()
    assert raw_data.startswith("gAAAA") and "Léa" not in raw_data and token not in raw_hash

    # The next day, in another browser.
    with clock(DAY):
        other = Citizen(cantine, Client())
        url = reverse("wagtail_passfamille:draft_resume", args=[token])
        landing = other.client.get(url)
        assert landing.status_code == 200 and "Reprendre ma démarche" in landing.content.decode()
        assert landing["Referrer-Policy"] == "same-origin"
        assert Draft.objects.count() == 1  # a GET (a mail scanner) does not spend the link
        resumed = other.client.post(url)
        assert resumed.status_code == 302 and resumed["Location"].endswith("/etape-3/")
        other.instance = re.search(r"/([0-9a-f]{32})/etape-3/$", resumed["Location"])[1]
        step3 = other.client.get(resumed["Location"]).content.decode()
        assert "Vous reprenez votre démarche là où vous l&#x27;aviez laissée." in step3
        assert 'value="LEFEBVRE"' in step3  # what was typed on the step is kept
        assert Draft.objects.count() == 0
        assert other.post("etape-3", LEFEBVRE).status_code == 302
        assert other.post("etape-4", FREQUENTATION).status_code == 302
        assert other.post("etape-6", {"attestation": "on"}).status_code == 302
        done = other.post("recapitulatif", {})
        assert done.status_code == 302 and "confirmation" in done["Location"]
        # Single use: the link opens nothing a second time.
        again = Client().post(url)
        assert again.status_code == 404 and "déjà servi" in again.content.decode()

    submission = Submission.objects.get()
    assert submission.answers["prenom_demandeur"] == "Camille"
    assert submission.answers["enfants"][0]["prenom"] == "Léa"
    assert submission.certified["sources"]["caf"]["verification"] == "verifie"


def test_uploads_are_kept_with_the_draft_and_purged_after_30_days(cantine):
    citizen = stopped_at_step_3(cantine)
    citizen.post("etape-3", LEFEBVRE)
    citizen.post("etape-4", {**FREQUENTATION, "allergie": "on", "precision_allergie": "Arachide"})
    pdf = SimpleUploadedFile("pai.pdf", MINIMAL_PDF, "application/pdf")
    assert citizen.post("etape-5", {"certificat_medical": pdf}).status_code == 302
    save_at(citizen, "etape-6")
    draft = Draft.objects.get()
    (name,) = draft.file_names
    assert name.startswith("drafts/") and private_storage().exists(name)
    # Twenty-nine days on, nothing is purged; thirty-one days on, the draft and its file are.
    with clock(29 * DAY):
        call_command("passfamille_purge", verbosity=0)
    assert Draft.objects.count() == 1
    token = LINK.search(mail.outbox[0].body)["token"]
    with clock(31 * DAY):
        expired = Client().get(reverse("wagtail_passfamille:draft_resume", args=[token]))
        assert expired.status_code == 410 and "expiré" in expired.content.decode()
        call_command("passfamille_purge", verbosity=0)
    assert Draft.objects.count() == 0 and not private_storage().exists(name)


def test_a_resumed_upload_reaches_the_submission(cantine):
    citizen = stopped_at_step_3(cantine)
    citizen.post("etape-3", LEFEBVRE)
    citizen.post("etape-4", {**FREQUENTATION, "allergie": "on", "precision_allergie": "Arachide"})
    pdf = SimpleUploadedFile("pai.pdf", MINIMAL_PDF, "application/pdf")
    citizen.post("etape-5", {"certificat_medical": pdf})
    save_at(citizen, "etape-6")
    token = LINK.search(mail.outbox[0].body)["token"]
    other = Citizen(cantine, Client())
    resumed = other.client.post(reverse("wagtail_passfamille:draft_resume", args=[token]))
    assert resumed["Location"].endswith("/etape-6/")
    other.instance = re.search(r"/([0-9a-f]{32})/etape-6/$", resumed["Location"])[1]
    other.post("etape-6", {"attestation": "on"})
    recap = other.client.get(other.url("recapitulatif")).content.decode()
    assert "pai.pdf" in recap
    other.post("recapitulatif", {})
    submission = Submission.objects.get()
    assert submission.files.get().original_name == "pai.pdf"


def test_a_changed_demarche_keeps_what_applies_and_says_what_to_answer_again(cantine):
    citizen = stopped_at_step_3(cantine)
    save_at(citizen, "etape-3")
    token = LINK.search(mail.outbox[0].body)["token"]
    # A new revision: the children's step asks a new required question.
    steps = cantine.steps.raw_data
    enfants_step = steps[1]["value"]
    group = next(f for f in enfants_step["fields"] if f["type"] == "groupe")
    group["value"]["fields"].append(
        {
            "type": "texte_court",
            "id": "0d7e7c41-0000-4000-8000-000000000001",
            "value": {"label": "Médecin traitant", "name": "medecin", "required": True},
        }
    )
    cantine.steps = steps
    cantine.save_revision().publish()
    other = Citizen(cantine, Client())
    resumed = other.client.post(reverse("wagtail_passfamille:draft_resume", args=[token]))
    step = other.client.get(resumed["Location"], follow=True)
    html = step.content.decode()
    assert step.redirect_chain[-1][0].endswith("/etape-2/")  # no step ahead of an invalid one
    assert "La démarche a été modifiée depuis que vous l&#x27;avez enregistrée" in html
    assert "répondez de nouveau à : « Enfants à inscrire » (Médecin traitant)." in html
    assert "Quotient familial" not in re.search(r"La démarche a été modifiée[^<]*", html)[0]
    assert 'value="Léa"' in html  # the answers that still apply are kept


def test_a_wrong_address_is_said_in_french_and_nothing_is_saved(cantine):
    citizen = stopped_at_step_3(cantine)
    _url, response = save_at(citizen, "etape-3", email="pas-une-adresse")
    html = response.content.decode()
    assert response.status_code == 200 and "Saisissez une adresse e-mail valide" in html
    assert Draft.objects.count() == 0 and not mail.outbox


def test_the_e_mails_are_rate_limited(cantine, settings):
    settings.WAGTAIL_PASSFAMILLE_DRAFT_EMAIL_LIMIT_PER_ADDRESS = (2, 3600)
    citizen = stopped_at_step_3(cantine)
    save_url, _first = save_at(citizen, "etape-3")
    assert citizen.client.post(save_url, {"email": "camille.durand@example.org"}).status_code == 200
    third = citizen.client.post(save_url, {"email": "Camille.Durand@example.org"})
    assert third.status_code == 429 and "Trop de liens" in third.content.decode()
    assert len(mail.outbox) == 2 and Draft.objects.count() == 2


def test_no_draft_without_its_e_mail(cantine, settings):
    settings.EMAIL_BACKEND = "tests.demarches.failing_email.FailingBackend"
    citizen = stopped_at_step_3(cantine)
    _url, response = save_at(citizen, "etape-3")
    assert response.status_code == 503 and "incident technique" in response.content.decode()
    assert Draft.objects.count() == 0


def test_an_expired_wizard_or_a_forged_link_gives_a_french_page(cantine):
    url = reverse("wagtail_passfamille:draft_save", args=[cantine.pk, "0" * 32])
    response = Client().get(url)
    assert response.status_code == 302 and response["Location"] == cantine.url
    forged = Client().post(reverse("wagtail_passfamille:draft_resume", args=["x" * 43]))
    assert forged.status_code == 404 and "Lien indisponible" in forged.content.decode()


@pytest.mark.parametrize("language", ["fr", "en"])
def test_the_e_mail_speaks_the_citizen_language(cantine, language):
    citizen = stopped_at_step_3(cantine)
    citizen.client.cookies["django_language"] = language
    save_at(citizen, "etape-3")
    body = mail.outbox[0].body
    if language == "en":
        assert "only once" in body and "Bonjour" not in body
    else:
        assert "ne sert qu'une fois" in body


@pytest.fixture
def old_key(settings, tmp_path):
    """A Fernet key and a private storage of its own, set before the démarche is seeded."""
    from cryptography.fernet import Fernet

    settings.WAGTAIL_PASSFAMILLE_FILE_STORAGE = {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": str(tmp_path / "private")},
    }
    key = Fernet.generate_key().decode()
    settings.WAGTAIL_PASSFAMILLE_ENCRYPTION_KEYS = [key]
    return key


def test_key_rotation_reencrypts_the_drafts(old_key, cantine, settings, capsys):
    from cryptography.fernet import Fernet

    citizen = stopped_at_step_3(cantine)
    save_at(citizen, "etape-3")
    new_key = Fernet.generate_key().decode()
    settings.WAGTAIL_PASSFAMILLE_ENCRYPTION_KEYS = [new_key, old_key]
    call_command("passfamille_rotate_keys")
    assert "wagtail_passfamille.Draft.data : 1 rechiffrée(s)" in capsys.readouterr().out
    settings.WAGTAIL_PASSFAMILLE_ENCRYPTION_KEYS = [new_key]
    assert Draft.objects.get().data["step_data"]
