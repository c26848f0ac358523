#!/usr/bin/env python3
"""Screenshots of the demo for the documentation site, taken by Chromium: docs/images/*.png.

    .venv/bin/python scripts/screenshots.py [--out docs/images]

Sets the demo up as `make demo` does (demo settings, migrate, seed_demo, the API sandbox and the
development server), in a throwaway database, on free loopback ports. Then a citizen completes
the canteen démarche in the browser (the real wizard, its certified data from the sandbox), and
the script photographs the citizen pages, the editor's tabs, the agents' back-office and the
fiche habilitation. Then the editor creates the leisure centre from its model, previews it with
families of several children and publishes it, and a citizen registers two children in it.
CI runs it before `mkdocs build --strict`, so the pictures never go stale.
Needs Playwright and Debian's Chromium (never `playwright install`); stops all it started.
"""

from __future__ import annotations

import argparse
import os
import re
import socket
import subprocess
import sys
import tempfile
import time
import unicodedata
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parents[1]
SITE = ROOT / "site"
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for(port: int, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with socket.socket() as sock:
            if sock.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.2)
    raise SystemExit(f"nothing listens on 127.0.0.1:{port}")


def manage(*args: str) -> None:
    subprocess.run([sys.executable, "manage.py", *args], cwd=SITE, check=True)


def citizen_forms() -> dict[str, dict[str, str]]:
    """What the citizen types at each step, keyed as the wizard's forms name their fields."""
    sys.path[:0] = [str(ROOT), str(SITE)]
    import django

    django.setup()
    from tests.demarches.helpers import (
        ENFANT_LEA,
        FREQUENTATION,
        LEFEBVRE,
        RESPONSABLE,
        Citizen,
        enfants,
    )
    from wagtail_passfamille.models import DemarchePage

    page = DemarchePage.objects.get(slug="restauration-scolaire")
    citizen = Citizen(page)
    steps = {
        "etape-1": RESPONSABLE,
        "etape-2": enfants(ENFANT_LEA),
        "etape-3": LEFEBVRE,
        "etape-4": FREQUENTATION,
        "etape-6": {"attestation": "on"},
    }
    forms = {slug: citizen.data(slug, values) for slug, values in steps.items()}
    forms["_ids"] = {"page": str(page.pk), "portal": str(page.get_parent().pk)}
    return forms


def leisure_identity_form(page_id: str) -> dict[str, str]:
    """Step 2 of the leisure centre created from the model: MARTIN Pierre's identity (MSA)."""
    from tests.demarches.helpers import MARTIN, Citizen
    from wagtail_passfamille.models import DemarchePage

    return Citizen(DemarchePage.objects.get(pk=page_id)).data("etape-2", MARTIN)


def post_step(page, form: dict) -> None:
    """Post one step as the browser's form would (same cookies, CSRF token of the page)."""
    token = page.locator("input[name=csrfmiddlewaretoken]").first.get_attribute("value")
    body = urlencode({**form, "csrfmiddlewaretoken": token}, doseq=True)
    response = page.request.post(
        page.url,
        data=body,
        headers={"Content-Type": "application/x-www-form-urlencoded", "Referer": page.url},
        max_redirects=0,
    )
    if response.status != 302:
        raise SystemExit(f"{page.url}: {response.status}, the step was not accepted")
    page.goto(response.headers["location"])


def shoot(page, out: Path, name: str, *, full_page: bool = True) -> None:
    page.screenshot(path=str(out / f"{name}.png"), full_page=full_page)
    print(f"  {name}.png")


def take(base: str, out: Path, forms: dict) -> None:
    from playwright.sync_api import sync_playwright

    ids = forms.pop("_ids")
    page_id, portal_id = ids["page"], ids["portal"]
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path="/usr/bin/chromium", headless=True, args=CHROMIUM_ARGS
        )
        context = browser.new_context(
            base_url=base, viewport={"width": 1100, "height": 800}, locale="fr-FR"
        )
        page = context.new_page()

        # The citizen: the portal, each kind of step, the recap and the receipt.
        page.goto("/demarches/")
        shoot(page, out, "citoyen-portail")
        page.goto("/demarches/restauration-scolaire/")
        shoot(page, out, "citoyen-etape-responsable")
        post_step(page, forms["etape-1"])
        post_step(page, forms["etape-2"])
        shoot(page, out, "citoyen-etape-quotient-familial")
        post_step(page, forms["etape-3"])
        post_step(page, forms["etape-4"])
        post_step(page, forms["etape-6"])
        shoot(page, out, "citoyen-recapitulatif")
        page.get_by_role("button", name=re.compile("Envoyer")).click()
        page.wait_for_url(re.compile(r"/confirmation/$"))
        shoot(page, out, "citoyen-accuse-de-reception")

        # The editor and the agents, logged in as the demo's admin.
        page.goto("/admin/login/")
        page.locator("input[name=username]").fill("admin")
        page.locator("input[name=password]").fill("demoville")
        page.locator("form button[type=submit]").click()
        page.wait_for_url(re.compile(r"/admin/$"))
        page.goto(f"/admin/pages/{page_id}/edit/")
        tabs = page.get_by_role("tab")
        for index in range(tabs.count()):
            tab = tabs.nth(index)
            plain = unicodedata.normalize("NFKD", tab.inner_text().strip().lower())
            plain = "".join(c for c in plain if not unicodedata.combining(c))
            label = re.sub(r"[^a-z0-9]+", "-", plain).strip("-")
            tab.click(force=True)  # the editor's sticky header may overlap the tab list
            shoot(page, out, f"editeur-onglet-{index + 1}-{label or 'onglet'}", full_page=False)
        page.goto("/admin/passfamille/demandes/")
        shoot(page, out, "instruction-liste")
        page.locator("a[href*='/demandes/inspect/']").first.click()
        page.wait_for_load_state()
        shoot(page, out, "instruction-demande")
        page.goto(f"/admin/passfamille/demarches/{page_id}/fiche-habilitation/")
        shoot(page, out, "fiche-habilitation")
        slug = leisure_centre_editor(page, out, portal_id)
        leisure_centre_citizen(browser.new_context(base_url=base, locale="fr-FR"), out, slug)
        browser.close()


def leisure_centre_editor(page, out: Path, portal_id: str) -> str:
    """The editor creates the leisure centre from its model, looks at its tabs, previews it
    with families of several children, publishes it. Returns the page's slug."""
    page.goto(f"/admin/pages/add/wagtail_passfamille/demarchepage/{portal_id}/")
    shoot(page, out, "loisirs-1-modeles")
    card = page.locator("li", has=page.get_by_role("heading", name="Accueil de loisirs"))
    card.get_by_role("button", name="Créer le brouillon").click()
    page.wait_for_url(re.compile(r"/admin/pages/\d+/edit/$"))
    new_id = re.search(r"/pages/(\d+)/edit/", page.url)[1]
    shoot(page, out, "loisirs-2-brouillon", full_page=False)
    page.set_viewport_size({"width": 1100, "height": 1700})
    for number, name, label in (
        (3, "Étapes", "etapes"),
        (4, "Éligibilité", "eligibilite"),
        (5, "Tarification", "tarification"),
    ):
        page.get_by_role("tab", name=re.compile(name)).click(force=True)
        if label == "etapes":  # the children group, its PAI document and its condition
            page.evaluate(
                """() => [...document.querySelectorAll("input")]
                    .find((input) => input.value === "Document PAI")
                    .scrollIntoView({block: "center"})"""
            )
        shoot(page, out, f"loisirs-{number}-{label}", full_page=False)
    page.set_viewport_size({"width": 1100, "height": 800})
    # Wagtail's preview: the edit form posted to the preview URL, then a preview mode shown.
    preview_url = f"/admin/pages/{new_id}/edit/preview/"
    page.evaluate(
        """async (url) => {
            const form = document.querySelector("[data-edit-form]");
            await fetch(url, {method: "POST", body: new FormData(form)});
        }""",
        preview_url,
    )
    for number, family in ((6, "mercier"), (7, "penderie")):
        page.goto(f"{preview_url}?mode=famille-{family}")
        shoot(page, out, f"loisirs-{number}-apercu-{family}")
    page.goto(f"/admin/pages/{new_id}/edit/")
    with page.expect_navigation():
        page.evaluate("document.querySelector('button[name=action-publish]').click()")
    from wagtail_passfamille.models import DemarchePage

    demarche = DemarchePage.objects.get(pk=new_id)
    if not demarche.live:
        raise SystemExit("the leisure centre made from the model was not published")
    return demarche.slug


def leisure_centre_citizen(context, out: Path, slug: str) -> None:
    """A citizen registers two children: the PAI document asked for Zoé (PAI = Oui) only, Léa
    (17 on 1 September 2027) refused by name, the recap and the receipt."""
    page = context.new_page()
    page.set_viewport_size({"width": 1100, "height": 800})
    page.goto(f"/demarches/{slug}/")
    for name, value in (
        ("nom_demandeur", "Martin"),
        ("prenom_demandeur", "Pierre"),
        ("email", "pierre.martin@example.org"),
        ("telephone", "06 12 34 56 78"),
    ):
        page.locator(f'[name$="-{name}"]').fill(value)
    shoot(page, out, "loisirs-citoyen-1-responsable")
    page.get_by_role("button", name="Continuer", exact=True).click()
    page.wait_for_url(re.compile(r"/etape-2/"))
    shoot(page, out, "loisirs-citoyen-2-caf")
    from wagtail_passfamille.models import DemarchePage

    post_step(page, leisure_identity_form(str(DemarchePage.objects.get(slug=slug).pk)))
    page.get_by_role("button", name="Ajouter un enfant").click()
    items = page.locator("fieldset.pf-group__item")
    items.nth(1).wait_for()
    children = (("Zoé", "20", "6", "2019", "Oui"), ("Léa", "2", "3", "2010", "Non"))
    for index, (first, day, month, year, pai) in enumerate(children):
        item = items.nth(index)
        item.locator(f'[name$="enfants-{index}-prenom"]').fill(first)
        item.locator(f'[name$="enfants-{index}-nom"]').fill("Martin")
        for part, value in enumerate((day, month, year)):
            item.locator(f'[name$="enfants-{index}-date_naissance_{part}"]').fill(value)
        item.get_by_label(pai, exact=True).check()
        item.get_by_label("Semaine du 5 juillet").check()
    items.nth(0).get_by_label("Document PAI").set_input_files(
        {"name": "pai-zoe.pdf", "mimeType": "application/pdf", "buffer": PDF}
    )
    shoot(page, out, "loisirs-citoyen-3-enfants")
    page.get_by_role("button", name="Continuer", exact=True).click()
    page.wait_for_url(re.compile(r"/etape-4/"))
    shoot(page, out, "loisirs-citoyen-4-refus")
    page.get_by_label(re.compile("J'atteste")).check()
    page.get_by_role("button", name="Continuer", exact=True).click()
    page.wait_for_url(re.compile(r"/recapitulatif/"))
    shoot(page, out, "loisirs-citoyen-5-recapitulatif")
    page.get_by_role("button", name=re.compile("Envoyer")).click()
    page.wait_for_url(re.compile(r"/confirmation/$"))
    shoot(page, out, "loisirs-citoyen-6-accuse-de-reception")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "images")
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix="passfamille-screenshots-"))
    sandbox_port, web_port = free_port(), free_port()
    os.environ.update(
        DJANGO_SETTINGS_MODULE="demo.settings.dev",
        PASSFAMILLE_DEMO_DB=str(tmp / "db.sqlite3"),
        PASSFAMILLE_SANDBOX_URL=f"http://127.0.0.1:{sandbox_port}",
        DJANGO_ALLOW_ASYNC_UNSAFE="1",  # the ORM before Playwright's loop starts
    )
    manage("migrate", "--no-input", "-v", "0")
    manage("seed_demo")
    processes = [
        subprocess.Popen(
            [sys.executable, "-m", "wagtail_passfamille.sandbox", "--host", "127.0.0.1",
             "--port", str(sandbox_port)],
            cwd=SITE, stdout=subprocess.DEVNULL,
        ),
        subprocess.Popen(
            [sys.executable, "manage.py", "runserver", f"127.0.0.1:{web_port}", "--noreload"],
            cwd=SITE, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        ),
    ]  # fmt: skip
    try:
        wait_for(sandbox_port)
        wait_for(web_port)
        forms = citizen_forms()
        print(f"Screenshots into {args.out}:")
        take(f"http://127.0.0.1:{web_port}", args.out, forms)
    finally:
        for process in processes:
            process.terminate()
            process.wait(timeout=30)
    return 0


if __name__ == "__main__":
    sys.exit(main())
