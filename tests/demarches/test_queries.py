"""The SQL queries of a wizard step do not grow with the number of blocks (nor of steps).

Two démarches beside the demo's: a small one (a step of 3 fields) and a large one (a step of 40
fields of every type, a repeatable group, display conditions on an earlier step and on the same
step, and more steps, one of them hidden by a condition). A citizen is walked to step 2 of each;
the GET of that step and a valid POST of it (a 302 to step 3) must cost the same number of
queries on both pages: everything a step needs comes from the page row, already loaded, and from
the session, never one query per block.
"""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from wagtail_passfamille.editor.starters.raw import condition, field, group, information, step
from wagtail_passfamille.models import DemarchePage, PortailFamillePage

from .helpers import Citizen

# Routing (site, pages, aliases, view restrictions) plus the session read and write: about a
# dozen. This only guards against a gross regression; the real check is small == large.
MAX_QUERIES_PER_STEP = 16

CHOICES = ["Un", "Deux", "Trois"]


def identity_step():
    """Step 1 of both pages: what later conditions read."""
    fields = [
        field("texte_court", "Nom", "nom"),
        field("email", "Adresse e-mail", "email", is_contact=True),
    ]
    return step("Identité", fields), {"nom": "Durand", "email": "camille@example.org"}


def typed_field(block_type, name):
    """A field block of ``block_type`` and the posted values that make it valid."""
    if block_type == "texte_court":
        return field(block_type, f"Texte {name}", name), {name: "Valeur"}
    if block_type == "texte_long":
        return field(block_type, f"Texte long {name}", name), {name: "Une\nvaleur"}
    if block_type == "email":
        return field(block_type, f"E-mail {name}", name), {name: "a@example.org"}
    if block_type == "telephone":
        return field(block_type, f"Téléphone {name}", name), {name: "06 12 34 56 78"}
    if block_type == "nombre":
        return field(block_type, f"Nombre {name}", name, min_value="0", max_value="99"), {name: "3"}
    if block_type == "date":
        return field(block_type, f"Date {name}", name, not_in_future=True), {name: "2020-01-02"}
    if block_type == "choix_radios":
        return field("choix_unique", f"Choix {name}", name, choices=CHOICES, widget="radios"), {
            name: "Un"
        }
    if block_type == "choix_liste":
        return field("choix_unique", f"Liste {name}", name, choices=CHOICES, widget="select"), {
            name: "Deux"
        }
    if block_type == "choix_multiples":
        return field(block_type, f"Choix multiples {name}", name, choices=CHOICES), {
            name: ["Un", "Trois"]
        }
    if block_type == "case_a_cocher":
        return field(block_type, f"Case {name}", name), {name: "on"}
    if block_type == "adresse":
        values = {f"{name}_0": "1 rue A", f"{name}_1": "", f"{name}_2": "99000", f"{name}_3": "B"}
        return field(block_type, f"Adresse {name}", name), values
    if block_type == "fichier":  # optional, not sent: its stored-files path is still taken
        return field(block_type, f"Fichier {name}", name, required=False), {}
    raise AssertionError(block_type)


TYPES = [
    "texte_court",
    "texte_long",
    "email",
    "telephone",
    "nombre",
    "date",
    "choix_radios",
    "choix_liste",
    "choix_multiples",
    "case_a_cocher",
    "adresse",
    "fichier",
]


def large_step(count=40):
    """``count`` fields of every type, one of them a group, two of them conditional."""
    blocks, values = [information("<p>Lisez attentivement.</p>")], {}
    children = group(
        "Enfants",
        "enfants",
        [
            field("texte_court", "Prénom", "prenom"),
            field("date", "Date de naissance", "date_naissance", not_in_future=True),
            field("choix_unique", "École", "ecole", choices=CHOICES, widget="select"),
        ],
        item_label="Enfant",
        add_label="Ajouter un enfant",
        max_items=4,
    )
    blocks.append(children)
    values.update(
        {
            "enfants-TOTAL_FORMS": "2",
            "enfants-INITIAL_FORMS": "0",
            "enfants-MIN_NUM_FORMS": "1",
            "enfants-MAX_NUM_FORMS": "4",
            "enfants-0-prenom": "Léa",
            "enfants-0-date_naissance": "2018-05-14",
            "enfants-0-ecole": "Un",
            "enfants-1-prenom": "Noé",
            "enfants-1-date_naissance": "2020-02-01",
            "enfants-1-ecole": "Deux",
        }
    )
    # Shown by an answer of step 1, and by a box ticked on this very step.
    blocks.append(
        field("texte_court", "Nom d'usage", "nom_usage", cond=condition("nom", "is_filled"))
    )
    values["nom_usage"] = "Martin"
    blocks.append(field("case_a_cocher", "Autre adresse", "autre", required=False))
    blocks.append(
        field("texte_long", "Précisez", "precision", cond=condition("autre", "equals", "oui"))
    )
    values.update({"autre": "on", "precision": "Chez les grands-parents"})
    index = 0
    while sum(block["type"] != "information" for block in blocks) < count:
        block, posted = typed_field(TYPES[index % len(TYPES)], f"champ_{index}")
        blocks.append(block)
        values.update(posted)
        index += 1
    blocks.append(information("<p>Merci.</p>"))
    return step("Beaucoup de champs", blocks), values


def small_step():
    blocks, values = [], {}
    for index, block_type in enumerate(["texte_court", "email", "date"]):
        block, posted = typed_field(block_type, f"petit_{index}")
        blocks.append(block)
        values.update(posted)
    return step("Peu de champs", blocks), values


def later_steps(count):
    """Steps after the measured one: the first shown, then one hidden by a condition, then more."""
    steps = []
    for number in range(count):
        blocks = [typed_field(t, f"suite_{number}_{t}")[0] for t in TYPES[:4]]
        steps.append(step(f"Suite {number + 1}", blocks, cond=condition("nom", "is_filled")))
        if number == 0 and count > 1:
            steps.append(
                step(
                    "Étape masquée",
                    [field("texte_court", "Jamais", "jamais")],
                    cond=condition("nom", "equals", "Personne"),
                )
            )
    return steps


def demarche(portal, slug, steps):
    page = DemarchePage(
        title=f"Démarche {slug}",
        slug=slug,
        reference_prefix="TEST",
        steps=steps,
        intro="<p>Une démarche de test.</p>",
    )
    portal.add_child(instance=page)
    page.save_revision().publish()
    return DemarchePage.objects.get(pk=page.pk)


def walk_to_step_2(page, first_answers):
    citizen = Citizen(page)
    assert citizen.start().status_code == 200
    response = citizen.post("etape-1", first_answers)
    assert response.status_code == 302 and response["Location"] == citizen.url("etape-2")
    return citizen


def queries_of_step_2(page, first_answers, answers):
    """(queries of the GET of step 2, queries of a valid POST of it)."""
    citizen = walk_to_step_2(page, first_answers)
    with CaptureQueriesContext(connection) as on_get:
        response = citizen.client.get(citizen.url("etape-2"))
    assert response.status_code == 200
    with CaptureQueriesContext(connection) as on_post:
        response = citizen.post("etape-2", answers)
    assert response.status_code == 302, response.content.decode()[-3000:]
    assert response["Location"] == citizen.url("etape-3")
    return [q["sql"] for q in on_get], [q["sql"] for q in on_post]


@pytest.fixture
def pages(site):
    portal = PortailFamillePage.objects.get()
    first, first_answers = identity_step()
    small, small_answers = small_step()
    large, large_answers = large_step(40)
    small_page = demarche(portal, "petite", [first, small, *later_steps(1)])
    first_again, _answers = identity_step()  # fresh block ids for the second page
    large_page = demarche(portal, "grande", [first_again, large, *later_steps(5)])
    return {
        "first": first_answers,
        "small": (small_page, small_answers),
        "large": (large_page, large_answers),
    }


def test_the_large_step_has_forty_fields_of_every_type(pages):
    large_page, _answers = pages["large"]
    (_name, value) = large_page.step_blocks[1]
    types = [child.block_type for child in value["fields"]]
    assert sum(t != "information" for t in types) == 40
    assert set(types) >= {
        "texte_court",
        "texte_long",
        "email",
        "telephone",
        "nombre",
        "date",
        "choix_unique",
        "choix_multiples",
        "case_a_cocher",
        "adresse",
        "fichier",
        "groupe",
        "information",
    }
    assert len(large_page.step_blocks) > len(pages["small"][0].step_blocks)


def test_queries_per_step_do_not_grow_with_the_number_of_blocks(pages):
    small_page, small_answers = pages["small"]
    large_page, large_answers = pages["large"]
    small_get, small_post = queries_of_step_2(small_page, pages["first"], small_answers)
    large_get, large_post = queries_of_step_2(large_page, pages["first"], large_answers)

    assert len(large_get) == len(small_get), explain("GET", small_get, large_get)
    assert len(large_post) == len(small_post), explain("POST", small_post, large_post)
    assert len(small_get) <= MAX_QUERIES_PER_STEP, explain("GET", small_get, large_get)
    assert len(small_post) <= MAX_QUERIES_PER_STEP, explain("POST", small_post, large_post)


def explain(method, small, large):
    lines = [f"{method} of a step: {len(small)} queries with 3 fields, {len(large)} with 40"]
    lines += [f"  {sql[:160]}" for sql in large]
    return "\n".join(lines)
