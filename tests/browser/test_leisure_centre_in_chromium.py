"""The issue's done-when, in Chromium: a citizen completes « Inscription à l'accueil de loisirs —
été 2027 » against the sandbox. The PAI upload appears for a child when that child's PAI is « Oui »
and never otherwise; a child outside 3–11 on 1 September 2027 is refused by name, the other goes
on; each child's file reaches the submission.

Screenshots of every step go to a temporary folder (or $PASSFAMILLE_SCREENSHOTS): look at them.
"""

from __future__ import annotations

import re

import pytest

from tests.demarches.leisure_centre import AGE_MESSAGE, SLUG, create_leisure_centre

pytestmark = pytest.mark.browser

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
STEP = r"/demarches/" + SLUG + r"/[0-9a-f]{32}/{}/(#[\w-]+)?$"


def step_url(slug):
    return re.compile(STEP.replace("{}", slug))


@pytest.fixture
def leisure_centre(demo):
    return create_leisure_centre(demo.get_parent())


def by_name(scope, name):
    """The control named ``<step prefix>-<name>`` (labels repeat from one child to the next)."""
    return scope.locator(f'[name$="-{name}"]')


def fill_child(item, index, first_name, day, month, year, pai):
    by_name(item, f"enfants-{index}-prenom").fill(first_name)
    by_name(item, f"enfants-{index}-nom").fill("Lefebvre")
    by_name(item, f"enfants-{index}-date_naissance_0").fill(day)
    by_name(item, f"enfants-{index}-date_naissance_1").fill(month)
    by_name(item, f"enfants-{index}-date_naissance_2").fill(year)
    item.get_by_label(pai, exact=True).check()
    item.get_by_label("Semaine du 5 juillet").check()


def test_a_citizen_registers_children_at_the_leisure_centre(
    citizen_page, leisure_centre, screenshots
):
    from playwright.sync_api import expect

    from wagtail_passfamille.models import Submission
    from wagtail_passfamille.rules import Outcome

    page = citizen_page
    count = iter(range(1, 100))

    def shot(name):
        page.screenshot(path=str(screenshots / f"{next(count):02d}-{name}.png"), full_page=True)

    def continue_to(slug):
        with page.expect_navigation():
            page.get_by_role("button", name="Continuer", exact=True).click()
        expect(page).to_have_url(step_url(slug))

    page.goto(f"/demarches/{SLUG}/")
    expect(page).to_have_url(step_url("etape-1"))
    by_name(page, "nom_demandeur").fill("Lefebvre")
    by_name(page, "prenom_demandeur").fill("Alexis")
    by_name(page, "email").fill("alexis.lefebvre@example.org")
    by_name(page, "telephone").fill("06 12 34 56 78")
    continue_to("etape-2")

    # The CAF/MSA block: the staging family LEFEBVRE, fetched from the sandbox.
    by_name(page, "caf__nom_naissance").fill("LEFEBVRE")
    by_name(page, "caf__prenom_1").fill("ALEXIS")
    by_name(page, "caf__prenom_2").fill("GÉRÔME")
    by_name(page, "caf__prenom_3").fill("JEAN-PHILIPPE")
    page.get_by_label("Féminin").check()
    by_name(page, "caf__naissance_0").fill("27")
    by_name(page, "caf__naissance_1").fill("12")
    by_name(page, "caf__naissance_2").fill("1982")
    by_name(page, "caf__commune_recherche").fill("Villers-Semeuse")
    # With JavaScript the birthplace search answers in the page (the JSON endpoint).
    page.get_by_role("button", name="Rechercher la commune").click()
    page.get_by_role("button", name="Villers-Semeuse (08)").click()
    expect(page.locator(".pf-commune__results")).to_have_text(
        "Commune choisie : Villers-Semeuse (08)"
    )
    shot("donnees-caf")
    continue_to("etape-3")

    # Two children. The PAI document of a child shows only when that child's PAI is « Oui ».
    page.get_by_role("button", name="Ajouter un enfant").click()
    items = page.locator("fieldset.pf-group__item")
    expect(items).to_have_count(2)
    first, second = items.nth(0), items.nth(1)
    documents = [first.get_by_label("Document PAI"), second.get_by_label("Document PAI")]
    for document in documents:
        expect(document).to_be_hidden()
    fill_child(first, 0, "Zoé", "20", "6", "2019", "Oui")
    expect(documents[0]).to_be_visible()
    expect(documents[1]).to_be_hidden()
    fill_child(second, 1, "Léa", "2", "3", "2010", "Oui")  # 17 on 1 September 2027
    expect(documents[1]).to_be_visible()
    second.get_by_label("Non", exact=True).check()
    expect(documents[1]).to_be_hidden()  # never for a child without a PAI
    expect(documents[0]).to_be_visible()
    documents[0].set_input_files(
        {"name": "pai-zoe.pdf", "mimeType": "application/pdf", "buffer": PDF}
    )
    shot("enfants-pai")
    continue_to("etape-4")

    # Léa is refused by name; Zoé goes on (a typed birth date: shown to an anonymous citizen).
    refusal = page.locator(".pf-refused")
    expect(refusal).to_contain_text(f"Inscription de Léa impossible : {AGE_MESSAGE}")
    expect(refusal).to_contain_text("Les autres enfants restent inscrits")
    expect(refusal).not_to_contain_text("Zoé")
    shot("enfant-refuse")
    page.get_by_label(re.compile("J'atteste")).check()
    continue_to("recapitulatif")

    recap = page.locator("form")
    expect(recap).to_contain_text("pai-zoe.pdf")
    expect(recap.get_by_text("Document PAI")).to_have_count(1)  # not for Léa
    expect(page.locator(".pf-recap__refused")).to_have_count(1)
    expect(page.locator(".pf-recap__refused")).to_contain_text("Inscription de Léa impossible")
    # The price comes from the anonymous CAF lookup: withheld until the service decides.
    expect(page.locator(".pf-outcome")).not_to_contain_text("€")
    shot("recapitulatif")
    with page.expect_navigation():
        page.get_by_role("button", name="Envoyer ma demande").click()
    expect(page.locator("h1")).to_have_text("Votre demande a bien été envoyée")
    shot("accuse-de-reception")

    submission = Submission.objects.get(page=leisure_centre)
    assert [child["prenom"] for child in submission.answers["enfants"]] == ["Zoé", "Léa"]
    assert [f.field_name for f in submission.files.all()] == ["enfants.0.document_pai"]
    outcome = Outcome.from_dict(submission.outcome)
    assert outcome.refused_children == (1,)
    (tariff,) = outcome.tariffs
    # QF 2550 × 0,6 % = 15,30 € a day, for Zoé only (Léa is not registered).
    assert [(c.position, str(c.amount)) for c in tariff.children] == [(0, "15.30")]
