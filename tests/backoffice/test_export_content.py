"""What an export holds, cell by cell, for submissions the real wizard wrote (the demo canteen
against the sandbox): the expected rows are what the exports produced before they were made
faster, so that speed never changes content."""

import csv
import io

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone
from openpyxl import load_workbook

from tests.certified.conftest import cantine, seeded  # noqa: F401 (fixtures)
from tests.certified.helpers import martin_submission
from wagtail_passfamille.backoffice import exports

ADMIN = "/admin/passfamille"
ALEXIS = {"prenom": "Alexis", "date_naissance": "2006-04-20"}
FLEUR = {"prenom": "Fleur", "date_naissance": "2010-04-20"}


@pytest.fixture
def two_children(cantine):  # noqa: F811
    return martin_submission(cantine, ALEXIS, FLEUR)


def every_column(client, submission):
    admin = get_user_model().objects.create_superuser("chef", "chef@example.org", "x")
    client.force_login(admin)
    columns = exports.available_columns([submission.page.specific], type(submission).objects)
    return [column.key for column in columns]


NBSP = "\xa0"
TARIFF = (
    f"Tarif{NBSP}: Tranche A — 0,85{NBSP}€ par repas ; "
    f"2e enfant{NBSP}: 0,77{NBSP}€ par repas (réduction de 10{NBSP}%)"
)
CHILD = ", Durand, 20 avril {}, École Jules-Ferry, CE2, Végétarien"


def expected_row(submission):
    """The row of the exports before they were made faster (commit 0bd98be)."""
    return [
        submission.reference,
        "Inscription à la restauration scolaire 2026-2027",
        timezone.localtime(submission.submitted_at).strftime("%Y-%m-%d %H:%M"),
        "Reçue",
        "Vérifiée",
        "Sans objet",
        TARIFF,
        "Durand",
        "Camille",
        "camille.durand@example.org",
        "06 12 34 56 78",
        "3 rue des Lilas\n99000 Démoville",
        "Alexis" + CHILD.format(2006) + " | Fleur" + CHILD.format(2010),
        "",
        "Lundi, Mardi",
        "3 septembre 2026",
        "Non renseigné",
        "Non",
        "",
        "",
        "Non renseigné",
        "Oui",
        "verifie",
        "nom_naissance: MARTIN, nom_usage: , prenoms: ALEXIS VINCENT, date_naissance: 2006-04-20,"
        " sexe: M | nom_naissance: MARTIN, nom_usage: , prenoms: FLEUR EDITH, date_naissance:"
        " 2010-04-20, sexe: F",
        "fournisseur: MSA, valeur: 200, annee: 2024, mois: 9, annee_calcul: 2024, mois_calcul: 12",
        TARIFF,
        "Tranche A — 0.85",
    ]


def export(client, keys, fmt):
    response = client.post(f"{ADMIN}/demandes/export/", {"columns": keys, "format": fmt})
    assert response.status_code == 200
    return b"".join(response)


def test_csv_and_xlsx_hold_what_they_held_before(client, two_children):
    keys = every_column(client, two_children)
    assert len(keys) == 27
    row = expected_row(two_children)
    rows = list(
        csv.reader(io.StringIO(export(client, keys, "csv").decode("utf-8-sig")), delimiter=";")
    )
    assert len(rows) == 2 and len(rows[0]) == 27
    assert rows[1] == row
    sheet = load_workbook(io.BytesIO(export(client, keys, "xlsx"))).active
    cells = [[cell.value for cell in line] for line in sheet.iter_rows()]
    assert cells[0] == rows[0]
    assert [value if value is not None else "" for value in cells[1]] == row
