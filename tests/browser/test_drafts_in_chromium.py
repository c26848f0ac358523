"""The issue's done-when: a citizen stops at step 3 and saves (no JavaScript), comes back the
next day through the e-mailed link in another browser, and finishes.

Screenshots go to a temporary folder (or $PASSFAMILLE_SCREENSHOTS): look at them.
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

import pytest
from django.core import mail

from tests.citizen.test_drafts import DAY, LINK, clock
from wagtail_passfamille.models import Draft, Submission

from .conftest import new_page
from .test_demarche_in_chromium import MINIMAL_PDF, Walk, step_url

pytestmark = pytest.mark.browser


def test_stop_at_step_3_and_finish_the_next_day_through_the_e_mailed_link(
    browser_available, demo, chromium, live_server, screenshots
):
    context, page = new_page(chromium, live_server, javascript=False)
    walk = Walk(page, screenshots)
    expect = walk.expect
    walk.to_quotient_familial()
    walk.expect_step(3, None, "Quotient familial")
    walk.shot("etape-3-avant-enregistrement")

    # « Enregistrer et reprendre plus tard », without JavaScript.
    walk.press_button("Enregistrer et reprendre plus tard")
    expect(page.locator("h1")).to_have_text("Enregistrer et reprendre plus tard")
    walk.shot("enregistrer-adresse")
    email = page.get_by_label("Votre adresse e-mail")
    email.fill("camille.durand@example.org")
    walk.press_button("M'envoyer le lien")
    expect(page.locator("h1")).to_have_text("Démarche enregistrée")
    walk.shot("enregistree")
    context.close()

    (message,) = mail.outbox
    link = urlsplit(LINK.search(message.body)[0]).path
    assert Draft.objects.count() == 1

    # The next day, in another browser (JavaScript on this time).
    with clock(DAY):
        context, page = new_page(chromium, live_server)
        walk = Walk(page, screenshots)
        page.goto(link)
        expect(page.locator("h1")).to_have_text("Reprendre votre démarche")
        walk.shot("lien-reprendre")
        walk.press_button("Reprendre ma démarche", step_url("etape-3"))
        expect(page.locator(".pf-messages")).to_contain_text(
            "Vous reprenez votre démarche là où vous l'aviez laissée."
        )
        walk.expect_step(3, None, "Quotient familial")
        walk.shot("etape-3-reprise-le-lendemain")
        walk.quotient_familial()
        walk.press_button("Continuer", step_url("etape-4"))
        walk.frequentation()
        walk.press_button("Continuer", step_url("etape-5"))
        page.get_by_label("Certificat médical").set_input_files(
            {"name": "certificat.pdf", "mimeType": "application/pdf", "buffer": MINIMAL_PDF}
        )
        walk.press_button("Continuer", step_url("etape-6"))
        walk.engagement()
        walk.press_button("Continuer", step_url("recapitulatif"))
        for text in ("Camille", "Léa", "Végétarien", "Arachide", "certificat.pdf"):
            expect(page.locator("form")).to_contain_text(text)
        walk.shot("recapitulatif-apres-reprise")
        walk.press_button("Envoyer ma demande", re.compile(r"/confirmation/$"))
        expect(page.locator("h1")).to_have_text("Votre demande a bien été envoyée")
        walk.shot("accuse-de-reception")
        # The link served once.
        page.goto(link)
        expect(page.locator("h1")).to_have_text("Lien indisponible")
        walk.shot("lien-deja-servi")
        context.close()

    submission = Submission.objects.get()
    assert submission.answers["prenom_demandeur"] == "Camille"
    assert submission.answers["enfants"][0]["prenom"] == "Léa"
    assert Draft.objects.count() == 0


def test_a_file_attached_then_saved_in_the_same_post_is_there_after_resuming(
    browser_available, demo, chromium, live_server, screenshots
):
    """No JavaScript: the justificatif chosen and « Enregistrer et reprendre plus tard » pressed
    in one POST; a fake PDF first (refused, said), then a real one."""
    context, page = new_page(chromium, live_server, javascript=False)
    walk = Walk(page, screenshots)
    expect = walk.expect
    walk.to_quotient_familial()
    page.get_by_label("Je préfère fournir un justificatif").check()
    document = page.get_by_label("Attestation de quotient familial de moins de 3 mois")
    document.set_input_files(
        {"name": "attestation.pdf", "mimeType": "application/pdf", "buffer": b"<html></html>"}
    )
    walk.press_button("Enregistrer et reprendre plus tard", step_url("etape-3"))
    expect(page.locator(".pf-messages")).to_contain_text(
        "le fichier n'a pas été conservé. Ce type de fichier n'est pas accepté."
    )
    walk.shot("etape-3-faux-pdf-refuse")
    document.set_input_files(
        {"name": "attestation.pdf", "mimeType": "application/pdf", "buffer": MINIMAL_PDF}
    )
    walk.press_button("Enregistrer et reprendre plus tard")
    expect(page.locator("h1")).to_have_text("Enregistrer et reprendre plus tard")
    page.get_by_label("Votre adresse e-mail").fill("camille.durand@example.org")
    walk.press_button("M'envoyer le lien")
    expect(page.locator("h1")).to_have_text("Démarche enregistrée")
    context.close()

    link = urlsplit(LINK.search(mail.outbox[0].body)[0]).path
    context, page = new_page(chromium, live_server, javascript=False)
    walk = Walk(page, screenshots)
    page.goto(link)
    walk.press_button("Reprendre ma démarche", step_url("etape-3"))
    expect(page.locator("form")).to_contain_text("Fichier joint : attestation.pdf")
    walk.shot("etape-3-reprise-fichier-joint")
    walk.press_button("Continuer", step_url("etape-4"))
    context.close()
