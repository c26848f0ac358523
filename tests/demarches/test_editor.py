"""Editors: blocks refuse broken configurations with messages they can act on; preview works."""

import pytest
from django.core.exceptions import ValidationError
from wagtail.blocks import StreamValue

from wagtail_passfamille.blocks import StepsBlock
from wagtail_passfamille.editor.starters.raw import condition, field, group, step
from wagtail_passfamille.models import DemarchePage, Submission

from .helpers import Citizen


def clean(raw_steps):
    block = StepsBlock()
    return block.clean(block.to_python(raw_steps))


def messages_of(error):
    """Every message nested in a StreamField validation error."""
    found = []

    def walk(err):
        if hasattr(err, "block_errors") and err.block_errors:
            items = (
                err.block_errors.values()
                if isinstance(err.block_errors, dict)
                else err.block_errors
            )
            for sub in items:
                walk(sub)
        if getattr(err, "non_block_errors", None):
            for sub in err.non_block_errors:
                walk(sub)
        if hasattr(err, "messages") and not getattr(err, "block_errors", None):
            found.extend(err.messages)

    walk(error)
    return found


def test_machine_names_are_proposed_from_labels():
    value = clean([step("Vous", [field("texte_court", "Date de naissance", "")])])
    (item,) = value[0].value["fields"]
    assert item.value["name"] == "date_de_naissance"


def test_duplicate_machine_names_are_refused_across_steps():
    with pytest.raises(ValidationError) as error:
        clean(
            [
                step("Un", [field("texte_court", "Nom", "nom")]),
                step("Deux", [field("texte_court", "Nom de l'enfant", "nom")]),
            ]
        )
    assert any("« nom » est déjà utilisé par « Nom »" in m for m in messages_of(error.value))


def test_duplicate_names_inside_a_group_are_refused():
    with pytest.raises(ValidationError) as error:
        clean(
            [
                step(
                    "Enfants",
                    [
                        group(
                            "Enfants",
                            "enfants",
                            [
                                field("texte_court", "Prénom", "prenom"),
                                field("texte_court", "Autre", "prenom"),
                            ],
                            item_label="Enfant",
                            add_label="Ajouter",
                        )
                    ],
                )
            ]
        )
    assert any("déjà utilisé dans ce groupe" in m for m in messages_of(error.value))


def test_a_choice_field_needs_choices():
    with pytest.raises(ValidationError) as error:
        clean([step("Un", [field("choix_unique", "École", "ecole", choices=[])])])
    assert messages_of(error.value)


@pytest.mark.parametrize(
    "steps",
    [
        # a step condition on a field of a later step
        [
            step(
                "Un", [field("texte_court", "Nom", "nom")], cond=condition("regime", "equals", "x")
            ),
            step("Deux", [field("texte_court", "Régime", "regime")]),
        ],
        # a condition on a field that does not exist
        [step("Un", [field("texte_court", "Nom", "nom", cond=condition("inconnu", "is_filled"))])],
    ],
)
def test_a_condition_on_a_later_or_missing_field_is_refused(steps):
    with pytest.raises(ValidationError) as error:
        clean(steps)
    assert messages_of(error.value)


def test_reserved_prefixes_cannot_be_machine_names():
    with pytest.raises(ValidationError) as error:
        clean([step("Un", [field("texte_court", "CAF", "caf")])])
    assert any("réservé aux données certifiées" in m for m in messages_of(error.value))


def test_a_valid_configuration_with_conditions_passes(cantine):
    raw = cantine.steps.raw_data
    clean(list(raw))


def test_renaming_a_field_is_refused_once_submissions_exist(cantine):
    citizen = Citizen(cantine)
    citizen.fill_all()
    citizen.post("recapitulatif", {})
    assert Submission.objects.count() == 1

    page = DemarchePage.objects.get(pk=cantine.pk)
    raw = list(page.steps.raw_data)
    raw[0]["value"]["fields"][0]["value"]["name"] = "nom_famille"
    page.steps = StreamValue(page.steps.stream_block, raw, is_lazy=True)
    with pytest.raises(ValidationError) as error:
        page.full_clean()
    assert "ne peut plus être changé" in str(error.value)

    # The label can change freely.
    raw[0]["value"]["fields"][0]["value"]["name"] = "nom_demandeur"
    raw[0]["value"]["fields"][0]["value"]["label"] = "Nom de famille"
    page.steps = StreamValue(page.steps.stream_block, raw, is_lazy=True)
    page.full_clean()


def test_preview_modes_show_each_step_and_the_recap(cantine):
    assert [mode for mode, _label in cantine.preview_modes][:7] == [
        "etape-1",
        "etape-2",
        "etape-3",
        "etape-4",
        "etape-5",
        "etape-6",
        "recapitulatif",
    ]
    for mode, _label in cantine.preview_modes[:7]:
        response = cantine.make_preview_request(original_request=None, preview_mode=mode)
        assert response.status_code == 200
        html = (
            response.render().content.decode()
            if hasattr(response, "render")
            else response.content.decode()
        )
        assert "Aperçu avec des valeurs d" in html
        assert "disabled" in html
    recap = cantine.make_preview_request(preview_mode="recapitulatif").render().content.decode()
    assert "camille.exemple@example.org" in recap
    assert Submission.objects.count() == 0


def test_preview_with_test_families_shows_their_outcome_without_calling_any_api(cantine, sandbox):
    from wagtail_passfamille.models import UpstreamCall

    modes = dict(cantine.preview_modes)
    assert modes["famille-martin"] == "Récapitulatif — Famille MARTIN — MSA, QF 200, 2 enfants"
    expected = {
        "famille-lefebvre": "Tranche F — 4,60",
        "famille-martin": "Tranche A — 0,85",
        "famille-bernard": "Tranche B — 1,60",
        "famille-giraud": "Tranche D — 3,10",
        "famille-inconnue": "(tarif par défaut)",
    }
    for mode, line in expected.items():
        html = cantine.make_preview_request(preview_mode=mode).render().content.decode()
        assert line in html, mode
        assert "famille de test" in html
    assert sandbox.stats.total == 0  # in process: no request reached even the sandbox
    assert UpstreamCall.objects.count() == 0
    assert Submission.objects.count() == 0
