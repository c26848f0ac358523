"""What saving a démarche refuses: conditions on group sub-fields checked like the others, and
every step and field reachable by some answers (or refused with a reason)."""

import pytest
from django.core.exceptions import ValidationError

from tests.demarches.test_editor import clean, messages_of
from wagtail_passfamille.editor.starters.raw import condition, field, group, step

NEVER = "ne serait jamais montré"


def children(*extra, sub_cond=None):
    return group(
        "Enfants",
        "enfants",
        [
            field("texte_court", "Prénom", "prenom"),
            field("choix_unique", "PAI", "pai", choices=["Oui", "Non"]),
            field("texte_court", "Médecin", "medecin", cond=sub_cond),
            *extra,
        ],
        item_label="Enfant",
        add_label="Ajouter",
    )


def refused(steps):
    with pytest.raises(ValidationError) as error:
        clean(steps)
    return messages_of(error.value)


def test_conditions_on_group_sub_fields_save():
    clean(
        [
            step(
                "Enfants",
                [
                    children(sub_cond=condition("enfants.pai", "equals", "Oui")),
                    field(
                        "texte_long",
                        "Consignes",
                        "consignes",
                        cond=condition("enfants.pai", "equals", "Oui"),
                    ),
                ],
            )
        ]
    )


def test_a_sub_field_condition_on_a_value_that_is_not_a_choice_is_refused():
    messages = refused(
        [step("Enfants", [children(sub_cond=condition("enfants.pai", "equals", "Peut-être"))])]
    )
    assert any("Peut-être" in m for m in messages), messages


def test_a_sub_field_condition_on_a_later_sub_field_is_refused():
    messages = refused(
        [step("Enfants", [children(sub_cond=condition("enfants.classe", "is_filled"))])]
    )
    assert messages and not any(NEVER in m for m in messages)


def test_contradictory_conditions_are_refused_with_a_reason():
    both = {
        "mode": "all",
        "rules": [
            *condition("enfants.pai", "equals", "Oui")["rules"],
            *condition("enfants.pai", "equals", "Non")["rules"],
        ],
    }
    # Per item, a single answer cannot be both.
    messages = refused([step("Enfants", [children(sub_cond=both)])])
    assert any(NEVER in m for m in messages), messages


def test_a_field_hidden_behind_an_opposite_step_condition_is_refused():
    messages = refused(
        [
            step("Un", [field("case_a_cocher", "Allergie", "allergie", required=False)]),
            step(
                "Deux",
                [
                    field(
                        "texte_court",
                        "Précisions",
                        "precisions",
                        cond=condition("allergie", "equals", "non"),
                    )
                ],
                cond=condition("allergie", "equals", "oui"),
            ),
        ]
    )
    assert any(NEVER in m for m in messages), messages


def test_a_field_reading_a_field_that_is_never_filled_when_it_matters_is_refused():
    messages = refused(
        [
            step(
                "Un",
                [
                    field("choix_unique", "Régime", "regime", choices=["Normal", "Sans porc"]),
                    field(
                        "nombre",
                        "Âge",
                        "age",
                        cond=condition("regime", "equals", "Normal"),
                    ),
                    field(
                        "texte_court",
                        "Précisions",
                        "precisions",
                        cond={
                            "mode": "all",
                            "rules": [
                                *condition("age", "greater_than", "10")["rules"],
                                *condition("regime", "equals", "Sans porc")["rules"],
                            ],
                        },
                    ),
                ],
            )
        ]
    )
    assert any(NEVER in m for m in messages), messages


def test_any_mode_and_numbers_are_reachable():
    clean(
        [
            step(
                "Un",
                [
                    field("nombre", "Âge", "age"),
                    field(
                        "texte_court",
                        "Précisions",
                        "precisions",
                        cond={
                            "mode": "any",
                            "rules": [
                                *condition("age", "greater_than", "10")["rules"],
                                *condition("age", "less_than", "3")["rules"],
                            ],
                        },
                    ),
                    field(
                        "texte_court",
                        "Quotient",
                        "quotient",
                        cond=condition("caf.quotient_familial", "less_than", "800"),
                    ),
                ],
            )
        ]
    )


def test_the_demo_demarches_pass(cantine):
    from wagtail_passfamille.models import DemarchePage

    for page in DemarchePage.objects.all():
        clean(list(page.steps.raw_data))
