"""Editors set grids and gates without code; saving refuses what cannot work, saying where."""

import pytest
from django.core.exceptions import ValidationError

from wagtail_passfamille.blocks.rules import GridsBlock
from wagtail_passfamille.editor.starters.raw import bracket_grid, condition, gate


def clean_grids(raw):
    block = GridsBlock()
    return block.clean(block.to_python(raw))


def test_a_gap_between_brackets_is_refused_and_located():
    with pytest.raises(ValidationError) as error:
        clean_grids(
            [
                bracket_grid(
                    "repas",
                    "Tarif",
                    "caf.quotient_familial",
                    [("A", None, "400", "1"), ("B", "450", None, "2")],
                    unit="par repas",
                    default_bracket="B",
                )
            ]
        )
    errors = error.value.as_json_data()
    bracket_b = errors["blockErrors"][0]["blockErrors"]["brackets"]["blockErrors"][1]
    (message,) = bracket_b["blockErrors"]["minimum"]["messages"]  # on the minimum of « B »
    assert "Trou entre « A » et « B » : les valeurs de 400 à 450" in message


def test_overlapping_brackets_are_refused():
    with pytest.raises(ValidationError) as error:
        clean_grids(
            [
                bracket_grid(
                    "repas",
                    "Tarif",
                    "caf.quotient_familial",
                    [("A", None, "500", "1"), ("B", "400", None, "2")],
                    unit="par repas",
                    default_bracket="B",
                )
            ]
        )
    assert "se chevauchent" in str(error.value.as_json_data())


def test_a_grid_needs_a_default_for_unknown_data():
    with pytest.raises(ValidationError) as error:
        clean_grids(
            [
                bracket_grid(
                    "repas", "Tarif", "caf.quotient_familial", [("A", None, None, "1")], unit="u"
                )
            ]
        )
    assert "quand la donnée est inconnue" in str(error.value.as_json_data())


def test_the_demo_grids_are_valid(cantine, pass_famille):
    cantine.full_clean()
    pass_famille.full_clean()


def test_a_rule_on_the_caf_address_needs_the_address_ticked(cantine):
    cantine.eligibility = [
        gate("residence", condition("caf.commune", "equals", "51108"), "Réservé aux habitants.")
    ]
    with pytest.raises(ValidationError) as error:
        cantine.full_clean()
    assert "cnaf_adresse" in str(error.value)


def test_a_grid_on_a_missing_source_is_refused(cantine):
    cantine.tariffs = [
        bracket_grid(
            "repas",
            "Tarif",
            "dgfip.quotient_mensuel",
            [("A", None, None, "1")],
            unit="par repas",
            default_bracket="A",
        )
    ]
    with pytest.raises(ValidationError) as error:
        cantine.full_clean()
    assert "bloc de données certifiées absent" in str(error.value)


def test_a_gate_on_an_unknown_answer_is_refused(cantine):
    cantine.eligibility = [
        gate("age", condition("age_du_capitaine", "greater_than", "3"), "Trop jeune.")
    ]
    with pytest.raises(ValidationError):
        cantine.full_clean()
