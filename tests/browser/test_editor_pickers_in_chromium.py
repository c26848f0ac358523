"""The editor picks, in Chromium: conditions from the earlier fields and the certified data, an
operator that fits, a value from the field's choices; a grid's mode fields and worked example; a
commune searched by postcode and stored as its INSEE code; errors counted on their tab."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest

from wagtail_passfamille.models import DemarchePage
from wagtail_passfamille.rules import EffortRate

pytestmark = pytest.mark.browser


def open_tab(page, name):
    page.get_by_role("tab", name=re.compile(name)).click(force=True)


def open_panels(page, selector):
    """Expand the collapsed panels around an element (conditions are collapsed)."""
    page.evaluate(
        """(selector) => {
            let node = document.querySelector(selector);
            while ((node = node.parentElement)) {
                if (!node.matches('[data-panel]')) { continue; }
                const toggle = node.querySelector('[data-panel-toggle]');
                if (toggle && toggle.getAttribute('aria-expanded') === 'false') { toggle.click(); }
            }
        }""",
        selector,
    )


def save_draft(page):
    with page.expect_navigation():
        page.locator("form#page-edit-form").evaluate("form => form.requestSubmit()")
    page.wait_for_load_state()


def visible_options(page, selector):
    return page.evaluate(
        """(selector) => [...document.querySelector(selector).options]
            .filter(o => !o.hidden).map(o => [o.value, o.text])""",
        selector,
    )


def test_a_condition_is_picked_never_typed(editor, demo, screenshots):
    from playwright.sync_api import expect

    page = editor
    page.goto(f"/admin/pages/{demo.pk}/edit/")
    open_tab(page, "Étapes")
    # The children matching of the CAF block: the group, then its fields, from lists.
    first_name = "select[id$='-value-child_first_name_field']"
    assert dict(visible_options(page, first_name))["prenom"] == (
        "Étape 2 — Enfants à inscrire : Prénom"
    )
    assert page.locator(first_name).input_value() == "prenom"
    assert dict(visible_options(page, "select#id_children_group"))["enfants"] == (
        "Étape 2 — Enfants à inscrire"
    )
    # The condition of « Précisez l'allergie » (step 4) reads the tick box just before it.
    name = page.evaluate(
        """() => [...document.querySelectorAll('input[data-pf-picker="variable"]')]
            .find(i => i.value === 'allergie').name"""
    )
    variable = f"select#{name}"
    operator = f"select[name='{name[: -len('variable')]}operator']"
    open_panels(page, variable)
    options = dict(visible_options(page, variable))
    assert options["jours"] == "Étape 4 — Jours de restauration"
    assert options["enfants.regime"] == "Étape 2 — Enfants à inscrire : Régime alimentaire"
    assert options["caf.quotient_familial"] == "CAF/MSA — Quotient familial (CAF/MSA)"
    assert "caf.commune" not in options  # the CAF block does not tick the address
    assert options["allergie"].startswith("Étape 4 — ")
    # A check box: « est » Oui/Non, « est cochée ».
    assert dict(visible_options(page, operator)) == {
        "equals": "est",
        "is_filled": "est cochée",
        "is_not_filled": "n'est pas cochée",
    }
    page.locator(variable).scroll_into_view_if_needed()
    page.screenshot(path=screenshots / "condition-checkbox.png")

    quantifier = page.locator(f"[name='{name[: -len('variable')]}quantifier']")
    expect(quantifier).to_be_hidden()  # « chaque enfant » means nothing for one tick box

    # A number: no « contient ».
    page.select_option(variable, "caf.quotient_familial")
    operators = [value for value, _label in visible_options(page, operator)]
    assert "contains" not in operators and "less_than" in operators

    # A sub-field of the children's group: « au moins un enfant / chaque enfant ».
    page.select_option(variable, "enfants.regime")
    expect(quantifier).to_be_visible()

    # A multiple choice: « comprend », then a choice of the field's own.
    page.select_option(variable, "jours")
    assert page.locator(operator).input_value() == "contains"
    value_box = page.locator(".pf-value-picker select").filter(has_text="Lundi").first
    expect(value_box).to_be_visible()
    value_box.select_option("Jeudi")
    page.screenshot(path=screenshots / "condition-choice.png")
    save_draft(page)

    stored = DemarchePage.objects.get(pk=demo.pk).get_latest_revision_as_object()
    rules = [
        {key: rule[key] for key in ("variable", "operator", "value")}
        for step in stored.steps
        for child in step.value["fields"]
        if child.value.get("condition")
        for rule in child.value["condition"]["rules"]
    ]
    assert {"variable": "jours", "operator": "contains", "value": "Jeudi"} in rules


def test_the_grid_shows_its_mode_and_a_worked_example(editor, demo, screenshots):
    from playwright.sync_api import expect

    page = editor
    page.goto(f"/admin/pages/{demo.pk}/edit/")
    open_tab(page, "Tarification")
    brackets = page.locator("[name='tariffs-0-value-brackets-count']").locator(
        "xpath=ancestor::*[@data-contentpath='brackets'][1]"
    )
    expect(brackets).to_be_visible()
    page.select_option("[name='tariffs-0-value-mode']", "effort_rate")
    expect(brackets).to_be_hidden()
    open_panels(page, "[name='tariffs-0-value-effort-rate_percent']")
    page.fill("[name='tariffs-0-value-effort-rate_percent']", "0,6")
    page.fill("[name='tariffs-0-value-effort-minimum']", "3")
    page.fill("[name='tariffs-0-value-effort-maximum']", "18")
    page.fill("[name='tariffs-0-value-unit']", "par jour")
    page.locator("[name='tariffs-0-value-mode']").scroll_into_view_if_needed()
    example = page.locator(".pf-grid-example")
    page.wait_for_function(
        "() => document.querySelector('.pf-grid-example').textContent.includes('par jour')"
    )
    page.screenshot(path=screenshots / "grid-effort.png")
    text = example.inner_text().replace("\u202f", " ")
    price = EffortRate(Decimal("0.6"), 3, 18).price(Decimal(200))
    assert f"200 → {price:.2f} € par jour".replace(".", ",") in text  # the same rule
    assert "5 000 → 18,00 € par jour" in text
    expect(page.locator("[name='tariffs-0-value-default_bracket']")).to_be_hidden()


def test_residence_is_a_commune_search_storing_its_insee_code(editor, demo, screenshots):
    from playwright.sync_api import expect

    pass_famille = DemarchePage.objects.get(slug="pass-famille-2027")
    page = editor
    page.goto(f"/admin/pages/{pass_famille.pk}/edit/")
    open_tab(page, "Éligibilité")
    open_panels(page, ".pf-commune")
    commune = page.locator(".pf-commune").first
    expect(commune).to_contain_text("Châlons-en-Champagne (51000) — code INSEE 51108")
    commune.get_by_role("searchbox").fill("51100")
    commune.get_by_role("button", name=re.compile("Reims")).click()
    expect(commune).to_contain_text("Reims (51100) — code INSEE 51454")
    page.screenshot(path=screenshots / "commune.png")
    save_draft(page)
    stored = DemarchePage.objects.get(pk=pass_famille.pk).get_latest_revision_as_object()
    (residence,) = [g for g in stored.eligibility if g.value["name"] == "residence"]
    rule = residence.value["condition"]["rules"][0]
    assert (rule["variable"], rule["value"]) == ("dgfip.commune", "51454")


def test_errors_are_counted_on_their_tab(editor, demo, screenshots):
    page = editor
    page.goto(f"/admin/pages/{demo.pk}/edit/")
    page.evaluate(
        """() => { document.querySelector("input[name^='tariffs'][name$='-value-variable']")
            .value = 'inconnue'; }"""
    )
    save_draft(page)
    tab = page.get_by_role("tab", name=re.compile("Tarification"))
    page.wait_for_function(
        """() => [...document.querySelectorAll('[role=tab]')]
            .some(t => /Tarification/.test(t.textContent) && /1 erreur/.test(t.textContent))"""
    )
    assert tab.get_attribute("aria-selected") == "true"  # the first tab with an error
    page.screenshot(path=screenshots / "tab-errors.png")
    # The message is on the grid's « Donnée », the picker it is about.
    donnee = page.locator("#tariffs-0-value-variable").locator(
        "xpath=ancestor::*[@data-contentpath='variable'][1]"
    )
    assert "La variable « inconnue » n'existe pas." in donnee.inner_text()
