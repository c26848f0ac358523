"""What the step pages say to assistive technologies, checked in the HTML (RGAA 4.1)."""

import datetime as dt
import re
from collections import Counter

from django.test import Client
from django.utils import timezone

from tests.demarches.helpers import (
    ENFANT_LEA,
    FREQUENTATION,
    LEFEBVRE,
    RESPONSABLE,
    Citizen,
    caf_identity,
    enfants,
)
from wagtail_passfamille.models import Submission


def tag(html, pattern):
    """The first tag whose text matches ``pattern`` (a regular expression inside ``<...>``)."""
    match = re.search(rf"<[^>]*{pattern}[^>]*>", html)
    assert match, pattern
    return match.group(0)


def title(html):
    return re.search(r"<title>(.*?)</title>", html, re.S).group(1).strip()


def h1(html):
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", re.search(r"<h1.*?</h1>", html, re.S)[0]))


def test_personal_fields_say_what_the_browser_may_fill_in(cantine):
    citizen = Citizen(cantine)
    html = citizen.start().content.decode()
    prefix = citizen.prefix("etape-1")
    # The applicant-name flag gives family-name; the editor chose given-name for the first name.
    assert 'autocomplete="family-name"' in tag(html, f'name="{prefix}-nom_demandeur"')
    assert 'autocomplete="given-name"' in tag(html, f'name="{prefix}-prenom_demandeur"')
    assert 'autocomplete="email"' in tag(html, f'name="{prefix}-email"')
    assert 'autocomplete="tel"' in tag(html, f'name="{prefix}-telephone"')

    citizen.post("etape-1", RESPONSABLE)
    citizen.post("etape-2", enfants(ENFANT_LEA))
    html = citizen.client.get(citizen.url("etape-3")).content.decode()
    prefix = citizen.prefix("etape-3")
    for index, token in enumerate(("bday-day", "bday-month", "bday-year")):
        assert f'autocomplete="{token}"' in tag(html, f'name="{prefix}-caf__naissance_{index}"')


def test_a_date_block_is_three_labelled_inputs_with_an_example(cantine):
    citizen = Citizen(cantine)
    citizen.start()
    citizen.post("etape-1", RESPONSABLE)
    html = citizen.client.get(citizen.url("etape-2")).content.decode()
    prefix = citizen.prefix("etape-2")
    assert 'type="date"' not in html  # no native picker whose order follows the browser
    name = f"{prefix}-enfants-0-date_naissance"
    for index, label in enumerate(("Jour", "Mois", "Année")):
        assert re.search(rf'<label[^>]*for="id_{name}_{index}"[^>]*>{label}</label>', html)
        assert 'inputmode="numeric"' in tag(html, f'name="{name}_{index}"')
    assert "Par exemple 14 5 2018." in html  # the expected form, before the inputs
    # A child's date is not the citizen's own birth date: no bday there.
    assert "bday" not in tag(html, f'name="{name}_0"')

    child = {k: v for k, v in ENFANT_LEA.items() if k != "date_naissance"}
    wrong = {**child, "date_naissance_0": "31", "date_naissance_1": "2", "date_naissance_2": "2018"}
    page = citizen.post("etape-2", enfants(wrong)).content.decode()
    assert "Indiquez une date qui existe" in page
    assert 'value="31"' in page and 'value="2018"' in page  # kept as typed

    right = {**child, "date_naissance_0": "14", "date_naissance_1": "5", "date_naissance_2": "2018"}
    assert citizen.post("etape-2", enfants(right)).status_code == 302
    citizen.post("etape-3", LEFEBVRE)
    citizen.post("etape-4", FREQUENTATION)
    citizen.post("etape-6", {"attestation": "on"})
    assert "14 mai 2018" in citizen.client.get(citizen.url("recapitulatif")).content.decode()
    assert citizen.post("recapitulatif", {}).status_code == 302
    assert Submission.objects.get().answers["enfants"][0]["date_naissance"] == "2018-05-14"


def test_always_required_inputs_carry_the_required_attribute(cantine):
    citizen = Citizen(cantine)
    html = citizen.start().content.decode()
    prefix = citizen.prefix("etape-1")
    assert " required" in tag(html, f'name="{prefix}-nom_demandeur"')
    assert " required" in tag(html, f'name="{prefix}-adresse_0"')
    assert " required" not in tag(html, f'name="{prefix}-adresse_1"')  # complément: optional
    citizen.post("etape-1", RESPONSABLE)
    citizen.post("etape-2", enfants(ENFANT_LEA), raw={"passfamille_add": "enfants"})
    html = citizen.client.get(citizen.url("etape-2")).content.decode()
    prefix = citizen.prefix("etape-2")
    # The first child is always validated; an added one left empty is simply ignored.
    assert " required" in tag(html, f'name="{prefix}-enfants-0-prenom"')
    assert " required" not in tag(html, f'name="{prefix}-enfants-1-prenom"')


def test_the_birthplace_is_marked_required_like_the_rest_of_the_identity(cantine):
    citizen = Citizen(cantine)
    citizen.start()
    citizen.post("etape-1", RESPONSABLE)
    citizen.post("etape-2", enfants(ENFANT_LEA))
    html = citizen.client.get(citizen.url("etape-3")).content.decode()
    prefix = citizen.prefix("etape-3")
    label = re.search(
        rf'<label[^>]*for="id_{prefix}-caf__commune_recherche".*?</label>', html, re.S
    )
    assert "Commune de naissance" in label[0] and "facultatif" not in label[0]
    nom_usage = re.search(rf'<label[^>]*for="id_{prefix}-caf__nom_usage".*?</label>', html, re.S)
    assert "facultatif" in nom_usage[0]


def test_the_step_number_is_in_the_heading_and_the_title_and_never_jumps(cantine):
    citizen = Citizen(cantine)
    html = citizen.start().content.decode()
    # The PAI step depends on an answer of step 4: no total until then.
    assert h1(html).strip() == "Étape 1 : Responsable légal"
    assert title(html).startswith("Étape 1 : Responsable légal — Inscription à la restauration")
    citizen.post("etape-1", RESPONSABLE)
    citizen.post("etape-2", enfants(ENFANT_LEA))
    citizen.post("etape-3", LEFEBVRE)
    html = citizen.client.get(citizen.url("etape-4")).content.decode()
    assert h1(html).strip() == "Étape 4 : Fréquentation"
    citizen.post("etape-4", {**FREQUENTATION, "allergie": "on", "precision_allergie": "Noix"})
    html = citizen.client.get(citizen.url("etape-5")).content.decode()
    assert h1(html).strip().startswith("Étape 5 sur 7 : Projet d")
    assert title(html).startswith("Étape 5 sur 7 : Projet d")
    # Errors come first in the title.
    html = citizen.post("etape-1", {}).content.decode()
    assert title(html).startswith("Erreur : Étape 1 sur 7 : Responsable légal")


def test_closed_and_expired_pages_say_so_in_their_title(cantine, settings):
    citizen = Citizen(cantine)
    citizen.start()
    citizen.post("etape-1", RESPONSABLE)
    settings.WAGTAIL_PASSFAMILLE_WIZARD_LIFETIME = -1
    html = citizen.client.get(citizen.url("etape-2"), follow=True).content.decode()
    assert title(html).startswith("Démarche expirée — Étape 1 : Responsable légal")

    cantine.closes_at = timezone.now() - dt.timedelta(minutes=1)
    cantine.save_revision().publish()
    html = Client().get(cantine.url).content.decode()
    assert title(html).startswith("Démarche close : Inscription à la restauration scolaire")
    cantine.closes_at = None
    cantine.opens_at = timezone.now() + dt.timedelta(days=2)
    cantine.save_revision().publish()
    html = Client().get(cantine.url).content.decode()
    assert title(html).startswith("Démarche pas encore ouverte : Inscription")


def test_editor_text_is_marked_french_when_the_interface_is_english(cantine):
    citizen = Citizen(cantine, Client(HTTP_ACCEPT_LANGUAGE="en"))
    html = citizen.start().content.decode()
    assert '<html lang="en">' in html
    assert re.search(r'<h1[^>]*>.*Step 1.*<span lang="fr">Responsable légal</span>', html, re.S)
    prefix = citizen.prefix("etape-1")
    assert re.search(rf'for="id_{prefix}-nom_demandeur"><span lang="fr">Nom</span>', html)
    assert re.search(r'class="pf-intro" lang="fr"', html)
    # Our own words stay English: no lang attribute on them.
    assert "All fields are required" in html and 'lang="fr">All fields' not in html
    citizen.post("etape-1", RESPONSABLE)
    citizen.post("etape-2", enfants(ENFANT_LEA))
    html = citizen.client.get(citizen.url("etape-3")).content.decode()
    assert re.search(r'<legend class="pf-label">Sex[^<]*</legend>', html)  # ours: English

    french = Citizen(cantine).start().content.decode()
    assert 'lang="fr">Responsable' not in french and '<span lang="fr">' not in french


def test_editor_text_in_english_pages_never_lands_inside_an_attribute(cantine):
    """The group's item legend is read by the script from an attribute: the French span must
    stay out of it, or the English page shows « Enfant __number__">Enfant 1 »."""
    citizen = Citizen(cantine, Client(HTTP_ACCEPT_LANGUAGE="en"))
    citizen.start()
    citizen.post("etape-1", RESPONSABLE)
    html = citizen.client.get(citizen.url("etape-2")).content.decode()
    assert 'data-pf-label="Enfant __number__"' in html
    assert not re.search(r'="[^"]*<span', html)
    assert re.search(
        r'<legend class="pf-group__item-title"[^>]*><span lang="fr">Enfant</span> 1<', html
    )


def test_grouped_inputs_are_reached_from_the_error_summary_and_ids_are_unique(cantine):
    citizen = Citizen(cantine)
    citizen.start()
    citizen.post("etape-1", RESPONSABLE)
    child = {k: v for k, v in ENFANT_LEA.items() if k != "regime"}
    html = citizen.post("etape-2", enfants(child)).content.decode()
    prefix = citizen.prefix("etape-2")
    anchor = f"id_{prefix}-enfants-0-regime"
    assert f'href="#{anchor}"' in html
    fieldset = tag(html, f'id="{anchor}"')
    assert fieldset.startswith("<fieldset") and 'tabindex="-1"' in fieldset
    ids = Counter(re.findall(r'\bid="([^"]+)"', html))
    assert [i for i, count in ids.items() if count > 1] == []


def test_buttons_that_change_the_page_bring_the_focus_back_where_it_belongs(cantine):
    citizen = Citizen(cantine)
    citizen.start()
    citizen.post("etape-1", RESPONSABLE)
    html = citizen.client.get(citizen.url("etape-2")).content.decode()
    prefix = citizen.prefix("etape-2")
    step = citizen.url("etape-2")
    # « Ajouter un enfant »: to the new item; « Retirer »: to the group (anchors without JS).
    assert f'formaction="{step}#{prefix}-enfants-item-2"' in tag(html, 'name="passfamille_add"')
    html = citizen.post("etape-2", enfants(ENFANT_LEA), raw={"passfamille_add": "enfants"})
    html = html.content.decode()
    assert 'tabindex="-1"' in tag(html, f'id="{prefix}-enfants-item-2"')
    assert f'formaction="{step}#group-{prefix}-enfants"' in tag(html, 'name="passfamille_remove"')
    assert 'tabindex="-1"' in tag(html, f'id="group-{prefix}-enfants"')


def search_step(citizen, query, **identity):
    citizen.start()
    citizen.post("etape-1", RESPONSABLE)
    citizen.post("etape-2", enfants(ENFANT_LEA))
    values = {**LEFEBVRE, "caf__commune": "", "caf__commune_recherche": query, **identity}
    return values


def test_enter_in_the_birthplace_search_box_searches(cantine):
    citizen = Citizen(cantine)
    values = search_step(citizen, "charleville")
    prefix = citizen.prefix("etape-3")
    # Enter submits with the default button, « Continuer »: a search typed but not run runs.
    html = citizen.post("etape-3", values).content.decode()
    assert "Charleville-Mézières (08)" in html and "pf-error-summary" not in html
    results = tag(html, f'id="id_{prefix}-caf__commune-results"')
    assert 'tabindex="-1"' in results and "autofocus" in results
    # A search with a single answer picks it and goes on.
    response = citizen.post("etape-3", {**values, "caf__commune_recherche": "Villers-Semeuse"})
    assert response.status_code == 302 and response["Location"].endswith("/etape-4/")


def test_the_birthplace_search_says_when_to_refine_or_to_choose_a_country(cantine):
    citizen = Citizen(cantine)
    values = search_step(citizen, "saint")
    html = citizen.post("etape-3", values, raw={"passfamille_search": "caf"}).content.decode()
    assert "affinez votre recherche" in html
    assert len(re.findall(r'name="[^"]*caf__commune" id=', html)) == 20
    html = citizen.post(
        "etape-3",
        {**values, "caf__commune_recherche": "Stuttgart"},
        raw={"passfamille_search": "caf"},
    ).content.decode()
    assert "Aucune commune ne correspond" in html
    assert "hors de France" in html and f'href="#id_{citizen.prefix("etape-3")}-caf__pays"' in html


def test_a_born_abroad_identity_needs_no_commune(cantine):
    citizen = Citizen(cantine)
    search_step(citizen, "")
    abroad = caf_identity("MARTIN", ["PIERRE"], "M", 1987, 6, 27, pays="99127")
    html = citizen.post("etape-3", abroad).content.decode()
    assert "Recherchez votre commune" not in html
    assert "Ces informations n&#x27;ont pas pu être vérifiées" in html  # looked up, no match
