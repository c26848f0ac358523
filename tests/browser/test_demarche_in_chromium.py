"""A citizen completes the demo canteen démarche in Chromium, with the keyboard where it matters.

Screenshots of every step go to a temporary folder (or $PASSFAMILLE_SCREENSHOTS): look at them.
"""

from __future__ import annotations

import re

import pytest

from .conftest import CHROMIUM_ARGS

pytestmark = pytest.mark.browser

MINIMAL_PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
STEP_URL = r"/demarches/restauration-scolaire/[0-9a-f]{32}/{}/(#[\w-]+)?$"


def step_url(slug):
    return re.compile(STEP_URL.replace("{}", slug))


class Walk:
    """One citizen in one browser tab: keys, checks of focus, screenshots."""

    def __init__(self, page, folder):
        from playwright.sync_api import expect

        self.page, self.folder, self.count, self.expect = page, folder, 0, expect

    def shot(self, name):
        self.count += 1
        path = self.folder / f"{self.count:02d}-{name}.png"
        self.page.screenshot(path=str(path), full_page=True)
        return path

    def press(self, key, times=1):
        for _ in range(times):
            self.page.keyboard.press(key)

    def type(self, text):
        self.page.keyboard.type(text)

    @property
    def focused(self):
        return self.page.locator(":focus")

    def expect_focus_on_field(self, name):
        """The focused element is the form control named ``<step prefix>-<name>``."""
        self.expect(self.focused).to_have_attribute("name", re.compile(rf"^s\w+-{name}$"))

    def tab_to(self, name, text=None):
        self.press("Tab")
        self.expect_focus_on_field(name)
        if text is not None:
            self.type(text)

    def date(self, name, day, month, year):
        """Tab to a date's day, month and year inputs (always in this order) and type them."""
        self.tab_to(f"{name}_0", day)
        self.tab_to(f"{name}_1", month)
        self.tab_to(f"{name}_2", year)

    def skip_to_form(self):
        """Tab to the skip link, follow it, Tab to the first field of the step."""
        self.press("Tab")
        self.expect(self.focused).to_have_text("Aller au contenu")
        self.press("Enter")
        self.expect(self.page.locator("#contenu")).to_be_focused()

    def submit_with(self, key="Enter", url=None):
        """Press a key that submits, and wait for the next page (a redirect or errors)."""
        with self.page.expect_navigation():
            self.press(key)
        if url is not None:
            self.expect(self.page).to_have_url(url)

    def press_button(self, name, url=None):
        """Focus a button (a real keyboard user would Tab to it) and press Enter."""
        button = self.page.get_by_role("button", name=name, exact=True)
        button.focus()
        self.expect(button).to_be_focused()
        self.submit_with("Enter", url)

    def press_button_in_page(self, name):
        """Focus a button that JavaScript handles in the page (no navigation) and press Enter."""
        button = self.page.get_by_role("button", name=name, exact=True)
        button.focus()
        self.expect(button).to_be_focused()
        self.press("Enter")

    def expect_step(self, number, count, title):
        """The step in the heading (and the title): « Étape 4 », its total once it is known."""
        progress = f"Étape {number} sur {count}" if count else f"Étape {number}"
        self.expect(self.page.locator(".pf-progress")).to_have_text(f"{progress} : ")
        self.expect(self.page.locator("h1")).to_have_text(f"{progress} : {title}")
        self.expect(self.page).to_have_title(re.compile(rf"^{re.escape(progress)} : "))

    # The steps of the canteen démarche --------------------------------------------------------

    def to_children(self):
        """From the démarche's page to the children's step, « Responsable légal » answered."""
        self.page.goto("/demarches/restauration-scolaire/")
        self.responsable()
        self.submit_with("Enter", step_url("etape-2"))

    def to_quotient_familial(self):
        """On to the CAF step, one child registered."""
        self.to_children()
        self.first_child()
        self.press_button("Continuer", step_url("etape-3"))

    def responsable(self, email="camille.durand@example.org", postcode="99000"):
        self.skip_to_form()
        self.tab_to("nom_demandeur", "Durand")
        self.tab_to("prenom_demandeur", "Camille")
        self.tab_to("email", email)
        self.tab_to("telephone", "06 12 34 56 78")
        self.tab_to("adresse_0", "3 rue des Lilas")
        self.tab_to("adresse_1")
        self.tab_to("adresse_2", postcode)
        self.tab_to("adresse_3", "Démoville")

    def first_child(self, *, skip=True):
        if skip:
            self.skip_to_form()
        self.tab_to("enfants-0-prenom", "Léa")
        self.tab_to("enfants-0-nom", "Durand")
        self.date("enfants-0-date_naissance", "14", "5", "2018")
        self.tab_to("enfants-0-ecole")
        self.focused.select_option("École Jules-Ferry")
        self.tab_to("enfants-0-classe")
        self.focused.select_option("CE2")
        self.tab_to("enfants-0-regime")  # the first radio of the group
        self.press("ArrowDown", 2)  # arrows move through a radio group and check
        self.expect(self.page.get_by_label("Végétarien")).to_be_checked()

    def quotient_familial(self, *, javascript=True):
        """Fetch the QF from the CAF (the sandbox): identity, then the birthplace searched."""
        self.skip_to_form()
        self.tab_to("caf__choix")  # the checked radio: "Récupérer mes informations…"
        self.expect(self.focused).to_have_value("recuperer")
        self.tab_to("caf__nom_naissance", "LEFEBVRE")
        self.tab_to("caf__nom_usage")
        self.tab_to("caf__prenom_1", "ALEXIS")
        self.tab_to("caf__prenom_2", "GÉRÔME")
        self.tab_to("caf__prenom_3", "JEAN-PHILIPPE")
        self.tab_to("caf__sexe")
        self.press(" ")
        self.expect(self.page.get_by_label("Féminin")).to_be_checked()
        self.tab_to("caf__naissance_0", "27")
        self.tab_to("caf__naissance_1", "12")
        self.tab_to("caf__naissance_2", "1982")
        self.tab_to("caf__naissance_inconnue")  # left unticked: the date is known
        self.tab_to("caf__pays")
        self.tab_to("caf__commune_recherche", "Villers-Semeuse")
        self.press("Tab")
        self.expect(self.focused).to_have_text("Rechercher la commune")
        if not javascript:
            self.submit_with("Enter", step_url("etape-3"))  # the server searches
            commune = self.page.get_by_label("Villers-Semeuse (08)")
            commune.focus()
            self.press(" ")
            self.expect(commune).to_be_checked()
            return
        # The JSON endpoint searches: the results come into the page, focused, and announced.
        self.press("Enter")
        results = self.page.locator(".pf-commune__results")
        self.expect(results).to_be_focused()
        self.expect(self.page.locator(".pf-commune [role=status]")).to_have_text(
            "Communes trouvées : 1"
        )
        self.press("Tab")
        self.expect(self.focused).to_have_text("Villers-Semeuse (08)")
        self.press("Enter")
        self.expect(results).to_be_focused()
        self.expect(results).to_have_text("Commune choisie : Villers-Semeuse (08)")
        self.expect(self.page.locator(".pf-commune [role=status]")).to_have_text(
            "Commune choisie : Villers-Semeuse (08)"
        )

    def frequentation(self, *, javascript=True):
        self.skip_to_form()
        self.tab_to("jours")
        self.press(" ")  # Lundi
        self.tab_to("jours")
        self.press(" ")  # Mardi
        self.expect(self.page.get_by_label("Mardi")).to_be_checked()
        self.tab_to("jours")
        self.tab_to("jours")
        self.date("date_debut", "3", "9", "2026")
        self.tab_to("autres_inscriptions")
        self.tab_to("allergie")
        allergy = self.page.get_by_label("Précisez l'allergie")
        if javascript:
            self.expect(allergy).to_be_hidden()
        self.press(" ")
        self.expect(allergy).to_be_visible()
        self.tab_to("precision_allergie", "Arachide")

    def engagement(self):
        self.skip_to_form()
        self.tab_to("remarques", "Léa mange lentement.")
        self.tab_to("attestation")
        self.press(" ")
        self.expect(self.page.get_by_role("checkbox", name=re.compile("J'atteste"))).to_be_checked()


def error_links(page):
    """(href target, whether it is or holds a form control) for each link of the summary."""
    return page.eval_on_selector_all(
        "#pf-error-summary a",
        """links => links.map(a => {
            const target = document.getElementById(a.getAttribute('href').slice(1));
            return [a.getAttribute('href'), !!target && (
                target.matches('input, select, textarea') ||
                !!target.querySelector('input, select, textarea'))];
        })""",
    )


def test_a_citizen_completes_the_canteen_demarche_with_the_keyboard(
    citizen_page, demo, screenshots, enqueued_tasks
):
    from django.core import mail

    from wagtail_passfamille.models import Submission
    from wagtail_passfamille.tasks import send_acknowledgement

    page = citizen_page
    walk = Walk(page, screenshots)
    expect = walk.expect

    page.goto("/demarches/")
    walk.shot("portail")
    link = page.get_by_role("link", name="Inscription à la restauration scolaire 2026-2027")
    link.focus()
    walk.submit_with("Enter", step_url("etape-1"))
    walk.expect_step(1, None, "Responsable légal")
    walk.shot("etape-1")

    # A step with mistakes: the summary takes the focus, its links lead to the fields.
    walk.responsable(email="camille.durand", postcode="990")
    walk.submit_with("Enter", step_url("etape-1"))
    expect(page).to_have_title(re.compile(r"^Erreur : Étape 1 : Responsable légal"))
    summary = page.locator("#pf-error-summary")
    expect(summary).to_be_focused()
    expect(summary).to_contain_text("Il y a 2 erreurs dans le formulaire")
    links = error_links(page)
    assert len(links) == 2 and all(ok for _href, ok in links), links
    assert links[0][0].endswith("-email") and links[1][0].endswith("-adresse")
    email = page.get_by_label("Adresse e-mail")
    expect(email).to_have_attribute("aria-invalid", "true")
    expect(page.locator("#" + email.get_attribute("aria-describedby").split()[-1])).to_contain_text(
        "Saisissez une adresse de courriel valide."
    )
    walk.shot("etape-1-erreurs")
    walk.press("Tab")  # from the summary to its first link
    expect(walk.focused).to_have_attribute("href", links[0][0])
    walk.press("Enter")
    expect(email).to_be_focused()  # the link took the keyboard to the field
    walk.press("Control+A")
    walk.type("camille.durand@example.org")
    summary.locator("a").nth(1).focus()
    walk.press("Enter")  # to the address: the next Tab lands in it
    walk.tab_to("adresse_0")
    walk.tab_to("adresse_1")
    walk.tab_to("adresse_2")
    walk.press("Control+A")
    walk.type("99000")
    walk.submit_with("Enter", step_url("etape-2"))

    # Children: one typed, a second added then removed in the page, without losing the first.
    walk.expect_step(2, None, "Enfants à inscrire")
    walk.first_child()
    walk.press("Tab")
    expect(walk.focused).to_have_text("Ajouter un enfant")
    walk.press("Enter")  # no round trip: the item comes from the group's <template>
    expect(page.locator(".pf-group__item")).to_have_count(2)
    expect(page.locator(".pf-group__item").nth(1)).to_be_focused()
    expect(page.locator("legend", has_text="Enfant 2")).to_be_visible()
    expect(page.get_by_label("Prénom").first).to_have_value("Léa")
    expect(page.locator("#pf-error-summary")).to_have_count(0)  # adding is not validating
    walk.shot("etape-2-deux-enfants")
    walk.press_button_in_page("Retirer Enfant 2")
    expect(page.locator(".pf-group")).to_be_focused()
    expect(page.locator(".pf-group__item")).to_have_count(1)
    expect(page.get_by_label("Prénom")).to_have_value("Léa")
    expect(page.get_by_label("Végétarien")).to_be_checked()
    page.get_by_label("Prénom").focus()
    walk.submit_with("Enter", step_url("etape-3"))  # Enter in a text field: "Continuer"

    # Certified data: the quotient familial fetched from the CAF (the sandbox).
    walk.expect_step(3, None, "Quotient familial")
    walk.quotient_familial()
    walk.shot("etape-3-quotient-familial")
    walk.press_button("Continuer", step_url("etape-4"))

    walk.expect_step(4, None, "Fréquentation")
    walk.frequentation()
    walk.shot("etape-4")
    walk.press("Tab")
    expect(walk.focused).to_have_text("Étape précédente")
    walk.press("Tab")
    expect(walk.focused).to_have_text("Continuer")
    walk.submit_with("Enter", step_url("etape-5"))

    # The allergy shows the PAI step: a small PDF.
    walk.expect_step(5, 7, "Projet d'accueil individualisé (PAI)")
    page.get_by_label("Certificat médical").set_input_files(
        {"name": "certificat.pdf", "mimeType": "application/pdf", "buffer": MINIMAL_PDF}
    )
    walk.shot("etape-5-pai")
    walk.press_button("Continuer", step_url("etape-6"))

    walk.expect_step(6, 7, "Engagement")
    walk.engagement()
    walk.press("Tab", 2)
    expect(walk.focused).to_have_text("Continuer")
    walk.submit_with("Enter", step_url("recapitulatif"))

    walk.expect_step(7, 7, "Récapitulatif de votre demande")
    recap = page.locator("form")
    for text in ("Durand", "06 12 34 56 78", "99000 Démoville", "Léa", "14 mai 2018", "Végétarien"):
        expect(recap).to_contain_text(text)
    for text in ("Lundi, Mardi", "3 septembre 2026", "Arachide", "certificat.pdf"):
        expect(recap).to_contain_text(text)
    expect(page.get_by_role("link", name="Modifier : Enfants à inscrire")).to_be_visible()
    # An anonymous citizen: the tariff computed from the fetched QF is withheld.
    expect(page.locator(".pf-outcome")).to_contain_text("seront calculés à partir des données")
    expect(page.locator(".pf-outcome")).not_to_contain_text("€")
    walk.shot("recapitulatif")
    walk.press_button("Envoyer ma demande", re.compile(r"/[0-9a-f]{32}/confirmation/$"))

    # The receipt, the submission and its acknowledgement.
    expect(page.locator("h1")).to_have_text("Votre demande a bien été envoyée")
    reference = re.search(r"CANT-\d{4}-\d{6}", page.locator(".pf-confirmation").inner_text())
    assert reference, page.locator(".pf-confirmation").inner_text()
    reference = reference.group(0)
    expect(page.get_by_role("button", name="Imprimer cette page")).to_be_visible()
    walk.shot("accuse-de-reception")

    submission = Submission.objects.get(reference=reference)
    assert submission.answers["nom_demandeur"] == "Durand"
    assert submission.answers["email"] == "camille.durand@example.org"
    assert submission.answers["adresse"]["code_postal"] == "99000"
    assert [child["prenom"] for child in submission.answers["enfants"]] == ["Léa"]
    assert submission.answers["enfants"][0]["regime"] == "Végétarien"
    assert submission.answers["jours"] == ["Lundi", "Mardi"]
    assert submission.answers["precision_allergie"] == "Arachide"
    assert "certificat.pdf" in [f.original_name for f in submission.files.all()]

    # Enqueued by the live server's thread once the row committed (django-tasks' dummy backend).
    queued = [r for r in enqueued_tasks if r.task.name == "send_acknowledgement"]
    assert [r.args for r in queued] == [[submission.pk, 1]]
    assert mail.outbox == []
    assert send_acknowledgement.call(*queued[0].args) == "sent"
    (message,) = mail.outbox
    assert message.to == ["camille.durand@example.org"]
    assert reference in message.subject


def test_the_demarche_works_without_javascript(citizen_page_without_js, demo, screenshots):
    page = citizen_page_without_js
    walk = Walk(page, screenshots)
    expect = walk.expect

    page.goto("/demarches/restauration-scolaire/")
    walk.expect_step(1, None, "Responsable légal")
    walk.responsable()
    walk.submit_with("Enter", step_url("etape-2"))

    walk.first_child()
    walk.press_button("Ajouter un enfant", step_url("etape-2"))
    expect(page.locator(".pf-group__item")).to_have_count(2)
    walk.press_button("Retirer Enfant 1", step_url("etape-2"))
    expect(page.locator(".pf-group__item")).to_have_count(1)
    expect(page.get_by_label("Prénom")).to_have_value("")  # Léa went with item 1
    walk.shot("sans-js-etape-2-apres-retrait")
    # An invalid step (an empty child): errors on top; without JavaScript nothing moves the
    # focus there, the skip link and Tab do.
    walk.press_button("Continuer", step_url("etape-2"))
    summary = page.locator("#pf-error-summary")
    expect(summary).to_be_visible()
    links = error_links(page)
    assert links[0][0].endswith("-enfants") and all(ok for _href, ok in links), links
    assert any(href.endswith("-enfants-0-prenom") for href, _ok in links)
    walk.shot("sans-js-etape-2-erreurs")
    walk.skip_to_form()
    walk.press("Tab")
    expect(walk.focused).to_have_attribute("href", links[0][0])
    walk.press("Enter")  # to the group: the next Tab lands in its first field
    walk.first_child(skip=False)
    walk.press_button("Continuer", step_url("etape-3"))

    # The quotient familial by a document instead: arrows move the choice.
    walk.skip_to_form()
    walk.tab_to("caf__choix")
    walk.press("ArrowDown")
    expect(walk.focused).to_be_checked()
    expect(walk.focused).to_have_value("justificatif")
    page.get_by_label("Attestation de quotient familial de moins de 3 mois").set_input_files(
        {"name": "attestation-qf.pdf", "mimeType": "application/pdf", "buffer": MINIMAL_PDF}
    )
    walk.press_button("Continuer", step_url("etape-4"))

    # Without JavaScript the dependent field is always there; the server decides.
    expect(page.get_by_label("Précisez l'allergie")).to_be_visible()
    walk.frequentation(javascript=False)
    walk.shot("sans-js-etape-4")
    walk.press_button("Continuer", step_url("etape-5"))
    page.get_by_label("Certificat médical").set_input_files(
        {"name": "certificat.pdf", "mimeType": "application/pdf", "buffer": MINIMAL_PDF}
    )
    walk.press_button("Continuer", step_url("etape-6"))
    walk.engagement()
    walk.press_button("Continuer", step_url("recapitulatif"))

    walk.expect_step(7, 7, "Récapitulatif de votre demande")
    for text in ("Léa", "Végétarien", "Arachide", "certificat.pdf", "Léa mange lentement."):
        expect(page.locator("form")).to_contain_text(text)
    expect(page.locator("form")).to_contain_text("attestation-qf.pdf")
    # Hidden by CSS, not by script: the print button and the honeypot stay out of sight.
    expect(page.get_by_label("Ne pas remplir ce champ")).not_to_be_in_viewport()
    walk.shot("sans-js-recapitulatif")


def test_ticking_the_allergy_reveals_the_field_with_javascript(citizen_page, demo, screenshots):
    page = citizen_page
    walk = Walk(page, screenshots)
    expect = walk.expect

    walk.to_quotient_familial()
    page.get_by_label("Je préfère fournir un justificatif").check()
    page.get_by_label("Attestation de quotient familial de moins de 3 mois").set_input_files(
        {"name": "attestation-qf.pdf", "mimeType": "application/pdf", "buffer": MINIMAL_PDF}
    )
    walk.press_button("Continuer", step_url("etape-4"))

    precision = page.get_by_label("Précisez l'allergie")
    allergy = page.get_by_label("Un de mes enfants a une allergie ou une intolérance alimentaire")
    expect(precision).to_be_hidden()
    allergy.focus()
    walk.press(" ")
    expect(allergy).to_be_checked()
    expect(precision).to_be_visible()
    walk.shot("allergie-cochee")
    walk.press("Tab")
    expect(precision).to_be_focused()  # the revealed field comes next in the tab order
    walk.press("Shift+Tab")
    walk.press(" ")
    expect(precision).to_be_hidden()


def test_chromium_runs_headless_with_the_closed_network_flags(chromium):
    page = chromium.new_page()
    try:
        page.goto("chrome://version")
        command_line = page.locator("#command_line").inner_text().split()
    finally:
        page.close()
    for flag in CHROMIUM_ARGS:
        assert flag in command_line, (flag, command_line)
    assert "--headless" in command_line or any(a.startswith("--headless=") for a in command_line)
