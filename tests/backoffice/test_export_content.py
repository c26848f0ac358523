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
from wagtail_passfamille.backoffice.display import FORMATTED_TEXT, answer_text
from wagtail_passfamille.blocks.schema import FIELD_KINDS
from wagtail_passfamille.models import AuditRecord, Submission

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
        "Vérifiée",  # the CAF's verification: its label since, no longer its code (verifie)
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


def test_one_row_per_registered_child(client, two_children, cantine):  # noqa: F811
    """The option gives each child of the children group a row of its own, carrying the
    application's reference and chosen columns; an application without children keeps one row."""
    every_column(client, two_children)
    page = export_page(client)
    assert 'name="per_child"' in page and "Une ligne par enfant inscrit" in page
    keys = ["base:reference", "answer:nom_demandeur", "outcome:summary"]
    response = client.post(
        f"{ADMIN}/demandes/export/", {"columns": keys, "format": "csv", "per_child": "1"}
    )
    rows = list(csv.reader(io.StringIO(b"".join(response).decode("utf-8-sig")), delimiter=";"))
    header = rows[0]
    assert header[:4] == ["Référence", "Nom (nom_demandeur)", "Résultat (résumé)", "Enfant"]
    assert header[4:7] == ["Enfant — Prénom", "Enfant — Nom", "Enfant — Date de naissance"]
    assert len(rows) == 3
    reference = two_children.reference
    assert [row[:7] for row in rows[1:]] == [
        [reference, "Durand", TARIFF, "1", "Alexis", "Durand", "20 avril 2006"],
        [reference, "Durand", TARIFF, "2", "Fleur", "Durand", "20 avril 2010"],
    ]
    assert all(len(row) == len(header) for row in rows)
    record = AuditRecord.objects.filter(action=AuditRecord.Action.EXPORT).latest("pk")
    assert record.detail["per_child"] is True and record.references == [reference]
    # The same in XLSX, the child's number as a number.
    response = client.post(
        f"{ADMIN}/demandes/export/", {"columns": keys, "format": "xlsx", "per_child": "1"}
    )
    sheet = load_workbook(io.BytesIO(b"".join(response))).active
    cells = [[cell.value for cell in line][:5] for line in sheet.iter_rows(min_row=2)]
    assert cells == [
        [reference, "Durand", TARIFF, 1, "Alexis"],
        [reference, "Durand", TARIFF, 2, "Fleur"],
    ]


def test_an_application_without_children_keeps_its_row(client, two_children):
    every_column(client, two_children)
    answers = dict(two_children.answers)
    answers["enfants"] = []
    Submission.objects.filter(pk=two_children.pk).update(answers=answers)
    response = client.post(
        f"{ADMIN}/demandes/export/",
        {"columns": ["base:reference"], "format": "csv", "per_child": "1"},
    )
    rows = list(csv.reader(io.StringIO(b"".join(response).decode("utf-8-sig")), delimiter=";"))
    assert len(rows) == 2 and rows[1][0] == two_children.reference
    assert set(rows[1][1:]) == {""}


def export_page(client):
    response = client.get(f"{ADMIN}/demandes/export/")
    assert response.status_code == 200
    return response.content.decode()


@pytest.mark.parametrize("block_type", [*FIELD_KINDS, "", "inconnu"])
def test_strings_read_as_stored_but_for_formatted_types(block_type):
    """Exports skip :func:`answer_text` for a string of a type outside FORMATTED_TEXT: it must
    give the string back."""
    for text in ["Léa", "2018-05-14", "0612345678", " x ", "=1+1", "Oui", "<b>"]:
        if block_type not in FORMATTED_TEXT:
            assert answer_text(block_type, text) == text
