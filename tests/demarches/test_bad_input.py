"""The wizard-level bad-input catalogue: a clear French message or a 4xx, never a 500, and
never a half-stored submission (reliability-security-performance.md, A6)."""

import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from wagtail_passfamille.models import Submission

from .helpers import RESPONSABLE, Citizen


@pytest.fixture
def citizen(cantine):
    citizen = Citizen(cantine)
    citizen.start()
    citizen.post("etape-1", RESPONSABLE)
    return citizen


def test_more_than_1000_fields_is_a_400_and_keeps_earlier_steps(citizen):
    flood = {f"champ_{i}": "x" for i in range(1500)}
    response = citizen.post("etape-2", raw=flood)
    assert response.status_code == 400
    assert "La requête n'a pas pu être traitée" in response.content.decode()
    kept = citizen.client.get(citizen.url("etape-1")).content.decode()
    assert 'value="Durand"' in kept
    assert Submission.objects.count() == 0


def test_more_than_100_files_is_a_400(citizen):
    files = {f"f{i}": SimpleUploadedFile(f"{i}.pdf", b"%PDF-1.4") for i in range(110)}
    response = citizen.client.post(citizen.url("etape-2"), files)
    assert response.status_code == 400


def test_a_missing_csrf_token_is_a_french_403(cantine):
    client = Client(enforce_csrf_checks=True)
    citizen = Citizen(cantine, client=client)
    citizen.start()
    response = citizen.post("etape-1", RESPONSABLE)
    assert response.status_code == 403
    assert "Le formulaire a expiré" in response.content.decode()


@pytest.mark.parametrize("slug", ["etape-0", "etape-99", "etape-2x"])
def test_unknown_steps_lead_back_to_the_démarche(citizen, slug):
    response = citizen.client.get(citizen.page.url + f"{citizen.instance}/{slug}/")
    assert response.status_code in (302, 404)


def test_a_malformed_instance_is_a_404(cantine):
    assert Client().get(cantine.url + "not-an-instance/etape-1/").status_code == 404


@pytest.mark.parametrize(
    "value, message",
    [
        ("Dur\x00and", "caractère nul"),
        ("D" * 1_000_000, "au plus 255 caractères"),
        ("<script>alert(1)</script>", None),
        ('=HYPERLINK("http://evil.example")', None),
    ],
)
def test_hostile_text_gets_a_field_error_or_is_kept_as_text(citizen, value, message):
    response = citizen.post("etape-1", {**RESPONSABLE, "nom_demandeur": value})
    html = response.content.decode()
    if message:
        assert response.status_code == 200 and message in html
    else:
        assert response.status_code == 302
        page = citizen.client.get(citizen.url("etape-1")).content.decode()
        assert "<script>alert(1)</script>" not in page  # escaped when shown again


def test_a_json_body_is_not_a_form(citizen):
    response = citizen.client.post(
        citizen.url("etape-2"), json.dumps({"enfants": []}), content_type="application/json"
    )
    assert response.status_code in (200, 400)
    assert Submission.objects.count() == 0


def test_a_forged_current_step_cannot_skip_the_recap_checks(citizen):
    # Post the final step's form to the recap URL without having filled the steps between.
    response = citizen.post("recapitulatif", {})
    assert response.status_code == 302 and response["Location"].endswith("/etape-2/")
    assert Submission.objects.count() == 0
