"""The DSFR theme: the same démarche, the same POST, rendered with DSFR components.

A State site sets ``WAGTAIL_PASSFAMILLE_THEME = "dsfr"`` and installs django-dsfr. These tests do
not add ``"dsfr"`` to ``INSTALLED_APPS`` at run time: repopulating the app registry runs every
``AppConfig.ready()`` again, and wagtail.contrib.redirects then mounts its django-ninja router a
second time (``ConfigError``); adding it to the test settings would make the E005 check test
(``dsfr`` absent) meaningless. What the ``dsfr`` app brings to templates — its template directory
and its ``dsfr_tags`` library — is given to the template engine instead.
"""

from __future__ import annotations

import copy
import datetime as dt
import re
from html.parser import HTMLParser
from pathlib import Path

import dsfr
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone

from wagtail_passfamille.models import Submission

from .demarches.helpers import (
    ENFANT_LEA,
    FREQUENTATION,
    LEFEBVRE,
    RESPONSABLE,
    Citizen,
    enfants,
)

DSFR_TEMPLATES = Path(dsfr.__file__).resolve().parent / "templates"
MINIMAL_PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture
def cantine(db, sandbox):
    """The demo canteen démarche, its certified-data step served by the sandbox."""
    from django.core.management import call_command

    from wagtail_passfamille.models import DemarchePage

    call_command("seed_demo", "--no-admin", verbosity=0)
    return DemarchePage.objects.get(slug="restauration-scolaire")


@pytest.fixture
def dsfr_theme(settings):
    templates = copy.deepcopy(settings.TEMPLATES)
    templates[0]["DIRS"] = [*templates[0].get("DIRS", []), str(DSFR_TEMPLATES)]
    templates[0]["OPTIONS"]["libraries"] = {"dsfr_tags": "dsfr.templatetags.dsfr_tags"}
    settings.TEMPLATES = templates
    settings.WAGTAIL_PASSFAMILLE_THEME = "dsfr"
    # THEME = "dsfr" alone must give a styled page: no BASE_TEMPLATE (the demo sets its own).
    del settings.WAGTAIL_PASSFAMILLE_BASE_TEMPLATE
    return settings


# Reading pages ---------------------------------------------------------------------------------


class Page(HTMLParser):
    """Elements of a page as (tag, attrs) in document order, with their ids."""

    def __init__(self, html):
        super().__init__(convert_charrefs=True)
        self.elements = []
        self.text = html
        self.in_template = 0
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        # A <template>'s content is inert (never shown nor posted): passfamille.js clones it.
        if tag == "template":
            self.in_template += 1
        elif not self.in_template:
            self.elements.append((tag, {k: (v if v is not None else "") for k, v in attrs}))

    def handle_endtag(self, tag):
        if tag == "template":
            self.in_template -= 1

    handle_startendtag = handle_starttag

    def ids(self):
        return [attrs["id"] for _tag, attrs in self.elements if "id" in attrs]

    def by_id(self, element_id):
        return next(attrs for _tag, attrs in self.elements if attrs.get("id") == element_id)

    def with_class(self, name):
        return [
            (tag, attrs) for tag, attrs in self.elements if name in attrs.get("class", "").split()
        ]

    def controls(self):
        """What a browser would post or press: names, types, values, checked and selected."""
        controls, select = [], None
        for tag, attrs in self.elements:
            if tag == "select":
                select = [tag, attrs.get("name"), None]
                controls.append(select)
            elif tag == "option" and select is not None and "selected" in attrs:
                select[2] = attrs.get("value")
            elif tag in ("input", "textarea", "button"):
                # A hidden button cannot be pressed (« Retirer » at the group's minimum).
                if attrs.get("name") == "csrfmiddlewaretoken" or (
                    tag == "button" and "hidden" in attrs
                ):
                    continue
                controls.append(
                    [
                        tag,
                        attrs.get("name"),
                        attrs.get("type", "submit" if tag == "button" else "text"),
                        attrs.get("value"),
                        "checked" in attrs,
                        "formnovalidate" in attrs,
                    ]
                )
        return controls

    def form(self):
        return next(attrs for tag, attrs in self.elements if tag == "form")


def html_of(response):
    assert response.status_code == 200, response.status_code
    return response.content.decode()


def assert_accessible_references(page: Page, known_duplicates=()):
    """No duplicate id; every aria-describedby, label and error link points to an element."""
    ids = page.ids()
    duplicates = {i for i in ids if ids.count(i) > 1} - set(known_duplicates)
    assert not duplicates, duplicates
    for _tag, attrs in page.elements:
        for ref in attrs.get("aria-describedby", "").split():
            assert ref in ids, f"aria-describedby={ref!r} points to nothing"
        for ref in attrs.get("aria-labelledby", "").split():
            assert ref in ids, f"aria-labelledby={ref!r} points to nothing"
    for tag, attrs in page.elements:
        if tag == "label" and attrs.get("for"):
            assert attrs["for"] in ids, f"label for={attrs['for']!r} points to nothing"
    for _tag, attrs in page.with_class("fr-alert--error"):
        if attrs.get("id") == "pf-error-summary":
            links = re.findall(r'<a href="#([^"]+)"', page.text.split('id="pf-error-summary"')[1])
            for anchor in links:
                assert anchor in ids, f"error link #{anchor} points to nothing"


# The DSFR theme --------------------------------------------------------------------------------


def test_the_dsfr_theme_defaults_the_base_template_and_an_explicit_one_wins(settings):
    from wagtail_passfamille.conf import get_setting

    del settings.WAGTAIL_PASSFAMILLE_BASE_TEMPLATE
    settings.WAGTAIL_PASSFAMILLE_THEME = "dsfr"
    assert get_setting("BASE_TEMPLATE") == "wagtail_passfamille/dsfr/base.html"
    settings.WAGTAIL_PASSFAMILLE_THEME = "neutral"
    assert get_setting("BASE_TEMPLATE") == "base.html"
    settings.WAGTAIL_PASSFAMILLE_THEME = "dsfr"
    settings.WAGTAIL_PASSFAMILLE_BASE_TEMPLATE = "sites_faciles/base.html"
    assert get_setting("BASE_TEMPLATE") == "sites_faciles/base.html"


def test_the_dsfr_base_loads_dsfr_through_django_dsfr_and_works_without_javascript(
    cantine, dsfr_theme
):
    html = html_of(Citizen(cantine).start())
    head, body = html.split("</head>")
    # django-dsfr's {% dsfr_css %} and {% dsfr_js %}: the stylesheets in the head, the scripts
    # (module and nomodule) at the end of the body, the page readable before they run.
    assert "dsfr/dist/dsfr/dsfr.min.css" in head and "dsfr/dist/utility/utility.min.css" in head
    assert 'type="module"' in body and "dsfr/dist/dsfr/dsfr.module.min.js" in body
    assert "dsfr.nomodule.min.js" in body
    assert "wagtail_passfamille/js/passfamille.js" in body
    assert "passfamille.css" not in html  # the neutral stylesheet is for the neutral theme
    assert re.search(r"<title>Étape 1 : Responsable légal — Inscription à la restauration", head)
    assert 'class="fr-skiplinks"' in body and 'href="#content"' in body
    assert 'id="content"' in body and 'class="fr-header"' in body and "fr-footer" in body


def test_a_citizen_goes_through_the_canteen_demarche_with_dsfr_components(
    cantine, dsfr_theme, private_dir
):
    citizen = Citizen(cantine)
    page = Page(html_of(citizen.start()))
    assert page.with_class("fr-stepper") and page.with_class("fr-stepper__state")
    assert "Étape 1 :" in page.text
    # The PAI step may still appear: no total, no bar that would jump from 6 to 7 steps.
    assert not page.with_class("fr-stepper__steps")
    assert len(page.with_class("fr-input-group")) >= 4  # nom, prénom, e-mail, téléphone…
    email = page.by_id(f"id_{citizen.prefix('etape-1')}-email")
    assert "fr-input" in email["class"].split() and email["type"] == "email"
    hint = email["aria-describedby"]
    assert "fr-hint-text" in page.by_id(hint)["class"]
    address = page.by_id(f"id_{citizen.prefix('etape-1')}-adresse")
    assert "fr-fieldset" in address["class"]  # four inputs, one legend
    buttons = [(a.get("name"), a["class"]) for _t, a in page.with_class("fr-btn")]
    # « Continuer », then « Prolonger le délai » (the time limit, WCAG 2.2.1) and
    # « Enregistrer et reprendre plus tard ».
    assert buttons == [
        (None, "fr-btn"),
        ("passfamille_extend", "fr-btn fr-btn--tertiary fr-btn--sm"),
        ("passfamille_save_draft", "fr-btn fr-btn--tertiary fr-btn--sm"),
    ]
    assert_accessible_references(page)

    assert citizen.post("etape-1", RESPONSABLE).status_code == 302

    page = Page(html_of(citizen.client.get(citizen.url("etape-2"))))
    assert "Étape 2 :" in page.text
    assert page.with_class("fr-select") and page.with_class("fr-radio-group")
    assert page.with_class("fr-btn--secondary")  # "Ajouter un enfant", "Étape précédente"
    assert_accessible_references(page)
    assert citizen.post("etape-2", enfants(ENFANT_LEA)).status_code == 302

    # Certified data (CAF/MSA): the notice, the choice, the identity, the birthplace search.
    prefix = citizen.prefix("etape-3")
    page = Page(html_of(citizen.client.get(citizen.url("etape-3"))))
    assert "Étape 3 :" in page.text and page.with_class("fr-callout")
    choice = page.by_id(f"id_{prefix}-caf__choix")
    assert choice["class"].split()[0] == "fr-fieldset" and page.with_class("fr-radio-group")
    for part, kind in ((0, "fr-fieldset__element--number"), (2, "fr-fieldset__element--year")):
        day_or_year = page.by_id(f"id_{prefix}-caf__naissance_{part}")
        assert "fr-input" in day_or_year["class"]
        assert kind in page.text
    search = next(a for t, a in page.elements if a.get("name") == "passfamille_search")
    assert "fr-btn" in search["class"] and search["value"] == "caf"
    # The neutral block template renders the commune's hidden input a second time (reported).
    assert_accessible_references(page, known_duplicates={f"id_{prefix}-caf__commune"})
    searching = {**LEFEBVRE, "caf__commune": "", "caf__commune_recherche": "villers-semeuse"}
    page = Page(html_of(citizen.post("etape-3", searching, raw={"passfamille_search": "caf"})))
    found = page.by_id(f"id_{prefix}-caf__commune_1")
    assert found["value"] == "08480" and "Villers-Semeuse (08)" in page.text
    assert page.with_class("fr-radio-group") and "pf-error-summary" not in page.text
    assert citizen.post("etape-3", {**searching, "caf__commune": "08480"}).status_code == 302
    page = Page(html_of(citizen.client.get(citizen.url("etape-3"))))
    assert page.with_class("fr-alert--success")  # "Informations récupérées auprès de…"

    page = Page(html_of(citizen.client.get(citizen.url("etape-4"))))
    assert page.with_class("fr-checkbox-group") and page.with_class("fr-fieldset")
    condition = page.by_id(f"id_{citizen.prefix('etape-4')}-precision_allergie-container")
    assert "data-condition" in condition and condition["data-prefix"]
    assert_accessible_references(page)
    response = citizen.post(
        "etape-4", {**FREQUENTATION, "allergie": "on", "precision_allergie": "Arachide"}
    )
    assert response.status_code == 302

    page = Page(html_of(citizen.client.get(citizen.url("etape-5"))))
    assert "Étape 5 sur 7" in page.text
    steps = page.with_class("fr-stepper__steps")[0][1]
    assert (steps["data-fr-current-step"], steps["data-fr-steps"]) == ("5", "7")
    assert page.with_class("pf-information") and "Un PAI est établi" in page.text
    upload = page.by_id(f"id_{citizen.prefix('etape-5')}-certificat_medical")
    assert upload["type"] == "file" and "fr-upload" in upload["class"]
    assert page.with_class("fr-upload-group")
    pdf = SimpleUploadedFile("certificat.pdf", MINIMAL_PDF, "application/pdf")
    assert citizen.post("etape-5", {"certificat_medical": pdf}).status_code == 302
    back = Page(html_of(citizen.client.get(citizen.url("etape-5"))))
    current = back.by_id(f"id_{citizen.prefix('etape-5')}-certificat_medical-current")
    assert current is not None and "Fichier joint : certificat.pdf" in back.text
    upload = back.by_id(f"id_{citizen.prefix('etape-5')}-certificat_medical")
    assert upload["aria-describedby"].split()[0] == current["id"]
    assert citizen.post("etape-5", {}).status_code == 302
    assert citizen.post("etape-6", {"attestation": "on"}).status_code == 302

    recap = Page(html_of(citizen.client.get(citizen.url("recapitulatif"))))
    assert "Récapitulatif de votre demande" in recap.text and "Étape 7 sur 7" in recap.text
    assert "Léa" in recap.text and "Arachide" in recap.text and "certificat.pdf" in recap.text
    assert len(recap.with_class("fr-icon-edit-line")) == 6  # one "Modifier" link per step
    honeypot = next(a for t, a in recap.elements if a.get("name", "").endswith("-site_web"))
    assert honeypot["tabindex"] == "-1"
    wrapper = recap.text.split(f'id="{honeypot["id"]}"')[0].rsplit("<div", 1)[1]
    assert "fr-sr-only" in wrapper and 'aria-hidden="true"' in wrapper
    assert_accessible_references(recap)

    done = citizen.post("recapitulatif", {})
    assert done.status_code == 302
    submission = Submission.objects.get()
    receipt = Page(html_of(citizen.client.get(done["Location"])))
    success = receipt.with_class("fr-alert--success")
    assert success and success[0][1]["role"] == "status"
    assert submission.reference in receipt.text and re.search(r"CANT-\d{4}-\d{6}", receipt.text)
    assert receipt.with_class("fr-callout")
    # Printing needs JavaScript: hidden until passfamille.js shows it (fr-btn ignores "hidden").
    print_wrapper = receipt.with_class("pf-print")[0][1]
    assert "hidden" in print_wrapper
    assert submission.answers["precision_allergie"] == "Arachide"
    assert "certificat.pdf" in [f.original_name for f in submission.files.all()]


def test_errors_are_summarised_in_a_dsfr_alert_and_tied_to_their_fields(cantine, dsfr_theme):
    citizen = Citizen(cantine)
    citizen.start()
    prefix = citizen.prefix("etape-1")
    response = citizen.post("etape-1", {**RESPONSABLE, "email": "pas-un-email", "adresse_2": "12"})
    page = Page(html_of(response))
    assert "<title>Erreur :" in page.text
    summary = page.by_id("pf-error-summary")
    assert summary["class"].split()[:2] == ["fr-alert", "fr-alert--error"]
    assert summary["role"] == "alert" and summary["tabindex"] == "-1"
    assert "Il y a 2 erreurs dans le formulaire" in page.text
    assert f'href="#id_{prefix}-email"' in page.text
    assert f'href="#id_{prefix}-adresse"' in page.text  # the address fieldset

    email = page.by_id(f"id_{prefix}-email")
    assert email["aria-invalid"] == "true" and "fr-input--error" in email["class"]
    described = email["aria-describedby"].split()
    assert described == [f"id_{prefix}-email-hint", f"id_{prefix}-email-error"]
    error = page.by_id(f"id_{prefix}-email-error")
    assert "fr-messages-group" in error["class"]
    assert "fr-input-group--error" in page.text and "fr-error-text" in page.text
    assert "Saisissez une adresse de courriel valide." in page.text

    address = page.by_id(f"id_{prefix}-adresse")
    assert "fr-fieldset--error" in address["class"]
    assert address["aria-describedby"] == f"id_{prefix}-adresse-error"
    for part in range(4):
        assert page.by_id(f"id_{prefix}-adresse_{part}")["aria-invalid"] == "true"
    assert 'value="Durand"' in page.text and 'value="3 rue des Lilas"' in page.text
    assert_accessible_references(page)

    # A group of radio buttons: the fieldset carries the error, the summary links to it.
    citizen.post("etape-1", RESPONSABLE)
    page = Page(html_of(citizen.post("etape-2", enfants({**ENFANT_LEA, "regime": ""}))))
    regime = page.by_id(f"id_{citizen.prefix('etape-2')}-enfants-0-regime")
    assert regime["class"].split() == ["fr-fieldset", "fr-fieldset--error"]
    assert f'href="#id_{citizen.prefix("etape-2")}-enfants-0-regime"' in page.text
    assert_accessible_references(page)

    # Certified data: choosing to fetch asks for the identity, field by field.
    citizen.post("etape-2", enfants(ENFANT_LEA))
    prefix = citizen.prefix("etape-3")
    page = Page(html_of(citizen.post("etape-3", {"caf__choix": "recuperer"})))
    assert page.by_id("pf-error-summary")
    assert f'href="#id_{prefix}-caf__naissance"' in page.text
    birth = page.by_id(f"id_{prefix}-caf__naissance")
    assert "fr-fieldset--error" in birth["class"] and birth["aria-describedby"].endswith("-error")
    assert_accessible_references(page, known_duplicates={f"id_{prefix}-caf__commune"})

    # A same-step condition: shown (ticked) but empty, the textarea is required.
    citizen.post("etape-3", LEFEBVRE)
    page = Page(html_of(citizen.post("etape-4", {**FREQUENTATION, "allergie": "on"})))
    textarea = page.by_id(f"id_{citizen.prefix('etape-4')}-precision_allergie")
    assert textarea["aria-invalid"] == "true" and "fr-input--error" in textarea["class"]
    assert_accessible_references(page)


def test_add_and_remove_children_without_javascript_in_dsfr(cantine, dsfr_theme):
    citizen = Citizen(cantine)
    citizen.start()
    citizen.post("etape-1", RESPONSABLE)
    prefix = citizen.prefix("etape-2")
    added = Page(
        html_of(citizen.post("etape-2", enfants(ENFANT_LEA), raw={"passfamille_add": "enfants"}))
    )
    assert len(added.with_class("pf-group__item")) == 2
    assert "pf-error-summary" not in added.text
    assert f'name="{prefix}-enfants-TOTAL_FORMS" value="2"' in added.text
    removes = [
        a for t, a in added.elements if t == "button" and a.get("name") == "passfamille_remove"
    ]
    assert [a["value"] for a in removes] == ["enfants-0", "enfants-1"]
    assert all("fr-btn" in a["class"] for a in removes)
    assert "Retirer Enfant 2" in added.text
    assert_accessible_references(added)

    removed = Page(
        html_of(
            citizen.post(
                "etape-2",
                enfants(ENFANT_LEA, {**ENFANT_LEA, "prenom": "Noé"}),
                raw={"passfamille_remove": "enfants-0"},
            )
        )
    )
    assert len(removed.with_class("pf-group__item")) == 1
    assert 'value="Noé"' in removed.text and 'value="Léa"' not in removed.text


def step_pages(cantine, client_factory):
    """Every page of one walk through the démarche, errors and group buttons included."""
    citizen = Citizen(cantine, client_factory())
    pages = {"start": citizen.start()}
    pages["etape-1 erreurs"] = citizen.post("etape-1", {**RESPONSABLE, "email": "x"})
    citizen.post("etape-1", RESPONSABLE)
    pages["etape-2 ajout"] = citizen.post(
        "etape-2", enfants(ENFANT_LEA), raw={"passfamille_add": "enfants"}
    )
    pages["etape-2 erreurs"] = citizen.post("etape-2", enfants({**ENFANT_LEA, "regime": ""}))
    citizen.post("etape-2", enfants(ENFANT_LEA))
    pages["etape-3 erreurs"] = citizen.post("etape-3", {"caf__choix": "recuperer"})
    searching = {**LEFEBVRE, "caf__commune": "", "caf__commune_recherche": "villers-semeuse"}
    pages["etape-3 recherche"] = citizen.post(
        "etape-3", searching, raw={"passfamille_search": "caf"}
    )
    citizen.post("etape-3", LEFEBVRE)
    pages["etape-3 vérifiée"] = citizen.client.get(citizen.url("etape-3"))
    pages["etape-4 erreurs"] = citizen.post("etape-4", {"allergie": "on"})
    citizen.post("etape-4", {**FREQUENTATION, "allergie": "on", "precision_allergie": "Gluten"})
    pages["etape-5"] = citizen.client.get(citizen.url("etape-5"))
    citizen.post("etape-5", {})
    pages["etape-6 erreurs"] = citizen.post("etape-6", {})
    citizen.post("etape-6", {"attestation": "on"})
    pages["recapitulatif"] = citizen.client.get(citizen.url("recapitulatif"))
    citizen.post("recapitulatif", {})
    return {name: Page(html_of(response)) for name, response in pages.items()}


def test_the_dsfr_pages_post_exactly_what_the_neutral_pages_post(cantine, settings, dsfr_theme):
    """Same field names and values, same buttons (names, values, formnovalidate), same form."""
    dsfr_pages = step_pages(cantine, Client)
    settings.WAGTAIL_PASSFAMILLE_THEME = "neutral"
    settings.WAGTAIL_PASSFAMILLE_BASE_TEMPLATE = "demo/base.html"
    neutral_pages = step_pages(cantine, Client)
    assert dsfr_pages.keys() == neutral_pages.keys()
    for name, neutral in neutral_pages.items():
        themed = dsfr_pages[name]
        assert "fr-btn" in themed.text and "fr-btn" not in neutral.text, name
        # Instance ids differ between the two walks; prefixes and names do not.
        strip = re.compile(r"[0-9a-f]{32}")
        assert strip.sub("…", themed.form()["action"]) == strip.sub("…", neutral.form()["action"])
        for key in ("method", "enctype", "novalidate"):
            assert themed.form().get(key) == neutral.form().get(key), (name, key)
        assert themed.controls() == neutral.controls(), name
        # The first button is the hidden "Continuer" that Enter presses.
        first = next(a for t, a in themed.elements if t == "button")
        assert (first.get("tabindex"), first.get("aria-hidden"), first.get("name")) == (
            "-1",
            "true",
            None,
        )
    # Both walks submitted the same answers.
    first, second = Submission.objects.order_by("pk")
    assert first.answers == second.answers
    assert first.contact_email == second.contact_email


def test_wagtail_previews_render_in_dsfr(cantine, dsfr_theme):
    for mode, _label in cantine.preview_modes:
        response = cantine.make_preview_request(original_request=None, preview_mode=mode)
        html = response.render().content.decode() if hasattr(response, "render") else None
        html = html or response.content.decode()
        assert "Aperçu avec " in html and "fr-alert--info" in html
        assert "fr-stepper" in html and "disabled" in html
        assert 'action="' not in html  # nothing can be posted from a preview
    assert Submission.objects.count() == 0


def test_the_portal_and_a_closed_demarche_in_dsfr(cantine, dsfr_theme):
    portal = Page(html_of(Client().get(cantine.get_parent().url)))
    cards = portal.with_class("fr-card")
    assert cards and all("fr-enlarge-link" in attrs["class"] for _tag, attrs in cards)  # all open
    assert portal.with_class("fr-badge--success") and "Ouverte" in portal.text
    assert f'href="{cantine.url}"' in portal.text

    cantine.closes_at = timezone.now() - dt.timedelta(minutes=1)
    cantine.save_revision().publish()
    closed = Page(html_of(Client().get(cantine.url)))
    assert closed.with_class("fr-alert--info") and "est close depuis le" in closed.text
    assert not [1 for tag, _a in closed.elements if tag == "form"]


def test_the_neutral_theme_stays_free_of_dsfr(cantine):
    html = html_of(Citizen(cantine).start())
    assert not re.search(r'class="[^"]*\bfr-', html)
    assert "passfamille.css" in html and "dsfr" not in html


def test_dsfr_date_inputs_carry_the_example_hint_and_sit_in_a_row(cantine, dsfr_theme):
    citizen = Citizen(cantine)
    citizen.start()
    citizen.post("etape-1", RESPONSABLE)
    page = Page(html_of(citizen.client.get(citizen.url("etape-2"))))
    field_id = f"id_{citizen.prefix('etape-2')}-enfants-0-date_naissance"
    fieldset = page.by_id(field_id)
    hint = page.by_id(fieldset["aria-describedby"].split()[0])
    assert "fr-hint-text" in hint["class"]
    assert "Par exemple 14 5 2018." in html_of(citizen.client.get(citizen.url("etape-2")))
    # Day, month and year side by side, as the certified identity's date.
    assert len(page.with_class("fr-fieldset__element--inline")) >= 3
