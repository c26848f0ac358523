"""Fewer round trips where JavaScript runs (issue 17): children added and removed in the page,
the birthplace searched through the JSON endpoint; the same application without JavaScript
still works through the server, at the cost of more requests.
"""

from __future__ import annotations

import re

import pytest

from tests.demarches.helpers import RESPONSABLE

from .conftest import new_page
from .test_demarche_in_chromium import step_url

pytestmark = pytest.mark.browser


def field(where, name):
    """The input named ``<prefix>-<name>`` (the step's or the item's prefix)."""
    return where.locator(f'[name$="-{name}"]')


def responsable(page):
    for name, value in RESPONSABLE.items():
        if value:
            field(page, name).fill(value)


def fill_child(item, first_name, day):
    field(item, "prenom").fill(first_name)
    field(item, "nom").fill("Durand")
    field(item, "date_naissance_0").fill(str(day))
    field(item, "date_naissance_1").fill("5")
    field(item, "date_naissance_2").fill("2018")
    field(item, "ecole").select_option("École Jules-Ferry")
    field(item, "classe").select_option("CE2")
    item.get_by_label("Végétarien").check()


def press(page, name, url):
    with page.expect_navigation():
        page.get_by_role("button", name=name, exact=True).click()
    if url is not None:
        page.wait_for_url(url)


def apply_for_two_children(page, *, javascript):
    """The canteen démarche from its page to the receipt: two children, the QF fetched
    from the CAF with the birthplace searched. Returns the submission's reference."""
    from playwright.sync_api import expect

    page.goto("/demarches/restauration-scolaire/")
    responsable(page)
    press(page, "Continuer", step_url("etape-2"))

    items = page.locator("fieldset.pf-group__item")
    fill_child(items.nth(0), "Léa", 14)
    if javascript:
        page.get_by_role("button", name="Ajouter un enfant").click()  # in the page
    else:
        press(page, "Ajouter un enfant", step_url("etape-2"))
    expect(items).to_have_count(2)
    fill_child(items.nth(1), "Noé", 2)
    press(page, "Continuer", step_url("etape-3"))

    for name, value in (
        ("nom_naissance", "LEFEBVRE"),
        ("prenom_1", "ALEXIS"),
        ("prenom_2", "GÉRÔME"),
        ("prenom_3", "JEAN-PHILIPPE"),
        ("naissance_0", "27"),
        ("naissance_1", "12"),
        ("naissance_2", "1982"),
        ("commune_recherche", "Villers-Semeuse"),
    ):
        field(page, "caf__" + name).fill(value)
    page.get_by_label("Féminin").check()
    if javascript:  # found as one types, through the JSON endpoint
        page.get_by_role("button", name="Villers-Semeuse (08)").click()
    else:
        press(page, "Rechercher la commune", step_url("etape-3"))
        page.get_by_label("Villers-Semeuse (08)").check()
    press(page, "Continuer", step_url("etape-4"))

    page.get_by_label("Lundi").check()
    field(page, "date_debut_0").fill("3")
    field(page, "date_debut_1").fill("9")
    field(page, "date_debut_2").fill("2026")
    press(page, "Continuer", step_url("etape-6"))
    page.get_by_role("checkbox", name=re.compile("J'atteste")).check()
    press(page, "Continuer", step_url("recapitulatif"))
    press(page, "Envoyer ma demande", re.compile(r"/confirmation/$"))
    expect(page.locator("h1")).to_have_text("Votre demande a bien été envoyée")
    return re.search(r"CANT-\d{4}-\d{6}", page.locator(".pf-confirmation").inner_text())[0]


def count_requests(page, base_url):
    """Requests the browser sends to the site, static files aside (cached in real life)."""
    sent = []

    def record(request):
        path = request.url.removeprefix(base_url)
        if not path.startswith(("/static/", "/favicon.ico")):
            sent.append(f"{request.method} {path.split('?')[0]}")

    page.on("request", record)
    return sent


def test_an_application_needs_fewer_requests_with_javascript(
    browser_available, demo, chromium, live_server
):
    from wagtail_passfamille.models import Submission

    counted = {}
    for javascript in (True, False):
        context, page = new_page(chromium, live_server, javascript=javascript)
        try:
            sent = count_requests(page, live_server.url)
            reference = apply_for_two_children(page, javascript=javascript)
        finally:
            context.close()
        answers = Submission.objects.get(reference=reference).answers
        assert [child["prenom"] for child in answers["enfants"]] == ["Léa", "Noé"]
        counted[javascript] = sent
    with_js, without_js = counted[True], counted[False]
    # Without JavaScript « Ajouter un enfant » and « Rechercher la commune » are each a POST
    # answered by the step again; with it, one GET of the JSON endpoint replaces both.
    assert len(with_js) < len(without_js), (with_js, without_js)
    searches = [r for r in with_js if r.endswith("/communes/")]
    assert searches and all(r.startswith("GET ") for r in searches)
    assert len(without_js) - len(with_js) == 2 - len(searches), (with_js, without_js)
    assert not [r for r in without_js if r.endswith("/communes/")]


def test_children_are_added_and_removed_in_the_page_within_the_editors_bounds(
    citizen_page, demo, screenshots, live_server
):
    from playwright.sync_api import expect

    page = citizen_page
    page.goto("/demarches/restauration-scolaire/")
    requests = count_requests(page, live_server.url)
    items = page.locator("fieldset.pf-group__item")
    responsable(page)
    press(page, "Continuer", step_url("etape-2"))
    requests.clear()

    # The minimum (1): no « Retirer » on the only child.
    expect(items).to_have_count(1)
    expect(page.get_by_role("button", name=re.compile("^Retirer"))).to_have_count(0)
    add = page.get_by_role("button", name="Ajouter un enfant")
    for count in range(2, 7):
        add.click()
        expect(items).to_have_count(count)
        expect(items.nth(count - 1)).to_be_focused()
    # The maximum (6): the button goes, the page says why.
    expect(add).to_have_count(0)
    expect(page.locator(".pf-group__max")).to_be_visible()
    expect(page.locator('input[name$="-enfants-TOTAL_FORMS"]')).to_have_value("6")
    for index, name in enumerate(["Léa", "Noé", "Zoé"]):
        fill_child(items.nth(index), name, index + 1)
    page.screenshot(path=str(screenshots / "six-enfants.png"), full_page=True)

    # Removing the first child renumbers the others: names, ids, labels, legends, buttons.
    page.get_by_role("button", name="Retirer Enfant 1", exact=True).click()
    expect(page.locator("fieldset.pf-group")).to_be_focused()
    expect(items).to_have_count(5)
    expect(add).to_be_visible()
    expect(page.locator(".pf-group__max")).to_be_hidden()
    first = items.nth(0)
    expect(first.locator("legend.pf-group__item-title")).to_have_text("Enfant 1")
    expect(field(first, "prenom")).to_have_value("Noé")
    expect(field(first, "prenom")).to_have_attribute("name", re.compile(r"-enfants-0-prenom$"))
    expect(first.get_by_label("Végétarien")).to_be_checked()
    expect(field(items.nth(1), "prenom")).to_have_value("Zoé")
    expect(page.get_by_role("button", name="Retirer Enfant 5", exact=True)).to_be_visible()
    for _ in range(3):
        page.get_by_role("button", name=re.compile("^Retirer Enfant")).last.click()
    expect(items).to_have_count(2)
    assert requests == []  # all of it in the page

    # The server validates what was built in the page, and keeps it.
    press(page, "Continuer", step_url("etape-3"))
    page.get_by_role("button", name="Étape précédente").click()
    page.wait_for_url(step_url("etape-2"))
    expect(items).to_have_count(2)
    expect(field(items.nth(0), "prenom")).to_have_value("Noé")
    expect(field(items.nth(1), "prenom")).to_have_value("Zoé")

    # An empty child added in the page is refused by the server, by name of the field.
    page.get_by_role("button", name="Ajouter un enfant").click()
    field(items.nth(2), "prenom").fill("Tom")
    press(page, "Continuer", step_url("etape-2"))
    expect(page.locator("#pf-error-summary")).to_be_visible()
    expect(items).to_have_count(3)


def test_the_commune_search_falls_back_to_the_server_when_the_endpoint_fails(citizen_page, demo):
    from playwright.sync_api import expect

    from .test_demarche_in_chromium import Walk

    page = citizen_page
    Walk(page, None).to_quotient_familial()
    page.route("**/communes/**", lambda route: route.fulfill(status=503, body="{}"))
    field(page, "caf__commune_recherche").fill("Charleville")
    press(page, "Rechercher la commune", step_url("etape-3"))
    expect(page.get_by_label("Charleville-Mézières (08)")).to_be_visible()  # the server's radios
