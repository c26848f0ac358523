"""Conditions on a repeatable group's sub-fields: on a field after the group (same step) and on
another sub-field of the same item. Walked without JavaScript, as the server decides."""

import pytest

from tests.demarches.helpers import Citizen
from wagtail_passfamille.editor.starters.raw import condition, field, group, step
from wagtail_passfamille.models import Submission

from .conftest import publish

PAI = condition("enfants.pai", "equals", "Oui")


def children_step():
    return step(
        "Enfants",
        [
            group(
                "Enfants à inscrire",
                "enfants",
                [
                    field("texte_court", "Prénom", "prenom"),
                    field("choix_unique", "PAI", "pai", choices=["Oui", "Non"]),
                    # Per item: only for a child with a PAI.
                    field("texte_court", "Médecin du PAI", "medecin_pai", cond=PAI),
                ],
                item_label="Enfant",
                add_label="Ajouter un enfant",
            ),
            # Same step, after the group: shown when at least one child has a PAI.
            field("texte_long", "Consignes du PAI", "consignes_pai", cond=PAI),
        ],
    )


@pytest.fixture
def page(portal):
    return publish(
        portal,
        "loisirs-pai",
        [children_step(), step("Contact", [field("email", "E-mail", "email", is_contact=True)])],
    )


def children(*items):
    data = {
        "enfants-TOTAL_FORMS": str(len(items)),
        "enfants-INITIAL_FORMS": "0",
        "enfants-MIN_NUM_FORMS": "1",
        "enfants-MAX_NUM_FORMS": "6",
    }
    for index, item in enumerate(items):
        for key, value in item.items():
            data[f"enfants-{index}-{key}"] = value
    return data


def submit(page, answers):
    citizen = Citizen(page)
    citizen.start()
    response = citizen.post("etape-1", answers)
    return citizen, response


def test_a_field_after_the_group_is_asked_when_a_child_has_a_pai(page):
    _citizen, response = submit(
        page,
        children(
            {"prenom": "Léa", "pai": "Non"},
            {"prenom": "Tom", "pai": "Oui", "medecin_pai": "Dr Roux"},
        ),
    )
    assert response.status_code == 200  # « Consignes du PAI » is required and empty
    html = response.content.decode()
    assert "Consignes du PAI" in html and "Ce champ est obligatoire." in html


def test_the_field_after_the_group_is_collected(page):
    citizen, response = submit(
        page,
        {
            **children({"prenom": "Tom", "pai": "Oui", "medecin_pai": "Dr Roux"}),
            "consignes_pai": "Trousse dans le cartable",
        },
    )
    assert response.status_code == 302, response.content.decode()[-2000:]
    citizen.post("etape-2", {"email": "a@example.org"})
    citizen.post("recapitulatif", {})
    (submission,) = Submission.objects.all()
    assert submission.answers["consignes_pai"] == "Trousse dans le cartable"
    assert submission.answers["enfants"][0]["medecin_pai"] == "Dr Roux"


def test_without_a_pai_nothing_about_it_is_asked_or_kept(page):
    citizen, response = submit(
        page,
        {
            **children({"prenom": "Léa", "pai": "Non", "medecin_pai": "typed anyway"}),
            "consignes_pai": "typed before changing the answer",
        },
    )
    assert response.status_code == 302, response.content.decode()[-2000:]
    citizen.post("etape-2", {"email": "a@example.org"})
    citizen.post("recapitulatif", {})
    (submission,) = Submission.objects.all()
    assert "consignes_pai" not in submission.answers
    assert "medecin_pai" not in submission.answers["enfants"][0]


def test_the_per_item_field_is_required_only_for_the_child_with_a_pai(page):
    _citizen, response = submit(
        page,
        {
            **children({"prenom": "Léa", "pai": "Non"}, {"prenom": "Tom", "pai": "Oui"}),
            "consignes_pai": "Trousse",
        },
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "Enfant 2 — Médecin du PAI : Ce champ est obligatoire." in html
    assert "enfants-1-medecin_pai-error" in html and "enfants-0-medecin_pai-error" not in html
    # The browser gets the condition on the item's own input (enfants-1-pai), the field after
    # the group the condition on every item's.
    assert "&quot;variable&quot;: &quot;pai&quot;" in html
    assert "&quot;variable&quot;: &quot;enfants.pai&quot;" in html
