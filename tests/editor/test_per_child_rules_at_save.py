"""Saving refuses what rules per child cannot mean, and a sub-field may depend on the child's age
(per item, on the same step, decided by the server)."""

import pytest
from django.core.exceptions import ValidationError

from tests.demarches.helpers import Citizen
from tests.demarches.leisure_centre import create_leisure_centre, rules
from tests.demarches.test_editor import clean, messages_of
from wagtail_passfamille.editor.starters.raw import field, group, step

from .conftest import publish


def children(*extra):
    return group(
        "Enfants",
        "enfants",
        [
            field("texte_court", "Prénom", "prenom"),
            field("date", "Date de naissance", "date_naissance"),
            field("choix_unique", "PAI", "pai", choices=["Oui", "Non"]),
            *extra,
        ],
        item_label="Enfant",
        add_label="Ajouter",
    )


def test_chaque_enfant_on_a_single_value_is_refused_at_save():
    steps = [
        step("Foyer", [field("nombre", "Nombre de parts", "parts")]),
        step(
            "Suite",
            [field("texte_court", "X", "x", cond=rules(("parts", "greater_than", "2", "all")))],
        ),
    ]
    with pytest.raises(ValidationError) as error:
        clean(steps)
    assert any("« Chaque enfant » ne s'applique" in m for m in messages_of(error.value))


def test_chaque_enfant_contradictions_are_refused_as_unreachable():
    never = rules(
        ("demarche.age_enfant", "less_than", "3", "all"),
        ("demarche.age_enfant", "greater_than", "11", "all"),
    )
    steps = [
        step("Enfants", [children()]),
        step("Suite", [field("texte_court", "X", "x", cond=never)]),
    ]
    with pytest.raises(ValidationError) as error:
        clean(steps)
    assert any("ne serait jamais montré" in m for m in messages_of(error.value))
    # « au moins un » of each: a family with a baby and a teenager — saved.
    some = rules(
        ("demarche.age_enfant", "less_than", "3", "any"),
        ("demarche.age_enfant", "greater_than", "11", "any"),
    )
    later = step("Suite", [field("texte_court", "X", "x", cond=some)])
    clean([step("Enfants", [children()]), later])


def test_a_per_child_gate_on_household_data_is_refused_at_save(portal):
    page = create_leisure_centre(portal)
    gate = page.eligibility[0].value
    condition_block = page.eligibility.stream_block.child_blocks["condition"].child_blocks
    gate["condition"] = condition_block["condition"].to_python(
        rules(("caf.quotient_familial", "less_than", "900", "any"))
    )
    errors = page.rules_errors()
    assert "donnée de l'enfant" in str(errors["eligibility"])


def test_a_sub_field_shown_by_the_childs_age_is_asked_per_child(portal):
    school = field(
        "texte_court",
        "École",
        "ecole",
        cond=rules(("demarche.age_enfant", "greater_or_equal", "6", "any")),
    )
    page = publish(portal, "ages", [step("Enfants", [children(school)]), step("Fin", [])])
    page.reference_date = __import__("datetime").date(2027, 9, 1)
    page.save_revision().publish()
    citizen = Citizen(page)
    citizen.start()
    data = {
        "enfants-TOTAL_FORMS": "2",
        "enfants-INITIAL_FORMS": "0",
        "enfants-MIN_NUM_FORMS": "1",
        "enfants-MAX_NUM_FORMS": "6",
        "enfants-0-prenom": "Zoé",
        "enfants-0-date_naissance": "2019-06-20",  # 8: asked
        "enfants-0-pai": "Non",
        "enfants-1-prenom": "Noé",
        "enfants-1-date_naissance": "2023-01-10",  # 4: not asked
        "enfants-1-pai": "Non",
        "enfants-1-ecole": "typed anyway",
    }
    response = citizen.post("etape-1", data)
    assert response.status_code == 200
    html = response.content.decode()
    assert "enfants-0-ecole-error" in html and "enfants-1-ecole-error" not in html
