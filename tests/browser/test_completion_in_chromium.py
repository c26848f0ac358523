"""A citizen answers an « à compléter » request in Chromium, through the e-mailed link.

The page keeps the link's token out of other sites' Referer headers; with « no-referrer » a
browser posts the form with « Origin: null », which Django's CSRF check refuses (403).
"""

from __future__ import annotations

import pytest
from django.test import Client

from tests.demarches.helpers import Citizen
from wagtail_passfamille.backoffice.workflow import change_status
from wagtail_passfamille.models import CompletionRequest, Submission

from .conftest import new_page

pytestmark = pytest.mark.browser


def test_a_citizen_completes_an_application_in_chromium(
    browser_available, demo, chromium, live_server, screenshots
):
    citizen = Citizen(demo, Client())
    citizen.fill_all()
    citizen.post("recapitulatif", {})
    submission = Submission.objects.get()
    change_status(
        submission, "a_completer", comment="Précisez votre téléphone.", fields=["telephone"]
    )
    path = CompletionRequest.objects.get().public_url().split("://", 1)[-1]
    path = path[path.index("/passfamille/") :]

    context, page = new_page(chromium, live_server, javascript=False)
    page.goto(path)
    page.get_by_label("Téléphone").fill("01 23 45 67 89")
    page.screenshot(path=str(screenshots / "01-a-completer.png"), full_page=True)
    with page.expect_navigation():
        page.get_by_role("button", name="Envoyer le complément").click()
    page.screenshot(path=str(screenshots / "02-complement-envoye.png"), full_page=True)
    assert page.locator("h1").inner_text() == "Complément envoyé"
    context.close()
    submission.refresh_from_db()
    assert submission.status == "en_instruction"
    assert submission.answers["telephone"] == "+33123456789"
