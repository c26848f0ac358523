"""« Au moins une semaine »: a minimum and a maximum number of ticked choices."""

import pytest
from django.core.exceptions import ValidationError

from tests.demarches.helpers import Citizen
from tests.demarches.test_editor import clean, messages_of
from wagtail_passfamille.editor.starters.raw import field, step

from .conftest import publish

WEEKS = ["Semaine 1", "Semaine 2", "Semaine 3", "Semaine 4"]


def weeks(**bounds):
    return field("choix_multiples", "Semaines", "semaines", choices=WEEKS, **bounds)


@pytest.fixture
def page(portal):
    return publish(
        portal,
        "semaines",
        [
            step("Semaines", [weeks(min_choices=2, max_choices=3)]),
            step("Fin", [field("email", "E-mail", "email")]),
        ],
    )


@pytest.mark.parametrize(
    "ticked, message",
    [
        (["Semaine 1"], "Cochez au moins 2 choix."),
        (WEEKS, "Cochez au plus 3 choix."),
        (["Semaine 1", "Semaine 3"], None),
    ],
)
def test_the_citizen_ticks_between_the_minimum_and_the_maximum(page, ticked, message):
    citizen = Citizen(page)
    citizen.start()
    response = citizen.post("etape-1", {"semaines": ticked})
    if message:
        assert response.status_code == 200 and message in response.content.decode()
    else:
        assert response.status_code == 302


def test_a_minimum_above_the_maximum_or_the_choices_is_refused():
    with pytest.raises(ValidationError) as error:
        clean([step("Un", [weeks(min_choices=3, max_choices=2)])])
    assert any("supérieur ou égal au minimum" in m for m in messages_of(error.value))
    with pytest.raises(ValidationError) as error:
        clean([step("Un", [weeks(min_choices=5)])])
    assert any("dépasse le nombre de choix" in m for m in messages_of(error.value))
