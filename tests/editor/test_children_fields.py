"""The CAF block finds the registered children's group and fields itself: the editor types no
technical name, and a name the group does not have is refused at save."""

import pytest
from django.core.exceptions import ValidationError

from tests.demarches.test_editor import clean, messages_of
from wagtail_passfamille.editor.starters.raw import certified, field, group, step


def children_group():
    # Labels as an editor types them: « Date de naissance » gives date_de_naissance.
    return group(
        "Enfants à inscrire",
        "enfants",
        [
            field("texte_court", "Nom", "nom"),
            field("texte_court", "Prénom de l'enfant", "prenom_de_l_enfant"),
            field("date", "Date de naissance", "date_de_naissance"),
        ],
        item_label="Enfant",
        add_label="Ajouter",
    )


def caf(**extra):
    return certified(
        "donnees_caf",
        "Vos données CAF",
        ["quotient_familial", "enfants"],
        justificatif_label="Attestation",
        **extra,
    )


def caf_value(steps):
    return steps[0].value["fields"][1].value


def test_left_empty_the_group_and_its_fields_are_found_and_shown():
    steps = clean([step("Famille", [children_group(), caf()])])
    value = caf_value(steps)
    assert value["children_group"] == "enfants"
    assert value["child_first_name_field"] == "prenom_de_l_enfant"
    assert value["child_birth_date_field"] == "date_de_naissance"


def test_the_old_defaults_are_replaced_by_the_fields_the_labels_produce():
    # What 0.1 stored when the editor left its defaults: agents saw « inconnu » for every child.
    steps = clean(
        [
            step(
                "Famille",
                [
                    children_group(),
                    caf(
                        children_group="enfants",
                        child_first_name_field="prenom",
                        child_birth_date_field="date_naissance",
                    ),
                ],
            )
        ]
    )
    value = caf_value(steps)
    assert value["child_birth_date_field"] == "date_de_naissance"
    assert value["child_first_name_field"] == "prenom_de_l_enfant"


def test_a_typed_name_the_group_does_not_have_is_refused():
    with pytest.raises(ValidationError) as error:
        clean(
            [
                step(
                    "Famille",
                    [children_group(), caf(child_birth_date_field="naissance")],
                )
            ]
        )
    (message,) = [m for m in messages_of(error.value) if "naissance" in m]
    assert "« Date de naissance »" in message


def test_a_group_without_a_date_is_refused():
    no_date = group(
        "Enfants",
        "enfants",
        [field("texte_court", "Prénom", "prenom")],
        item_label="Enfant",
        add_label="Ajouter",
    )
    with pytest.raises(ValidationError) as error:
        clean([step("Famille", [no_date, caf()])])
    assert any("Ajoutez un champ « Date »" in m for m in messages_of(error.value))


def test_the_demo_canteen_keeps_its_matching(cantine):
    found = cantine.children_fields()
    assert (found.group, found.first_name, found.birth_date) == (
        "enfants",
        "prenom",
        "date_naissance",
    )


@pytest.mark.django_db  # a page instance reads its content type
def test_without_a_block_naming_it_only_a_group_with_a_birth_date_holds_children():
    """A démarche with no CAF block and one repeatable group: its items are the registered
    children only when they have a birth date; an emergency-contacts group is never priced and
    ranked as children (the 2nd-child reduction would apply to contacts)."""
    from wagtail_passfamille.models import DemarchePage

    contacts = group(
        "Personnes à prévenir en cas d'urgence",
        "contacts",
        [field("texte_court", "Nom", "nom"), field("telephone", "Téléphone", "telephone")],
        item_label="Personne",
        add_label="Ajouter",
    )
    page = DemarchePage(title="Sortie", steps=clean([step("Famille", [contacts])]))
    assert page.children_fields() is None and page.children_group_name() is None

    page = DemarchePage(title="Centre", steps=clean([step("Famille", [children_group()])]))
    found = page.children_fields()
    assert (found.group, found.birth_date) == ("enfants", "date_de_naissance")
