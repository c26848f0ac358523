"""Pick, never type: conditions, the grids' « Donnée » and residence are picked from lists.

The stored form stays the plain string it was (a variable name, a value, an INSEE code): the
picker is the input, drawn by the editor's script from the steps in the page; the save checks
refuse what does not exist, in French. The browser side is in
tests/browser/test_editor_pickers_in_chromium.py.
"""

import json
import re

import pytest
from django.core.exceptions import ValidationError

from wagtail_passfamille.blocks.conditions import ConditionBlock
from wagtail_passfamille.blocks.pickers import PickedCharBlock
from wagtail_passfamille.blocks.rules import GridBlock
from wagtail_passfamille.blocks.steps import StepsBlock
from wagtail_passfamille.editor.pickers import OPERATORS_BY_KIND
from wagtail_passfamille.models import DemarchePage
from wagtail_passfamille.rules.conditions import Condition, Operator, validate_rule
from wagtail_passfamille.rules.variables import VariableKind, VariableSpec

RULE = ConditionBlock().child_blocks["rules"].child_block


def test_condition_inputs_are_pickers():
    html = RULE.child_blocks["variable"].field.widget.render("v", "caf.quotient_familial")
    assert 'data-pf-picker="variable"' in html
    assert 'data-pf-picker="value"' in RULE.child_blocks["value"].field.widget.render("v", "")


def test_the_grid_data_is_a_numeric_picker():
    widget = GridBlock().child_blocks["variable"].field.widget
    assert 'data-pf-picker="number-variable"' in widget.render("v", "caf.quotient_familial")


def test_the_children_matching_is_picked(superuser_client, cantine):
    from wagtail_passfamille.blocks.certified import QuotientFamilialBlock

    children = QuotientFamilialBlock().child_blocks
    for name, picker in [
        ("children_group", "group"),
        ("child_first_name_field", "group-text"),
        ("child_birth_date_field", "group-date"),
    ]:
        assert f'data-pf-picker="{picker}"' in children[name].field.widget.render("x", "")
    html = superuser_client.get(f"/admin/pages/{cantine.pk}/edit/").content.decode()
    assert re.search(r'<input[^>]*name="children_group"[^>]*data-pf-picker="group"', html)


def test_pickers_are_stored_and_migrated_as_char_blocks():
    """The stored form does not change: migrations see the same CharBlock as before."""
    path, _args, kwargs = RULE.child_blocks["variable"].deconstruct()
    assert path == "wagtail.blocks.CharBlock"
    assert "picker" not in kwargs and kwargs["max_length"] == 80
    assert PickedCharBlock(max_length=5, picker="value").deconstruct()[2] == {"max_length": 5}


def test_the_seeded_demarches_keep_their_stored_conditions_and_grids(portal):
    """The démarches the demo builds read and write back exactly what they stored."""
    for page in DemarchePage.objects.all():
        for field in ("steps", "eligibility", "tariffs"):
            raw = page.steps.raw_data if field == "steps" else getattr(page, field).raw_data
            stored = json.dumps(list(raw), sort_keys=True, default=str)
            block = page._meta.get_field(field).stream_block
            again = block.get_prep_value(block.to_python(list(raw)))
            assert json.dumps(again, sort_keys=True, default=str) == stored, (page.slug, field)


def test_the_editor_page_carries_the_catalogue_and_the_script(superuser_client, cantine):
    html = superuser_client.get(f"/admin/pages/{cantine.pk}/edit/").content.decode()
    assert "wagtail_passfamille/js/editor_pickers.js" in html
    found = re.search(r'<script id="pf-picker-catalogue" type="[^"]+">(.*?)</script>', html)
    data = json.loads(found.group(1))
    by_name = {datum["name"]: datum for datum in data["certified"]}
    assert by_name["caf.quotient_familial"]["label"] == "CAF/MSA — Quotient familial (CAF/MSA)"
    assert by_name["caf.quotient_familial"]["needs"] == ["quotient_familial"]
    assert by_name["dgfip.commune"]["kind"] == "commune"
    assert "contains" not in data["operators"]["number"]
    assert data["operatorLabels"]["date"]["less_than"] == "est avant le"
    assert data["operatorLabels"]["date"]["greater_than"] == "est après le"
    assert data["communesUrl"] == "/admin/passfamille/communes/"


KIND_SPECS = {
    "number": VariableSpec("x", VariableKind.NUMBER, "x"),
    "date": VariableSpec("x", VariableKind.DATE, "x"),
    "text": VariableSpec("x", VariableKind.TEXT, "x"),
    "choice": VariableSpec("x", VariableKind.CHOICE, "x", choices=("A", "B")),
    "choice_multiple": VariableSpec("x", VariableKind.CHOICE, "x", multiple=True, choices=("A",)),
    "number_multiple": VariableSpec("x", VariableKind.NUMBER, "x", multiple=True),
    "date_multiple": VariableSpec("x", VariableKind.DATE, "x", multiple=True),
    "text_multiple": VariableSpec("x", VariableKind.TEXT, "x", multiple=True),
    "boolean": VariableSpec("x", VariableKind.BOOLEAN, "x"),
    "boolean_multiple": VariableSpec("x", VariableKind.BOOLEAN, "x", multiple=True),
    "group": VariableSpec("x", VariableKind.GROUP, "x"),
    "commune": VariableSpec("x", VariableKind.TEXT, "x"),
}
SAMPLE = {"number": "3", "date": "2026-09-01", "choice": "A", "boolean": "oui"}


@pytest.mark.parametrize("kind", sorted(OPERATORS_BY_KIND))
def test_every_offered_operator_is_accepted_at_save(kind):
    spec = KIND_SPECS[kind]
    value = SAMPLE.get(kind.split("_")[0], "51108")
    for operator in OPERATORS_BY_KIND[kind]:
        shaped = (value,) if operator is Operator.ONE_OF else value
        problems = validate_rule(Condition("x", operator, shaped), {"x": spec})
        assert [p.code for p in problems if p.is_error] == [], (kind, operator)


def test_an_operator_that_does_not_fit_is_neither_offered_nor_saved():
    assert Operator.CONTAINS not in OPERATORS_BY_KIND["number"]
    problems = validate_rule(Condition("x", "contains", "3"), {"x": KIND_SPECS["number"]})
    assert [p.code for p in problems] == ["operator_not_allowed"]


def _steps_with_condition(variable, operator="equals", value="3"):
    block = StepsBlock()
    return block, block.to_python(
        [
            {
                "type": "step",
                "value": {
                    "title": "Famille",
                    "fields": [
                        {"type": "nombre", "value": {"label": "Nombre d'enfants"}},
                        {
                            "type": "texte_court",
                            "value": {
                                "label": "Précisions",
                                "condition": {
                                    "mode": "all",
                                    "rules": [
                                        {
                                            "type": "item",
                                            "id": "5b7c0e5e-0000-4000-8000-000000000001",
                                            "value": {
                                                "variable": variable,
                                                "operator": operator,
                                                "value": value,
                                            },
                                        }
                                    ],
                                },
                            },
                        },
                    ],
                },
            }
        ]
    )


def _messages(error) -> str:
    """Every message of a block validation error, as one text."""
    return json.dumps(error.as_json_data(), ensure_ascii=False)


def test_a_picked_earlier_field_saves():
    block, value = _steps_with_condition("nombre_d_enfants", "greater_than", "2")
    block.clean(value)


def test_an_unknown_name_is_refused_at_save_in_french():
    block, value = _steps_with_condition("nombre_enfant")
    with pytest.raises(ValidationError) as refused:
        block.clean(value)
    assert "La variable « nombre_enfant » n'existe pas." in _messages(refused.value)


def test_an_unknown_grid_data_is_refused_at_save(cantine):
    tariffs = list(cantine.tariffs.raw_data)
    tariffs[0]["value"]["variable"] = "quotient"
    cantine.tariffs = tariffs
    with pytest.raises(ValidationError) as refused:
        cantine.full_clean()
    assert "La variable « quotient » n'existe pas." in refused.value.message_dict["tariffs"]


def _commune_condition(operator, value):
    block = ConditionBlock()
    return block, block.to_python(
        {
            "mode": "all",
            "rules": [
                {
                    "type": "item",
                    "id": "5b7c0e5e-0000-4000-8000-000000000002",
                    "value": {"variable": "dgfip.commune", "operator": operator, "value": value},
                }
            ],
        }
    )


@pytest.mark.parametrize("operator, value", [("equals", "51108"), ("one_of", "51108; 51454")])
def test_residence_takes_insee_codes(operator, value):
    block, condition = _commune_condition(operator, value)
    assert block.clean(condition)["rules"][0]["value"] == value


@pytest.mark.parametrize("value", ["Reims", "51100 Reims", "99999"])
def test_residence_refuses_what_is_not_an_insee_code(value):
    block, condition = _commune_condition("equals", value)
    with pytest.raises(ValidationError) as refused:
        block.clean(condition)
    assert "n'est pas un code INSEE de commune" in _messages(refused.value)


def test_the_commune_search_finds_by_name_and_postcode(superuser_client):
    by_postcode = superuser_client.get("/admin/passfamille/communes/", {"q": "51100"}).json()
    assert {"code": "51454", "label": "Reims (51100)"} in by_postcode["results"]
    by_name = superuser_client.get("/admin/passfamille/communes/", {"q": "chalons en champagne"})
    assert by_name.json()["results"][0]["code"] == "51108"
    by_code = superuser_client.get("/admin/passfamille/communes/", {"q": "51454"}).json()
    assert by_code["results"][0]["label"] == "Reims (51100)"
    assert superuser_client.get("/admin/passfamille/communes/", {"q": "x"}).json() == {
        "results": []
    }


def test_the_commune_search_is_for_the_admin_only(client, portal):
    response = client.get("/admin/passfamille/communes/", {"q": "reims"})
    assert response.status_code == 302 and "/admin/login/" in response["Location"]


def test_a_page_wide_refusal_is_shown_on_the_block_it_is_about(cantine):
    """The grid's unknown « Donnée » is refused on that grid's « Donnée » (its tab counts it,
    its panel opens), still readable as the field's message."""
    tariffs = list(cantine.tariffs.raw_data)
    tariffs[0]["value"]["variable"] = "quotient"
    cantine.tariffs = tariffs
    with pytest.raises(ValidationError) as refused:
        cantine.full_clean()
    error = refused.value.error_dict["tariffs"][0]
    located = error.as_json_data()
    assert located["blockErrors"][0]["blockErrors"]["variable"]["messages"] == [
        "La variable « quotient » n'existe pas."
    ]
