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

    # The démarche's own identity fields: FranceConnect's, read-only, « Signaler une erreur ».
    expect(_field(page, "nom_demandeur")).to_have_value("DUPONT")
    expect(_field(page, "nom_demandeur")).not_to_be_editable()
    expect(_field(page, "prenom_demandeur")).to_have_value("Paul")
    expect(_field(page, "prenom_demandeur")).not_to_be_editable()
    report = page.get_by_role("link", name=re.compile("Signaler une erreur au service"))
    expect(report).to_have_attribute("href", re.compile(r"^mailto:enfance@demoville\.example\?"))
    shot("identite-verrouillee")
    _field(page, "email").fill("paul.dupont@example.org")
    _field(page, "telephone").fill("06 12 34 56 78")
    _field(page, "adresse_0").fill("1 rue Montorgueil")
    _field(page, "adresse_2").fill("99000")
    _field(page, "adresse_3").fill("Démoville")
    _continue(page, "etape-2")

    # The CAF file's children as tick boxes: two ticked become the group's first two items.
    children = page.locator(".pf-file-children")
    expect(children).to_contain_text("Pierre DUPONT, né le 10/01/2018")
    page.get_by_label("Pierre DUPONT, né le 10/01/2018").check()
    page.get_by_label("Henry DUPONT, né le 20/06/2022").check()
    shot("enfants-caf")
    page.get_by_role("button", name="Ajouter les enfants cochés").click()
    page.wait_for_load_state()
    expect(page.locator(".pf-group__item")).to_have_count(2)
    expect(_field(page, "enfants-0-prenom")).to_have_value("Pierre")
    expect(_field(page, "enfants-0-nom")).to_have_value("DUPONT")
    expect(_field(page, "enfants-0-date_naissance_2")).to_have_value("2018")
    expect(_field(page, "enfants-1-prenom")).to_have_value("Henry")
    expect(children).to_contain_text("Henry DUPONT, né le 20/06/2022 : déjà ajouté ci-dessous")
    for index, classe in ((0, "CE2"), (1, "PS")):
        _field(page, f"enfants-{index}-ecole").select_option("École Jules-Ferry")
        _field(page, f"enfants-{index}-classe").select_option(classe)
        page.locator(f"[name$='-enfants-{index}-regime'][value='Standard']").check()
    shot("enfants-completes")
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

    outcome = page.locator(".pf-outcome")
    expect(outcome).to_contain_text("Tranche F")
    expect(outcome).to_contain_text("4,14")  # the 2nd child's 10 % off 4,60 €
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


def test_english_320_pixels_keyboard_only(
    browser_available, fc_demo, chromium, live_server, sandbox, screenshots
):
    """The same login and tick boxes with the keyboard only, in English, 320 px wide."""
    from playwright.sync_api import expect

    context = chromium.new_context(
        base_url=live_server.url,
        locale="en-GB",
        extra_http_headers={"Accept-Language": "en-GB"},
        viewport={"width": 320, "height": 640},
    )
    context.set_default_timeout(15_000)
    page = context.new_page()
    shots = iter(range(1, 100))

    def shot(name):
        page.screenshot(path=str(screenshots / f"{next(shots):02d}-{name}.png"), full_page=True)

    def tab_to(locator, limit=60):
        for _ in range(limit):
            page.keyboard.press("Tab")
            if locator.evaluate("element => element === document.activeElement"):
                return
        raise AssertionError(f"never focused: {locator}")

    def fits():
        assert page.evaluate("document.documentElement.scrollWidth") <= 320

    try:
        page.goto(fc_demo.url)
        page.wait_for_url(step_url("etape-1"))
        # FranceConnect's button keeps its own (French) words in every language.
        tab_to(page.get_by_role("button", name="S'identifier avec FranceConnect"))
        with page.expect_navigation():
            page.keyboard.press("Enter")
        tab_to(page.get_by_role("button", name="DUPONT Paul Louis"))
        with page.expect_navigation():
            page.keyboard.press("Enter")
        page.wait_for_url(step_url("etape-1"))
        name = _field(page, "nom_demandeur")
        tab_to(name)  # read-only, still reached and read
        expect(name).to_have_value("DUPONT")
        page.keyboard.type("Martin")  # nothing changes
        expect(name).to_have_value("DUPONT")
        expect(page.locator("#pf-signaler-erreur")).to_contain_text("Report a mistake")
        fits()
        shot("en-320-identity")
        for field, text in (
            ("email", "paul.dupont@example.org"),
            ("telephone", "06 12 34 56 78"),
            ("adresse_0", "1 rue Montorgueil"),
            ("adresse_2", "99000"),
            ("adresse_3", "Démoville"),
        ):
            tab_to(_field(page, field))
            page.keyboard.type(text)
        with page.expect_navigation():
            page.keyboard.press("Enter")
        page.wait_for_url(step_url("etape-2"))

        for label in ("Pierre DUPONT, born on 10/01/2018", "Robert DUPONT, born on 15/03/2020"):
            box = page.get_by_label(label)
            tab_to(box)
            page.keyboard.press(" ")
            expect(box).to_be_checked()
        fits()
        shot("en-320-file-children")
        tab_to(page.get_by_role("button", name="Add the ticked children"))
        with page.expect_navigation():
            page.keyboard.press("Enter")
        expect(page.locator(".pf-group__item")).to_have_count(2)
        expect(_field(page, "enfants-1-prenom")).to_have_value("Robert")
        expect(page.locator(".pf-messages")).to_contain_text("2 children added")
        fits()
        shot("en-320-children-added")
    finally:
        context.close()
