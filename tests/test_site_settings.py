"""The town's identity: the SIRET form refuses a number failing the Luhn check."""

import pytest
from django.urls import reverse

from wagtail_passfamille.api_particulier.siret import is_valid_siret
from wagtail_passfamille.models import PassFamilleSettings


@pytest.mark.parametrize(
    "value, valid",
    [
        ("13002526500013", True),  # DINUM, the API's own example
        ("13002526500014", False),  # last digit changed
        ("1300252650001", False),  # 13 digits
        ("130025265000130", False),  # 15 digits
        ("1300252650001A", False),
        ("１３００２５２６５０００１３", False),  # fullwidth digits look like digits
        ("35600000000048", True),  # La Poste head office (Luhn)
        ("35600000049837", True),  # a La Poste establishment: sum of digits multiple of 5
        ("35600000049838", False),
        ("", False),
    ],
)
def test_siret_validation(value, valid):
    assert is_valid_siret(value) is valid


def edit_settings(client, site, siret):
    url = reverse(
        "wagtailsettings:edit", args=["wagtail_passfamille", "passfamillesettings", site.pk]
    )
    return client.post(
        url,
        {
            "collectivite": "Ville de Démoville",
            "siret": siret,
            "dpo_name": "",
            "dpo_email": "",
            "technical_contact_name": "",
            "technical_contact_email": "",
        },
    )


def test_the_settings_form_refuses_a_siret_failing_luhn(admin_client, site):
    response = edit_settings(admin_client, site, "13002526500014")
    assert response.status_code == 200  # the form is shown again with its error
    assert "SIRET n&#x27;est pas valide" in response.content.decode()
    assert PassFamilleSettings.for_site(site).siret != "13002526500014"


def test_the_settings_form_accepts_a_pasted_siret_with_spaces(admin_client, site):
    response = edit_settings(admin_client, site, "130 025 265\u00a000013")
    assert response.status_code == 302
    assert PassFamilleSettings.for_site(site).siret == "13002526500013"
