"""The whole FranceConnect login in Chromium against the sandbox's stand-in: the button (first,
« ou » below), the identity chooser, the way back identified, the identity and the CAF data shown
read-only, the tariff shown, the logout; and « Revenir sur le site » keeping the anonymous way.

Screenshots go to a temporary folder (or $PASSFAMILLE_SCREENSHOTS): look at them.
"""

from __future__ import annotations

import re

import pytest

from .conftest import new_page

pytestmark = pytest.mark.browser

CALLBACK = "/passfamille/franceconnect/callback/"
LOGOUT_DONE = "/passfamille/franceconnect/logout/done/"
STEP = r"/demarches/restauration-scolaire/[0-9a-f]{32}/{}/$"


def step_url(slug):
    return re.compile(STEP.replace("{}", slug))


@pytest.fixture
def fc_demo(demo, sandbox, settings, live_server):
    """The demo profile with the stand-in as its FranceConnect, the live server's addresses
    registered there (byte for byte, as FranceConnect wants)."""
    from wagtail_passfamille.citizen.franceconnect.client import forget_providers
    from wagtail_passfamille.sandbox import FC_CLIENT_ID, FC_CLIENT_SECRET

    profiles = {
        name: dict(values) for name, values in settings.WAGTAIL_PASSFAMILLE_CREDENTIALS.items()
    }
    profiles["demo"]["FRANCECONNECT"] = {
        "ISSUER": sandbox.fc_issuer,
        "CLIENT_ID": FC_CLIENT_ID,
        "CLIENT_SECRET": FC_CLIENT_SECRET,
    }
    settings.WAGTAIL_PASSFAMILLE_CREDENTIALS = profiles
    client = sandbox.franceconnect.clients[FC_CLIENT_ID]
    sandbox.franceconnect.register_client(
        FC_CLIENT_ID,
        FC_CLIENT_SECRET,
        [live_server.url + CALLBACK],
        [live_server.url + LOGOUT_DONE],
    )
    forget_providers()
    yield demo
    sandbox.franceconnect.clients[FC_CLIENT_ID] = client
    forget_providers()


@pytest.fixture
def fc_page(browser_available, fc_demo, chromium, live_server):
    context, page = new_page(chromium, live_server)
    yield page
    context.close()


def _field(page, name):
    return page.locator(f"[name$='-{name}']")


def _continue(page, slug):
    page.locator(".pf-actions").get_by_role("button", name="Continuer").click()
    page.wait_for_url(step_url(slug))


def test_login_with_franceconnect(fc_page, fc_demo, sandbox, screenshots):
    from playwright.sync_api import expect

    page = fc_page
    shots = iter(range(1, 100))

    def shot(name):
        page.screenshot(path=str(screenshots / f"{next(shots):02d}-{name}.png"), full_page=True)

    page.goto(fc_demo.url)
    page.wait_for_url(step_url("etape-1"))
    button = page.get_by_role("button", name="S'identifier avec FranceConnect")
    expect(button).to_be_visible()
    # First, above the other way, « ou » between (FranceConnect's rules).
    assert button.bounding_box()["y"] < page.locator("form.pf-form").bounding_box()["y"]
    expect(page.locator(".pf-franceconnect__or")).to_have_text("ou")
    link = page.get_by_role("link", name="Qu'est-ce que FranceConnect ?")
    expect(link).to_have_attribute("target", "_blank")
    expect(link).to_have_attribute("title", "Qu'est-ce que FranceConnect ? - nouvelle fenêtre")
    shot("bouton")

    button.click()  # same tab, no popup
    page.wait_for_url(re.compile(re.escape(sandbox.fc_issuer) + "/authorize"))
    expect(page.locator("h1")).to_contain_text("FranceConnect")
    shot("choix-identite")
    page.get_by_role("button", name="DUPONT Paul Louis").click()

    page.wait_for_url(step_url("etape-1"))
    expect(page.locator(".pf-messages")).to_contain_text("Vous êtes identifié avec FranceConnect.")
    expect(page.locator(".pf-franceconnect--identified")).to_contain_text("Paul Louis DUPONT")
    expect(page.get_by_role("button", name="Se déconnecter")).to_be_visible()
    shot("identifie")

    _field(page, "nom_demandeur").fill("Dupont")
    _field(page, "prenom_demandeur").fill("Paul")
    _field(page, "email").fill("paul.dupont@example.org")
    _field(page, "telephone").fill("06 12 34 56 78")
    _field(page, "adresse_0").fill("1 rue Montorgueil")
    _field(page, "adresse_2").fill("99000")
    _field(page, "adresse_3").fill("Démoville")
    _continue(page, "etape-2")
    _field(page, "enfants-0-prenom").fill("Pierre")
    _field(page, "enfants-0-nom").fill("Dupont")
    _field(page, "enfants-0-date_naissance_0").fill("10")
    _field(page, "enfants-0-date_naissance_1").fill("1")
    _field(page, "enfants-0-date_naissance_2").fill("2018")
    _field(page, "enfants-0-ecole").select_option("École Jules-Ferry")
    _field(page, "enfants-0-classe").select_option("CE2")
    page.get_by_label("Végétarien").check()
    _continue(page, "etape-3")

    data = page.locator(".pf-franceconnect-data")
    expect(data).to_contain_text("Nom de naissance : DUPONT")
    expect(data).to_contain_text(
        re.compile(r"Votre quotient familial CAF de février 2024 : 2\s?550\s€")
    )
    expect(data).to_contain_text("Pierre DUPONT (10/01/2018)")
    expect(page.locator("[name$='-caf__nom_naissance']")).to_have_count(0)  # nothing to type
    shot("donnees-caf")
    _continue(page, "etape-4")

    page.get_by_label("Lundi").check()
    _field(page, "date_debut_0").fill("3")
    _field(page, "date_debut_1").fill("9")
    _field(page, "date_debut_2").fill("2026")
    _continue(page, "etape-6")
    page.get_by_role("checkbox", name=re.compile("J'atteste")).check()
    _continue(page, "recapitulatif")

    expect(page.locator(".pf-outcome")).to_contain_text("Tranche F")
    shot("recapitulatif-tarif")
    page.get_by_role("button", name="Envoyer ma demande").click()
    # Through FranceConnect's session/end, back to the receipt.
    page.wait_for_url(re.compile(r"/[0-9a-f]{32}/confirmation/$"))
    expect(page.locator(".pf-outcome")).to_contain_text("Tranche F")
    expect(page.get_by_role("button", name="Se déconnecter")).to_have_count(0)  # logged out
    shot("accuse-reception")


def test_revenir_sur_le_site_keeps_the_anonymous_way(fc_page, fc_demo, sandbox, screenshots):
    from playwright.sync_api import expect

    page = fc_page
    page.goto(fc_demo.url)
    page.wait_for_url(step_url("etape-1"))
    page.get_by_role("button", name="S'identifier avec FranceConnect").click()
    page.get_by_role("button", name="Revenir sur le site").click()
    page.wait_for_url(re.compile(r"/demarches/restauration-scolaire/"))
    expect(page.locator("body")).to_contain_text(
        "Vous avez annulé la connexion avec FranceConnect."
    )
    expect(page.locator("form.pf-form")).to_be_visible()
    page.screenshot(path=str(screenshots / "annulation.png"), full_page=True)
