"""Accessibility in Chromium: focus after the buttons that redraw a step, the focus ring's
contrast on every background, 320 px, stacked buttons, error links, and an axe-core audit.

axe-core comes from npm (``npm install --no-save axe-core``, as ``.ci/run`` does) and is read
from ``node_modules/axe-core/axe.min.js`` or ``$PASSFAMILLE_AXE_JS``.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

from .conftest import browser_unavailable, new_page
from .test_demarche_in_chromium import MINIMAL_PDF, Walk, step_url

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parents[2]
AXE = Path(os.environ.get("PASSFAMILLE_AXE_JS") or ROOT / "node_modules/axe-core/axe.min.js")


def luminance(rgb):
    def channel(c):
        c = c / 255
        return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (channel(c) for c in rgb)
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast(a, b):
    high, low = sorted((luminance(a), luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def rgb(css):
    return tuple(int(float(x)) for x in re.findall(r"[\d.]+", css)[:3])


FOCUS_STYLE = """() => {
    const el = document.activeElement;
    const style = getComputedStyle(el);
    function background(node) {
        for (; node && node.nodeType === 1; node = node.parentElement) {
            const bg = getComputedStyle(node).backgroundColor;
            const alpha = bg.match(/rgba\\(.*,\\s*([\\d.]+)\\)/);
            if (bg !== "transparent" && !(alpha && parseFloat(alpha[1]) === 0)) { return bg; }
        }
        return "rgb(255, 255, 255)";
    }
    const halo = style.boxShadow.match(/rgba?\\([^)]*\\)/);
    return {
        tag: el.tagName, name: el.name || el.id || el.textContent.trim().slice(0, 30),
        outlineStyle: style.outlineStyle, outlineWidth: parseFloat(style.outlineWidth),
        outline: style.outlineColor, halo: halo ? halo[0] : null,
        inside: background(el), outside: background(el.parentElement),
    };
}"""


def check_focus_ring(page, presses=80):
    """Tab through the page: every focused element gets a ring of ≥ 3:1 on its surroundings."""
    seen, rows = set(), []
    page.keyboard.press("Tab")
    for _ in range(presses):
        info = page.evaluate(FOCUS_STYLE)
        if info["tag"] == "BODY":  # past the last focusable element
            break
        key = (info["tag"], info["name"])
        if key in seen and info["tag"] != "INPUT":
            break
        seen.add(key)
        assert info["outlineStyle"] != "none" and info["outlineWidth"] >= 2, info
        assert info["halo"], info
        outline, halo = rgb(info["outline"]), rgb(info["halo"])
        # The two tones contrast with each other; against what lies outside the ring and
        # inside it (the element's own background), one of them always reaches 3:1.
        assert contrast(outline, halo) >= 3, info
        for around in (rgb(info["outside"]), rgb(info["inside"])):
            best = max(contrast(outline, around), contrast(halo, around))
            assert best >= 3, (info, best)
        rows.append((info, contrast(outline, rgb(info["outside"]))))
        page.keyboard.press("Tab")
    return rows


def audit(page):
    """axe-core's serious and critical violations of WCAG 2.1 A/AA on the current page."""
    if not AXE.is_file():
        browser_unavailable(f"axe-core is not installed at {AXE} (npm install --no-save axe-core)")
    page.add_script_tag(path=str(AXE))
    result = page.evaluate(
        """() => axe.run(document, {runOnly: {type: "tag",
            values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]}})"""
    )
    return [
        (v["id"], v["impact"], [n["target"] for n in v["nodes"]][:3])
        for v in result["violations"]
        if v["impact"] in ("serious", "critical")
    ]


@pytest.mark.parametrize("javascript", [True, False], ids=["js", "no-js"])
def test_focus_lands_on_the_new_child_the_group_and_the_results(
    browser_available, demo, chromium, live_server, screenshots, javascript
):
    context, page = new_page(chromium, live_server, javascript=javascript)
    try:
        walk = Walk(page, screenshots)
        expect = walk.expect
        walk.to_children()
        walk.first_child()
        walk.press("Tab")
        expect(walk.focused).to_have_text("Ajouter un enfant")
        if javascript:  # in the page: no round trip
            walk.press("Enter")
        else:
            walk.submit_with("Enter", step_url("etape-2"))
        item = page.locator("fieldset.pf-group__item").nth(1)
        if javascript:
            expect(item).to_be_focused()
        # One Tab from the new child's legend to its first field (not 13 from the top).
        walk.tab_to("enfants-1-prenom", "Noé")
        walk.shot("focus-nouvel-enfant")
        if javascript:
            walk.press_button_in_page("Retirer Enfant 2")
        else:
            walk.press_button("Retirer Enfant 2", step_url("etape-2"))
        expect(page.locator("fieldset.pf-group__item")).to_have_count(1)
        group = page.locator("fieldset.pf-group").first
        if javascript:
            expect(group).to_be_focused()
        walk.tab_to("enfants-0-prenom")
        walk.press_button("Continuer", step_url("etape-3"))

        page.get_by_label("Commune de naissance").fill("Charleville")
        if javascript:
            walk.press_button_in_page("Rechercher la commune")
        else:
            walk.press_button("Rechercher la commune", step_url("etape-3"))
        results = page.locator(".pf-commune__results")
        expect(results).to_be_focused()
        walk.press("Tab")
        if javascript:  # a list of buttons, one per commune
            expect(walk.focused).to_have_attribute("type", "button")
        else:
            expect(walk.focused).to_have_attribute("type", "radio")
        walk.shot("focus-resultats-commune")
    finally:
        context.close()


def test_enter_in_the_commune_box_searches_instead_of_sending_the_step(citizen_page, demo):
    walk = Walk(citizen_page, None)
    walk.to_quotient_familial()
    box = citizen_page.get_by_label("Commune de naissance")
    box.fill("Charleville")
    box.focus()
    url = citizen_page.url
    walk.press("Enter")  # the JSON endpoint searches: no navigation
    walk.expect(
        citizen_page.get_by_role("button", name="Charleville-Mézières (08)")
    ).to_be_visible()
    walk.expect(citizen_page.locator(".pf-commune__results")).to_be_focused()
    walk.expect(citizen_page.locator("#pf-error-summary")).to_have_count(0)
    assert citizen_page.url == url


def test_the_focus_ring_contrasts_by_3_to_1_on_every_background(citizen_page, demo):
    page = citizen_page
    walk = Walk(page, None)
    page.goto("/demarches/restauration-scolaire/")
    rows = check_focus_ring(page)
    assert len(rows) > 10
    # The header's links (blue) and the form's buttons (blue on white, white on blue) included.
    assert {r[0]["tag"] for r in rows} >= {"A", "INPUT", "BUTTON"}
    walk.to_quotient_familial()
    page.locator("body").click(position={"x": 1, "y": 1})
    assert len(check_focus_ring(page, presses=120)) > 15


def test_320_pixels_wide_nothing_overflows_and_buttons_stack_in_focus_order(
    browser_available, demo, chromium, live_server, screenshots
):
    context = chromium.new_context(
        base_url=live_server.url, locale="fr-FR", viewport={"width": 320, "height": 640}
    )
    page = context.new_page()
    try:
        walk = Walk(page, screenshots)
        walk.to_quotient_familial()
        page.get_by_label("Je préfère fournir un justificatif").check()
        page.get_by_label("Attestation de quotient familial de moins de 3 mois").set_input_files(
            {"name": "attestation-qf.pdf", "mimeType": "application/pdf", "buffer": MINIMAL_PDF}
        )
        walk.shot("320px-justificatif")
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= 320, width
        files = page.locator('input[type="file"]').first.bounding_box()
        assert files["x"] + files["width"] <= 320
        back = page.get_by_role("button", name="Étape précédente", exact=True)
        go_on = page.get_by_role("button", name="Continuer", exact=True)
        assert back.bounding_box()["y"] < go_on.bounding_box()["y"]  # stacked: back on top
        back.focus()
        walk.press("Tab")
        walk.expect(go_on).to_be_focused()  # and next in focus order
    finally:
        context.close()


def test_an_error_link_keeps_the_label_and_the_message_in_view(
    browser_available, demo, chromium, live_server
):
    context = chromium.new_context(
        base_url=live_server.url, locale="fr-FR", viewport={"width": 1024, "height": 500}
    )
    page = context.new_page()
    try:
        walk = Walk(page, None)
        page.goto("/demarches/restauration-scolaire/")
        walk.responsable()
        walk.submit_with("Enter", step_url("etape-2"))
        page.get_by_label("Prénom").fill("Léa")
        walk.press_button("Continuer", step_url("etape-2"))
        links = page.locator("#pf-error-summary a")
        regime = links.filter(has_text="Régime alimentaire")
        regime.focus()
        walk.press("Enter")
        target = page.locator(regime.get_attribute("href"))
        walk.expect(target).to_be_focused()  # the fieldset of the radios: focusable
        legend = target.locator("legend")
        message = target.locator(".pf-error-message")
        walk.expect(legend).to_be_in_viewport()
        walk.expect(message).to_be_in_viewport()
        walk.press("Tab")
        walk.expect(walk.focused).to_have_attribute("type", "radio")
        # A simple field: the input is focused, its label above still visible.
        links.filter(has_text="Nom").first.focus()
        walk.press("Enter")
        walk.expect(page.get_by_label("Nom", exact=True)).to_be_focused()
        label = page.locator("label", has_text=re.compile(r"^Nom$"))
        walk.expect(label).to_be_in_viewport()
    finally:
        context.close()


@pytest.mark.parametrize("language", ["fr-FR", "en-GB"])
def test_axe_core_finds_no_serious_or_critical_violation(
    browser_available, demo, chromium, live_server, screenshots, language
):
    context = chromium.new_context(
        base_url=live_server.url,
        locale=language,
        extra_http_headers={"Accept-Language": language},
        viewport={"width": 1024, "height": 900},
        bypass_csp=True,  # axe-core is injected by the test, not served by the site
    )
    page = context.new_page()
    try:
        walk = Walk(page, screenshots)
        found = {}
        page.goto("/demarches/")
        found["portail"] = audit(page)
        page.goto("/demarches/restauration-scolaire/")
        found["etape-1"] = audit(page)
        page.get_by_role("button", name=re.compile("Continuer|Continue")).last.click()
        page.wait_for_load_state()
        found["etape-1-erreurs"] = audit(page)
        walk.to_children()
        walk.first_child()
        walk.press("Tab")
        walk.press("Enter")  # « Ajouter un enfant », in the page
        walk.expect(page.locator(".pf-group__item")).to_have_count(2)
        found["etape-2"] = audit(page)
        page.get_by_role("button", name=re.compile("Retirer|Remove")).last.click()
        walk.expect(page.locator(".pf-group__item")).to_have_count(1)
        walk.press_button(
            page.get_by_role("button", name=re.compile("^(Continuer|Continue)$")).last.inner_text(),
            step_url("etape-3"),
        )
        page.get_by_label(re.compile("^(Commune de naissance|Town of birth)")).fill("Saint")
        page.get_by_role("button", name=re.compile("Rechercher|Search")).click()
        walk.expect(page.locator(".pf-commune__list button").first).to_be_visible()
        found["etape-3-recherche"] = audit(page)
        page.locator(".pf-commune__list button").first.click()
        walk.expect(page.locator(".pf-commune__results strong")).to_be_visible()
        found["etape-3-commune-choisie"] = audit(page)
        assert {k: v for k, v in found.items() if v} == {}
    finally:
        context.close()


def test_the_time_limit_warns_before_it_runs_out_and_can_be_extended(citizen_page, demo):
    page = citizen_page
    walk = Walk(page, None)
    page.clock.install()
    page.goto("/demarches/restauration-scolaire/")
    walk.expect(page.locator(".pf-time-limit")).to_contain_text("120 minutes sans activité")
    warning = page.locator(".pf-timeout__warning")
    walk.expect(warning).to_be_hidden()
    page.clock.run_for("01:56:00")  # four minutes before the answers are erased
    walk.expect(warning).to_contain_text("Votre démarche va bientôt expirer")
    walk.expect(warning).to_have_attribute("role", "alert")
    page.get_by_label("Nom", exact=True).fill("Durand")
    walk.press_button("Prolonger le délai", step_url("etape-1"))
    walk.expect(page.locator(".pf-messages")).to_contain_text("Délai prolongé")
    walk.expect(page.get_by_label("Nom", exact=True)).to_have_value("Durand")
