"""Form classes of steps whose fields hide each other as the citizen answers (issue 17): shared
by every citizen when their conditions read only the step itself, built per request when they
also read an earlier answer (each citizen's earlier answers then decide)."""

import pytest

from tests.demarches.helpers import Citizen
from wagtail_passfamille.citizen import wizard_forms
from wagtail_passfamille.citizen.wizard_forms import reads_only_its_own_step
from wagtail_passfamille.editor.starters.raw import _id, condition, field, step

from .conftest import publish
from .test_group_conditions import children_step


@pytest.fixture(autouse=True)
def empty_cache():
    # Rolled-back tests reuse page and revision ids: start from an empty cache.
    wizard_forms._FORM_CLASSES.clear()


def shared_classes_of(page):
    """Cached classes of ``page`` keyed with the day: those of same-step conditions."""
    return [key for key in wizard_forms._FORM_CLASSES if key[0] == page.pk and len(key) == 5]


def both(*rules):
    return {
        "mode": "all",
        "rules": [
            {"type": "item", "id": _id(), "value": {"variable": v, "operator": o, "value": x}}
            for v, o, x in rules
        ],
    }


def test_a_step_whose_fields_hide_each_other_is_built_once_for_every_citizen(portal):
    page = publish(
        portal,
        "partage-pai",
        [children_step(), step("Contact", [field("email", "E-mail", "email", is_contact=True)])],
    )
    first_step = page.step_blocks[0][1]
    assert reads_only_its_own_step(first_step)
    for _citizen in range(3):
        citizen = Citizen(page)
        assert citizen.start().status_code == 200
    assert len(shared_classes_of(page)) == 1
    # Each citizen's own answers still decide: the PAI doctor is asked of a child with a PAI.
    citizen = Citizen(page)
    citizen.start()
    items = {
        "enfants-TOTAL_FORMS": "2",
        "enfants-INITIAL_FORMS": "0",
        "enfants-0-prenom": "Léa",
        "enfants-0-pai": "Oui",
        "enfants-1-prenom": "Noé",
        "enfants-1-pai": "Non",
    }
    refused = citizen.post("etape-1", items)
    assert refused.status_code == 200 and "pf-error-summary" in refused.content.decode()
    accepted = citizen.post(
        "etape-1", {**items, "enfants-0-medecin_pai": "Dr Martin", "consignes_pai": "Trousse"}
    )
    assert accepted.status_code == 302
    assert len(shared_classes_of(page)) == 1


def test_a_condition_reading_an_earlier_answer_too_is_decided_per_citizen(portal):
    page = publish(
        portal,
        "partage-age",
        [
            step("Âge", [field("nombre", "Âge", "age")]),
            step(
                "Repas",
                [
                    field("choix_unique", "Allergie", "allergie", choices=["oui", "non"]),
                    field(
                        "texte_court",
                        "Précisez",
                        "precision",
                        cond=both(("allergie", "equals", "oui"), ("age", "less_than", "12")),
                    ),
                ],
            ),
        ],
    )
    assert not reads_only_its_own_step(page.step_blocks[1][1])
    assert reads_only_its_own_step(page.step_blocks[0][1])
    answers = {"allergie": "oui", "precision": ""}
    young, older = Citizen(page), Citizen(page)
    for citizen, age in ((young, "8"), (older, "15")):
        citizen.start()
        assert citizen.post("etape-1", {"age": age}).status_code == 302
    assert young.post("etape-2", answers).status_code == 200  # asked, and left empty
    assert older.post("etape-2", answers).status_code == 302  # not asked at 15
    assert shared_classes_of(page) == []
    # A one-rule condition reading only the step stays shareable.
    only_own = step("Repas", [field("texte_court", "X", "x", cond=condition("x", "is_filled"))])
    page_2 = publish(portal, "partage-simple", [only_own])
    assert reads_only_its_own_step(page_2.step_blocks[0][1])


def test_the_childrens_group_is_found_once_per_live_revision(portal, monkeypatch):
    from wagtail_passfamille.blocks import children_fields

    page = publish(
        portal,
        "partage-enfants",
        [children_step(), step("Contact", [field("email", "E-mail", "email", is_contact=True)])],
    )
    Citizen(page).start()  # the first request of the process finds them
    found = []
    resolve = children_fields.resolve
    monkeypatch.setattr(
        children_fields, "resolve", lambda *args: found.append(args) or resolve(*args)
    )
    citizen = Citizen(page)
    citizen.start()
    items = {
        "enfants-TOTAL_FORMS": "1",
        "enfants-INITIAL_FORMS": "0",
        "enfants-0-prenom": "Léa",
        "enfants-0-pai": "Non",
    }
    assert citizen.post("etape-1", items).status_code == 302
    assert citizen.client.get(citizen.url("etape-2")).status_code == 200
    assert found == []
    # A new publication: found again, from the new revision.
    page.save_revision().publish()
    Citizen(page).start()
    assert found
