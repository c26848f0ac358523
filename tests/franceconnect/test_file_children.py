"""The children of an identified citizen's CAF file, offered as tick boxes on the children step:
ticking creates the group's items pre-filled, the family completes them, a child can still be
added by hand; a plain form post (no JavaScript). Anonymous citizens are offered nothing."""

import re

from tests.demarches.helpers import ENFANT_LEA, RESPONSABLE, Citizen, enfants

from .test_identified import identified

ADD = {"passfamille_caf_children": "enfants"}
EMPTY_GROUP = enfants({"prenom": "", "nom": "", "date_naissance": ""})
COMPLETE = {"ecole": "École Jules-Ferry", "classe": "CP", "regime": "Standard"}


def at_children_step(cantine):
    citizen, _url = identified(cantine)
    citizen.post("etape-1", RESPONSABLE)
    return citizen


def tick(citizen, *indexes, button=True, group=EMPTY_GROUP):
    raw = {"passfamille_caf_child": [str(i) for i in indexes], **(ADD if button else {})}
    return citizen.post("etape-2", group, raw=raw)


def value(page, name):
    found = re.search(rf'name="{re.escape(name)}"[^>]*value="([^"]*)"', page)
    return found.group(1) if found else None


def test_the_step_offers_the_file_children_as_tick_boxes(cantine):
    citizen = at_children_step(cantine)
    page = citizen.client.get(citizen.url("etape-2")).content.decode()
    assert "Les enfants de votre dossier, récupérés avec FranceConnect" in page
    assert "Pierre DUPONT, né le 10/01/2018" in page
    assert page.count('name="passfamille_caf_child"') == 3
    assert "Ajouter les enfants cochés" in page and "Ajouter un enfant" in page


def test_ticking_two_children_creates_two_items_prefilled(cantine):
    citizen = at_children_step(cantine)
    response = tick(citizen, 0, 2)
    assert response.status_code == 200  # shown again, not validated
    page = response.content.decode()
    prefix = citizen.prefix("etape-2")
    assert value(page, f"{prefix}-enfants-TOTAL_FORMS") == "2"
    assert value(page, f"{prefix}-enfants-0-prenom") == "Pierre"
    assert value(page, f"{prefix}-enfants-0-nom") == "DUPONT"
    assert value(page, f"{prefix}-enfants-0-date_naissance_0") == "10"
    assert value(page, f"{prefix}-enfants-0-date_naissance_2") == "2018"
    assert value(page, f"{prefix}-enfants-1-prenom") == "Henry"
    assert "2 enfants ajoutés : complétez ce que votre dossier ne dit pas" in page
    assert "Il y a" not in page  # no error summary: the family has not finished
    # They are offered no more; the third one still is.
    assert "Pierre DUPONT, né le 10/01/2018 : déjà ajouté ci-dessous" in page
    assert page.count('name="passfamille_caf_child"') == 1


def test_the_family_completes_the_items_and_goes_on(cantine):
    citizen = at_children_step(cantine)
    tick(citizen, 0, 2)
    stored = citizen.client.get(citizen.url("etape-2")).content.decode()
    prefix = citizen.prefix("etape-2")
    assert value(stored, f"{prefix}-enfants-1-prenom") == "Henry"  # kept in the session
    pierre = {"prenom": "Pierre", "nom": "DUPONT", "date_naissance": "2018-01-10", **COMPLETE}
    henry = {"prenom": "Henry", "nom": "DUPONT", "date_naissance": "2022-06-20", **COMPLETE}
    response = citizen.post("etape-2", enfants(pierre, henry))
    assert response.status_code == 302 and response["Location"].endswith("/etape-3/")


def test_a_child_missing_from_the_file_is_still_added_by_hand(cantine):
    citizen = at_children_step(cantine)
    tick(citizen, 1)
    robert = {"prenom": "Robert", "nom": "DUPONT", "date_naissance": "2020-03-03"}
    response = citizen.post("etape-2", enfants(robert, total=1), raw={"passfamille_add": "enfants"})
    page = response.content.decode()
    assert value(page, f"{citizen.prefix('etape-2')}-enfants-TOTAL_FORMS") == "2"
    lea = {**ENFANT_LEA}
    done = citizen.post("etape-2", enfants({**robert, **COMPLETE}, lea))
    assert done.status_code == 302


def test_continuer_with_new_ticks_adds_them_first(cantine):
    citizen = at_children_step(cantine)
    response = tick(citizen, 0, button=False)
    assert response.status_code == 200
    page = response.content.decode()
    assert value(page, f"{citizen.prefix('etape-2')}-enfants-0-prenom") == "Pierre"
    assert "1 enfant ajouté" in page


def test_ticking_nothing_says_so(cantine):
    citizen = at_children_step(cantine)
    page = tick(citizen).content.decode()
    assert "Cochez d&#x27;abord les enfants à ajouter." in page


def test_an_anonymous_citizen_is_offered_nothing_and_a_forged_tick_is_ignored(cantine):
    citizen = Citizen(cantine)
    citizen.start()
    citizen.post("etape-1", RESPONSABLE)
    page = citizen.client.get(citizen.url("etape-2")).content.decode()
    assert "passfamille_caf_child" not in page and "récupérés avec FranceConnect" not in page
    response = tick(citizen, 0, group=enfants(ENFANT_LEA))
    # Nothing to add: the usual step (here, incomplete: the add button re-renders it).
    assert "Pierre" not in response.content.decode()
    done = citizen.post("etape-2", enfants(ENFANT_LEA), raw={"passfamille_caf_child": "0"})
    assert done.status_code == 302
