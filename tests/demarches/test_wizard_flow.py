"""A citizen completes the canteen démarche step by step, with the Django test client."""

import re

import pytest
from django.core import mail
from django_tasks import default_task_backend

from wagtail_passfamille.citizen.uploads import private_storage
from wagtail_passfamille.models import Submission
from wagtail_passfamille.tasks import send_acknowledgement

from .helpers import ENFANT_LEA, FREQUENTATION, LEFEBVRE, RESPONSABLE, Citizen, enfants


def test_happy_path_to_the_receipt(cantine):
    citizen = Citizen(cantine)
    first = citizen.start()
    assert first.status_code == 200
    html = first.content.decode()
    # The PAI step may appear once allergies are answered: no total yet (it would jump).
    assert "Étape 1<" in html and "Étape 1 sur" not in html
    assert "Responsable légal" in html

    for response in citizen.fill_all():
        assert response.status_code == 302, response.content.decode()[:2000]

    recap = citizen.client.get(citizen.url("recapitulatif"))
    text = recap.content.decode()
    assert recap.status_code == 200
    assert "Récapitulatif de votre demande" in text
    assert "Léa" in text and "Végétarien" in text and "06 12 34 56 78" in text
    assert "Projet d'accueil" not in text

    done = citizen.post("recapitulatif", {})
    assert done.status_code == 302
    assert done["Location"].endswith(f"/{citizen.instance}/confirmation/")
    submission = Submission.objects.get()
    assert re.fullmatch(r"CANT-20\d\d-000001", submission.reference)
    assert submission.status == "recue"
    assert submission.answers["nom_demandeur"] == "Durand"
    assert submission.answers["telephone"] == "+33612345678"
    assert submission.answers["enfants"] == [{**ENFANT_LEA, "date_naissance": "2018-05-14"}]
    assert submission.answers["adresse"]["code_postal"] == "99000"
    assert submission.contact_email == "camille.durand@example.org"
    assert "precision_allergie" not in submission.answers
    assert [s["title"] for s in submission.form_snapshot] == [
        "Responsable légal",
        "Enfants à inscrire",
        "Quotient familial",
        "Fréquentation",
        "Engagement",
    ]

    receipt = citizen.client.get(done["Location"])
    assert receipt.status_code == 200
    assert submission.reference in receipt.content.decode()
    assert "Service enfance de Démoville" in receipt.content.decode()


def test_acknowledgement_is_queued_after_commit_and_sent_by_the_task(
    cantine, django_capture_on_commit_callbacks
):
    default_task_backend.clear()
    citizen = Citizen(cantine)
    citizen.fill_all()
    with django_capture_on_commit_callbacks(execute=True):
        citizen.post("recapitulatif", {})
    submission = Submission.objects.get()
    queued = [r for r in default_task_backend.results if r.task.name == "send_acknowledgement"]
    assert [r.args for r in queued] == [[submission.pk, 1]]
    assert mail.outbox == []  # nothing sent inside the request

    assert send_acknowledgement.call(submission.pk, 1) == "sent"
    (message,) = mail.outbox
    assert message.to == ["camille.durand@example.org"]
    assert submission.reference in message.subject
    assert "Inscription à la restauration scolaire 2026-2027" in message.body
    assert "Ville de Démoville" in message.body
    assert "L112-11" in message.body
    assert "Léa" not in message.body and "Durand" not in message.body


def test_an_smtp_failure_leaves_exactly_one_submission(
    cantine, settings, django_capture_on_commit_callbacks
):
    settings.EMAIL_BACKEND = "tests.demarches.failing_email.FailingBackend"
    default_task_backend.clear()
    citizen = Citizen(cantine)
    citizen.fill_all()
    with django_capture_on_commit_callbacks(execute=True):
        response = citizen.post("recapitulatif", {})
    assert response.status_code == 302
    submission = Submission.objects.get()
    assert send_acknowledgement.call(submission.pk, 1) == "retry"
    retries = [r for r in default_task_backend.results if r.args == [submission.pk, 2]]
    assert len(retries) == 1 and retries[0].task.run_after is not None
    assert Submission.objects.count() == 1


def test_a_declared_allergy_shows_the_pai_step_and_its_answers_are_kept(cantine):
    citizen = Citizen(cantine)
    citizen.start()
    citizen.post("etape-1", RESPONSABLE)
    citizen.post("etape-2", enfants(ENFANT_LEA))
    citizen.post("etape-3", LEFEBVRE)
    response = citizen.post(
        "etape-4", {**FREQUENTATION, "allergie": "on", "precision_allergie": "Arachide"}
    )
    assert response["Location"].endswith("/etape-5/")
    page = citizen.client.get(response["Location"]).content.decode()
    assert "Étape 5 sur 7" in page and "Projet d&#x27;accueil individualisé" in page
    assert "Un PAI est établi avec le médecin scolaire" in page  # an information block
    citizen.post("etape-5", {})
    citizen.post("etape-6", {"attestation": "on"})
    citizen.post("recapitulatif", {})
    answers = Submission.objects.get().answers
    assert answers["allergie"] is True
    assert answers["precision_allergie"] == "Arachide"


def test_answers_of_a_step_hidden_afterwards_are_dropped(cantine):
    citizen = Citizen(cantine)
    citizen.start()
    citizen.post("etape-1", RESPONSABLE)
    citizen.post("etape-2", enfants(ENFANT_LEA))
    citizen.post("etape-3", LEFEBVRE)
    citizen.post("etape-4", {**FREQUENTATION, "allergie": "on", "precision_allergie": "Arachide"})
    citizen.post("etape-5", {})
    # Back to "Fréquentation": no more allergy, so the PAI step disappears.
    response = citizen.post("etape-4", FREQUENTATION)
    assert response["Location"].endswith("/etape-6/")
    citizen.post("etape-6", {"attestation": "on"})
    citizen.post("recapitulatif", {})
    submission = Submission.objects.get()
    assert "precision_allergie" not in submission.answers
    assert "certificat_medical" not in submission.answers
    assert "Projet d'accueil individualisé (PAI)" not in [
        s["title"] for s in submission.form_snapshot
    ]


def test_a_field_hidden_by_a_same_step_condition_is_ignored_and_required_when_shown(cantine):
    citizen = Citizen(cantine)
    citizen.start()
    citizen.post("etape-1", RESPONSABLE)
    citizen.post("etape-2", enfants(ENFANT_LEA))
    citizen.post("etape-3", LEFEBVRE)
    # Shown (allergy ticked) but empty: required.
    response = citizen.post("etape-4", {**FREQUENTATION, "allergie": "on"})
    assert response.status_code == 200
    assert "Précisez l&#x27;allergie : Ce champ est obligatoire." in response.content.decode()
    # Hidden (not ticked) but posted anyway: ignored.
    response = citizen.post("etape-4", {**FREQUENTATION, "precision_allergie": "Arachide"})
    assert response.status_code == 302
    citizen.post("etape-6", {"attestation": "on"})
    citizen.post("recapitulatif", {})
    assert "precision_allergie" not in Submission.objects.get().answers


def test_errors_are_listed_on_top_and_tied_to_their_fields(cantine):
    citizen = Citizen(cantine)
    citizen.start()
    response = citizen.post("etape-1", {**RESPONSABLE, "email": "pas-un-email", "telephone": "12"})
    html = response.content.decode()
    assert response.status_code == 200
    assert "<title>Erreur :" in html
    assert 'id="pf-error-summary"' in html and "Il y a 2 erreurs dans le formulaire" in html
    prefix = citizen.prefix("etape-1")
    field_id = f"id_{prefix}-email"
    assert f'href="#{field_id}"' in html
    assert re.search(
        rf'id="{field_id}"[^>]*aria-invalid="true"|aria-invalid="true"[^>]*id="{field_id}"', html
    )
    assert f'aria-describedby="{field_id}-error"' in html or f'{field_id}-error"' in html
    # What was typed is still there.
    assert 'value="Durand"' in html and 'value="3 rue des Lilas"' in html


def test_previous_button_keeps_what_was_typed(cantine):
    citizen = Citizen(cantine)
    citizen.start()
    citizen.post("etape-1", RESPONSABLE)
    response = citizen.post(
        "etape-2",
        enfants({**ENFANT_LEA, "prenom": "Noé", "date_naissance": ""}),
        raw={"wizard_goto_step": "etape-1"},
    )
    assert response["Location"].endswith("/etape-1/")
    back = citizen.client.get(citizen.url("etape-2")).content.decode()
    assert 'value="Noé"' in back
    assert "pf-error-summary" not in back  # coming back is not an error


def items_shown(html):
    """Group items on the page, not counting the blank one of the <template> (for JS)."""
    return re.sub(r"<template.*?</template>", "", html, flags=re.S).count('class="pf-group__item"')


def test_add_and_remove_children_without_javascript(cantine):
    citizen = Citizen(cantine)
    citizen.start()
    citizen.post("etape-1", RESPONSABLE)
    prefix = citizen.prefix("etape-2")
    added = citizen.post("etape-2", enfants(ENFANT_LEA), raw={"passfamille_add": "enfants"})
    html = added.content.decode()
    assert added.status_code == 200
    assert items_shown(html) == 2
    assert "pf-error-summary" not in html  # the step is not validated
    assert f'name="{prefix}-enfants-TOTAL_FORMS" value="2"' in html
    assert 'value="Léa"' in html

    removed = citizen.post(
        "etape-2",
        enfants(ENFANT_LEA, {**ENFANT_LEA, "prenom": "Noé"}),
        raw={"passfamille_remove": "enfants-0"},
    )
    html = removed.content.decode()
    assert items_shown(html) == 1
    assert 'value="Noé"' in html and 'value="Léa"' not in html


def test_the_group_is_bounded_whatever_the_management_form_says(cantine):
    citizen = Citizen(cantine)
    citizen.start()
    citizen.post("etape-1", RESPONSABLE)
    many = [dict(ENFANT_LEA, prenom=f"E{i}") for i in range(10)]
    response = citizen.post("etape-2", enfants(*many, total=100000))
    html = response.content.decode()
    assert response.status_code == 200
    assert items_shown(html) <= 6
    assert "pf-error-summary" in html
    adding = citizen.post(
        "etape-2", enfants(*many[:6], total=6), raw={"passfamille_add": "enfants"}
    )
    assert items_shown(adding.content.decode()) == 6


@pytest.mark.parametrize("slug", ["etape-4", "etape-6", "recapitulatif"])
def test_jumping_ahead_is_refused(cantine, slug):
    citizen = Citizen(cantine)
    citizen.start()
    citizen.post("etape-1", RESPONSABLE)
    assert citizen.client.get(citizen.url(slug))["Location"].endswith("/etape-2/")
    response = citizen.post(slug, {"attestation": "on"})
    assert response["Location"].endswith("/etape-2/")
    assert Submission.objects.count() == 0


def test_resubmission_gives_one_submission(cantine):
    citizen = Citizen(cantine)
    citizen.fill_all()
    first = citizen.post("recapitulatif", {})
    second = citizen.post("recapitulatif", {})
    refresh = citizen.client.get(citizen.url("recapitulatif"))
    assert Submission.objects.count() == 1
    assert first["Location"] == second["Location"] == refresh["Location"]


def test_two_tabs_never_mix(cantine):
    tab_a = Citizen(cantine)
    tab_a.start()
    tab_b = Citizen(cantine, client=tab_a.client)
    tab_b.start()
    assert tab_a.instance != tab_b.instance
    tab_a.post("etape-1", RESPONSABLE)
    tab_b.post("etape-1", {**RESPONSABLE, "nom_demandeur": "Martin"})
    page_a = tab_a.client.get(tab_a.url("etape-1")).content.decode()
    page_b = tab_b.client.get(tab_b.url("etape-1")).content.decode()
    assert 'value="Durand"' in page_a and 'value="Martin"' not in page_a
    assert 'value="Martin"' in page_b


def test_an_expired_instance_restarts_with_a_message(cantine, settings):
    citizen = Citizen(cantine)
    citizen.start()
    citizen.post("etape-1", RESPONSABLE)
    settings.WAGTAIL_PASSFAMILLE_WIZARD_LIFETIME = -1  # every stored token is now too old
    response = citizen.client.get(citizen.url("etape-2"), follow=True)
    assert response.status_code == 200
    html = response.content.decode()
    assert "Votre démarche a expiré" in html
    assert "Étape 1<" in html
    posted = citizen.post("etape-2", enfants(ENFANT_LEA))
    assert posted.status_code == 302 and posted["Location"] == cantine.url


def test_wizard_responses_are_never_cached(cantine):
    citizen = Citizen(cantine)
    response = citizen.start()
    assert "no-store" in response["Cache-Control"] and "private" in response["Cache-Control"]
    assert "no-store" in citizen.post("etape-1", {})["Cache-Control"]


def test_the_honeypot_stops_naive_bots(cantine):
    citizen = Citizen(cantine)
    citizen.fill_all()
    response = citizen.post("recapitulatif", {"site_web": "http://spam.example"})
    assert response.status_code == 200
    assert Submission.objects.count() == 0


def test_final_submits_are_limited_per_ip(cantine, settings):
    settings.WAGTAIL_PASSFAMILLE_SUBMIT_LIMIT_PER_IP = (1, 3600)
    first = Citizen(cantine)
    first.fill_all()
    first.post("recapitulatif", {})
    second = Citizen(cantine)
    second.fill_all()
    response = second.post("recapitulatif", {})
    assert response.status_code == 429
    assert "Vos réponses sont conservées" in response.content.decode()
    assert Submission.objects.count() == 1


MINIMAL_PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def files_under(root, prefix):
    return sorted(p.name for p in (root / prefix).glob("*")) if (root / prefix).exists() else []


def test_a_justificatif_goes_to_private_storage_under_a_random_name(cantine, private_dir):
    from django.core.files.uploadedfile import SimpleUploadedFile

    citizen = Citizen(cantine)
    citizen.start()
    citizen.post("etape-1", RESPONSABLE)
    citizen.post("etape-2", enfants(ENFANT_LEA))
    citizen.post("etape-3", LEFEBVRE)
    citizen.post("etape-4", {**FREQUENTATION, "allergie": "on", "precision_allergie": "Gluten"})
    upload = SimpleUploadedFile("../../certificat Léa.pdf", MINIMAL_PDF, "image/png")
    assert citizen.post("etape-5", {"certificat_medical": upload}).status_code == 302
    assert len(files_under(private_dir, "wizard")) == 1
    # Coming back to the step shows the file and does not ask for it again.
    page = citizen.client.get(citizen.url("etape-5")).content.decode()
    assert "Fichier joint : certificat Léa.pdf" in page
    again = citizen.post("etape-5", {})
    assert again.status_code == 302, again.content.decode()[-3000:]
    citizen.post("etape-6", {"attestation": "on"})
    assert "certificat Léa.pdf" in citizen.client.get(citizen.url("recapitulatif")).content.decode()
    citizen.post("recapitulatif", {})

    submission = Submission.objects.get()
    (stored,) = submission.files.all()
    assert stored.field_name == "certificat_medical"
    assert stored.content_type == "application/pdf"  # the content decides, not the browser
    assert stored.original_name == "certificat Léa.pdf"
    assert re.fullmatch(r"submissions/[0-9a-f]{32}\.pdf", stored.storage_name)
    assert not (private_dir / stored.storage_name).read_bytes().startswith(b"%PDF")  # encrypted
    with private_storage().open(stored.storage_name) as handle:
        assert handle.read() == MINIMAL_PDF
    assert files_under(private_dir, "wizard") == []  # the wizard's copy is gone


def test_a_disguised_file_is_refused_in_french_and_the_rest_is_kept(cantine, private_dir):
    from django.core.files.uploadedfile import SimpleUploadedFile

    citizen = Citizen(cantine)
    citizen.start()
    citizen.post("etape-1", RESPONSABLE)
    citizen.post("etape-2", enfants(ENFANT_LEA))
    citizen.post("etape-3", LEFEBVRE)
    citizen.post("etape-4", {**FREQUENTATION, "allergie": "on", "precision_allergie": "Gluten"})
    svg = SimpleUploadedFile("photo.png", b"<svg xmlns='http://www.w3.org/2000/svg'/>", "image/png")
    response = citizen.post("etape-5", {"certificat_medical": svg})
    assert response.status_code == 200
    assert "Ce type de fichier n&#x27;est pas accepté" in response.content.decode()
    assert files_under(private_dir, "wizard") == []
