"""Every input of the multi-part widgets (address, partial birth date) has its own visible label,
tied to it by ``for``/``id`` (RGAA 11.1): a screen reader announces « Code postal », not the
field's label four times."""

import re

import pytest

from wagtail_passfamille.citizen.certified_forms import PartialDateWidget
from wagtail_passfamille.citizen.fields import AddressWidget


@pytest.mark.parametrize(
    "widget, labels",
    [
        (
            AddressWidget(),
            ["Numéro et voie", "Complément d'adresse (facultatif)", "Code postal", "Commune"],
        ),
        (PartialDateWidget(), ["Jour", "Mois", "Année"]),
    ],
)
def test_each_part_has_a_label_tied_to_its_input(widget, labels):
    html = widget.render("answer", None, attrs={"id": "id_answer"})
    tied = re.findall(r'<label class="pf-sublabel" for="([^"]+)">([^<]+)</label>', html)
    assert [label.replace("&#x27;", "'") for _, label in tied] == labels
    input_ids = re.findall(r'<input[^>]* id="([^"]+)"', html)
    assert [target for target, _ in tied] == input_ids
    assert input_ids == [f"id_answer_{index}" for index in range(len(labels))]
