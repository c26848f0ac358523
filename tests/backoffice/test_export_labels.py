"""Coded values read in an export as the agent reads them on the submission's page: each
certified source's verification state by its label (« Vérifiée », « Justificatif fourni »),
never the stored code (``verifie``), in the language of the agent's interface, in CSV (streamed
after the view returned) as in XLSX. Submissions written by the real wizard against the sandbox."""

import csv
import io
from zoneinfo import ZoneInfo

import pytest
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import load_workbook
from wagtail.users.models import UserProfile

from tests.certified.conftest import cantine, pass_famille, seeded  # noqa: F401 (fixtures)
from tests.certified.helpers import martin_submission, pass_famille_until_recap
from tests.demarches.helpers import (
    ENFANT_LEA,
    FREQUENTATION,
    INCONNU,
    RESPONSABLE,
    Citizen,
    enfants,
)
from wagtail_passfamille.backoffice import exports
from wagtail_passfamille.models import DemarchePage, Submission

ADMIN = "/admin/passfamille"
STATES = [
    "base:reference",
    "base:status",
    "base:verification",
    "base:decision",
    "certified:caf.verification",
    "certified:dgfip.verification",
    # Texts made as rows are read (memoised): in the agent's language too.
    "answer:remarques",
    "answer:attestation",
]


def justificatif_submission(cantine):  # noqa: F811
    """A family unknown to the CAF, whose citizen uploads a document instead."""
    document = SimpleUploadedFile("attestation.pdf", b"%PDF-1.4\n%%EOF\n", "application/pdf")
    citizen = Citizen(cantine)
    citizen.start()
    citizen.post("etape-1", RESPONSABLE)
    citizen.post("etape-2", enfants(ENFANT_LEA))
    identity = {**INCONNU, "caf__choix": "justificatif", "caf__justificatif": document}
    assert citizen.post("etape-3", identity).status_code == 302
    citizen.post("etape-4", FREQUENTATION)
    citizen.post("etape-6", {"attestation": "on"})
    assert citizen.post("recapitulatif", {}).status_code == 302


@pytest.fixture
def three(cantine, pass_famille, private_dir):  # noqa: F811
    martin = martin_submission(cantine, {"prenom": "Alexis", "date_naissance": "2006-04-20"})
    justificatif_submission(cantine)
    citizen, _step = pass_famille_until_recap(pass_famille)
    assert citizen.post("recapitulatif", {}).status_code == 302
    pass_famille_submission = Submission.objects.get(page=pass_famille)
    justificatif = Submission.objects.exclude(pk__in=[martin.pk, pass_famille_submission.pk]).get()
    # What the writer stored: codes (the labels below are the export's doing).
    assert martin.certified_record.get("caf").verification == "verifie"
    assert justificatif.certified_record.get("caf").verification == "justificatif"
    assert pass_famille_submission.certified_record.get("dgfip").verification == "verifie"
    return martin, justificatif, pass_famille_submission


def agent(client, language, time_zone=""):
    user = get_user_model().objects.create_superuser("chef", "chef@example.org", "x")
    profile = UserProfile.get_for_user(user)
    profile.preferred_language = language
    profile.current_time_zone = time_zone
    profile.save()
    client.force_login(user)


def exported(client, fmt):
    columns = exports.available_columns(DemarchePage.objects.all(), Submission.objects)
    keys = {column.key for column in columns}
    assert set(STATES) <= keys
    response = client.post(f"{ADMIN}/demandes/export/", {"columns": STATES, "format": fmt})
    assert response.status_code == 200
    content = b"".join(response)
    if fmt == "csv":
        rows = list(csv.reader(io.StringIO(content.decode("utf-8-sig")), delimiter=";"))
    else:
        sheet = load_workbook(io.BytesIO(content)).active
        rows = [["" if c.value is None else c.value for c in line] for line in sheet.iter_rows()]
    return {row[0]: row[1:] for row in rows[1:]}, rows[0]


def expected(three, labels):
    martin, justificatif, pass_famille_submission = three
    return {
        martin.reference: labels["martin"],
        justificatif.reference: labels["justificatif"],
        pass_famille_submission.reference: labels["pass"],
    }


FRENCH = {
    "martin": ["Reçue", "Vérifiée", "Sans objet", "Vérifiée", "", "Non renseigné", "Oui"],
    "justificatif": [
        *["Reçue", "Justificatif fourni", "Sans objet", "Justificatif fourni", ""],
        *["Non renseigné", "Oui"],
    ],
    "pass": ["Reçue", "Vérifiée", "Pour examen", "", "Vérifiée", "", "Oui"],
}
ENGLISH = {
    "martin": ["Received", "Verified", "Not applicable", "Verified", "", "Not provided", "Yes"],
    "justificatif": [
        *["Received", "Document provided", "Not applicable", "Document provided", ""],
        *["Not provided", "Yes"],
    ],
    "pass": ["Received", "Verified", "For review", "", "Verified", "", "Yes"],
}


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_verification_states_are_exported_as_their_labels(client, three, fmt):
    agent(client, "")
    rows, header = exported(client, fmt)
    assert header[4:6] == ["CAF/MSA — vérification", "DGFiP — vérification"]
    assert rows == expected(three, FRENCH)


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_labels_are_in_the_language_of_the_agents_interface(client, three, fmt):
    agent(client, "en")
    rows, header = exported(client, fmt)
    assert header[1:3] == ["Status", "Verification"]
    assert rows == expected(three, ENGLISH)


def test_a_streamed_csv_is_in_the_agents_time_zone(client, cantine):  # noqa: F811
    submission = martin_submission(cantine, {"prenom": "Alexis", "date_naissance": "2006-04-20"})
    agent(client, "", time_zone="Pacific/Kiritimati")  # UTC+14: never the town's day and hour
    response = client.post(
        f"{ADMIN}/demandes/export/", {"columns": ["base:submitted_at"], "format": "csv"}
    )
    rows = list(csv.reader(io.StringIO(b"".join(response).decode("utf-8-sig")), delimiter=";"))
    zone = ZoneInfo("Pacific/Kiritimati")
    assert rows[1] == [submission.submitted_at.astimezone(zone).strftime("%Y-%m-%d %H:%M")]
