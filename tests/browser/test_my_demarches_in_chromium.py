"""« Mes démarches » in Chromium: identify with FranceConnect (the sandbox's stand-in) from the
page itself, save a démarche there without e-mail, find it listed, resume it.

Screenshots go to a temporary folder (or $PASSFAMILLE_SCREENSHOTS): look at them.
"""

from __future__ import annotations

import re

import pytest

from wagtail_passfamille.models import Draft

from .test_franceconnect_in_chromium import _field, fc_demo, fc_page, step_url  # noqa: F401

pytestmark = pytest.mark.browser

MY = "/passfamille/mes-demarches/"


def test_my_demarches_with_franceconnect(fc_page, fc_demo, sandbox, screenshots):  # noqa: F811
    from playwright.sync_api import expect

    page = fc_page
    shots = iter(range(1, 100))

    def shot(name):
        page.screenshot(path=str(screenshots / f"{next(shots):02d}-{name}.png"), full_page=True)

    page.goto(MY)
    expect(page.locator("h1")).to_have_text("Mes démarches")
    shot("anonyme")
    page.get_by_role("button", name="S'identifier avec FranceConnect").click()
    page.wait_for_url(re.compile(re.escape(sandbox.fc_issuer) + "/authorize"))
    page.get_by_role("button", name="DUPONT Paul Louis").click()
    page.wait_for_url(re.compile(re.escape(MY) + "$"))
    expect(page.locator("main")).to_contain_text("Aucune démarche enregistrée.")
    shot("identifie-vide")

    page.goto(fc_demo.url)
    page.wait_for_url(step_url("etape-1"))
    _field(page, "email").fill("paul.dupont@example.org")
    page.get_by_role("button", name="Enregistrer et reprendre plus tard").click()
    expect(page.locator("h1")).to_have_text("Enregistrer et reprendre plus tard")
    shot("enregistrer-identifie")
    page.get_by_role("button", name="Enregistrer dans Mes démarches").click()
    page.wait_for_url(re.compile(re.escape(MY) + "$"))
    expect(page.locator(".pf-my-demarches__list")).to_contain_text(fc_demo.title)
    shot("demarche-enregistree")
    assert Draft.objects.count() == 1

    page.get_by_role("button", name=re.compile("^Reprendre")).click()
    page.wait_for_url(step_url("etape-1"))
    expect(page.locator(".pf-messages")).to_contain_text("Vous reprenez votre démarche")
    expect(_field(page, "email")).to_have_value("paul.dupont@example.org")
    shot("reprise")
    assert Draft.objects.count() == 0

    # « Se déconnecter » from « Mes démarches »: back there, anonymous.
    page.goto(MY)
    page.get_by_role("button", name="Se déconnecter").click()
    page.wait_for_url(re.compile(re.escape(MY) + "$"))
    expect(page.get_by_role("button", name="S'identifier avec FranceConnect")).to_be_visible()
    shot("deconnecte")
