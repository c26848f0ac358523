"""Every traced action writes exactly one audit record; exports hold what was chosen, safely."""

import csv
import io
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.db import connection
from django.http import StreamingHttpResponse
from django.test.utils import CaptureQueriesContext
from openpyxl import load_workbook

from wagtail_passfamille.models import AuditRecord, Submission

from .conftest import PASSWORD, submit
from .test_permissions import ADMIN, MINIMAL_PDF

Action = AuditRecord.Action


def one_new_record(before_pk, action):
    records = list(AuditRecord.objects.filter(pk__gt=before_pk or 0))
    assert [r.action for r in records] == [action], [r.action for r in records]
    return records[0]


def last_pk():
    return AuditRecord.objects.order_by("-pk").values_list("pk", flat=True).first() or 0


@pytest.fixture
def agent(client, users):
    client.force_login(users["agent_a"])
    return users["agent_a"]


def test_each_traced_action_writes_exactly_one_record(client, users, demarche_a, agent):
    pdf = SimpleUploadedFile("justificatif.pdf", MINIMAL_PDF, "application/pdf")
    sub = submit(demarche_a, nom="Dupont", file=pdf)
    stored = sub.files.get()
    steps = [
        (Action.VIEW, lambda: client.get(f"{ADMIN}/demandes/inspect/{sub.pk}/")),
        (
            Action.STATUS,
            lambda: client.post(
                f"{ADMIN}/demandes/{sub.pk}/statut/",
                {"to_status": "en_instruction", "expected_status": "recue", "comment": "Vu"},
            ),
        ),
        (Action.DOWNLOAD, lambda: client.get(f"{ADMIN}/fichiers/{stored.pk}/")),
        (
            Action.EXPORT,
            lambda: client.post(
                f"{ADMIN}/demandes/export/", {"columns": ["base:reference"], "format": "csv"}
            ),
        ),
        (
            Action.EXPORT,
            lambda: client.post(
                f"{ADMIN}/demandes/export/", {"columns": ["base:reference"], "format": "xlsx"}
            ),
        ),
        (Action.LIST, lambda: client.post(f"{ADMIN}/demandes/", {"q": "dupont"}, follow=True)),
        (
            Action.SEARCH,
            lambda: client.post(f"{ADMIN}/personnes/", {"name": "DUPONT"}),
        ),
        (
            Action.ACCESS,
            lambda: client.post(
                f"{ADMIN}/personnes/", {"reference": sub.reference, "action": "access"}
            ),
        ),
        (
            Action.ERASE,
            lambda: client.post(
                f"{ADMIN}/personnes/", {"name": "DUPONT", "action": "erase", "confirm": "1"}
            ),
        ),
    ]
    for action, call in steps:
        before = last_pk()
        response = call()
        assert response.status_code in (200, 302), (action, response.status_code)
        b"".join(response) if hasattr(response, "__iter__") else None
        record = one_new_record(before, action)
        assert record.user == agent and record.username == "agent_a"
        assert record.ip_address == "127.0.0.1"
        assert record.references == [sub.reference] and record.submission_ids == [sub.pk]
        assert "Dupont" not in str(record.detail) and "DUPONT" not in str(record.detail)
    assert not Submission.objects.filter(pk=sub.pk).exists()

    # A superuser's deletion, the purge and logins.
    other = submit(demarche_a, nom="Durand")
    client.force_login(users["superuser"])
    before = last_pk()
    client.post(f"{ADMIN}/demandes/delete/{other.pk}/")
    assert one_new_record(before, Action.DELETE).references == [other.reference]
    before = last_pk()
    call_command("passfamille_purge", verbosity=0)
    assert one_new_record(before, Action.PURGE).username == "passfamille_purge"


def test_logins_are_traced_and_unknown_usernames_are_not_kept(client, users):
    client.logout()
    before = last_pk()
    client.post("/admin/login/", {"username": "agent_a", "password": PASSWORD})
    record = one_new_record(before, Action.LOGIN)
    assert record.user == users["agent_a"]
    client.logout()
    before = last_pk()
    client.post("/admin/login/", {"username": "agent_a", "password": "wrong-password"})
    record = one_new_record(before, Action.LOGIN_FAILED)
    assert record.username == "agent_a" and "wrong-password" not in str(record.detail)
    before = last_pk()
    client.post("/admin/login/", {"username": "hunter2-typed-here", "password": "x"})
    record = one_new_record(before, Action.LOGIN_FAILED)
    assert record.username == "" and record.user is None
    assert record.detail == {"unknown_account": True}
    with pytest.raises(Exception, match="immutable"):
        record.delete()


def test_audit_listing_and_csv_for_superusers_only(client, users, submission_a):
    client.force_login(users["agent_a"])
    client.get(f"{ADMIN}/demandes/inspect/{submission_a.pk}/")
    assert client.get(f"{ADMIN}/traces/").status_code == 404
    client.force_login(users["superuser"])
    html = client.get(f"{ADMIN}/traces/?action=view").content.decode()
    assert submission_a.reference in html and "agent_a" in html
    html = client.get(f"{ADMIN}/traces/?action=export").content.decode()
    assert submission_a.reference not in html
    html = client.get(f"{ADMIN}/traces/?reference={submission_a.reference}").content.decode()
    assert "agent_a" in html
    response = client.get(f"{ADMIN}/traces/?export=csv&action=view")
    assert isinstance(response, StreamingHttpResponse)
    rows = list(csv.reader(io.StringIO(b"".join(response).decode("utf-8-sig")), delimiter=";"))
    assert rows[0][0] == "Date" and rows[1][1] == "agent_a" and submission_a.reference in rows[1][4]


def export(client, fmt, columns, **filters):
    response = client.post(
        f"{ADMIN}/demandes/export/", {"columns": columns, "format": fmt, **filters}
    )
    assert response.status_code == 200
    return response


def test_csv_export_holds_the_chosen_columns_and_is_formula_safe(client, demarche_a, agent):
    evil = '=HYPERLINK("http://evil.example","clic")'
    submit(
        demarche_a,
        nom="Dupont",
        remarques=evil,
        children=(("Léa", "2018-05-14"), ("Tom", "2020-01-02")),
    )
    submit(demarche_a, nom="+33 Martin", prenom="@Jean", remarques="-2+3")
    columns = [
        "base:reference",
        "base:status",
        "answer:nom_demandeur",
        "answer:prenom_demandeur",
        "answer:enfants",
        "answer:remarques",
        "outcome:summary",
    ]
    response = export(client, "csv", columns)
    assert isinstance(response, StreamingHttpResponse)
    assert response["Content-Disposition"].startswith('attachment; filename="demandes-')
    text = b"".join(response).decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text), delimiter=";"))
    assert rows[0] == [
        "Référence",
        "Statut",
        "Nom (nom_demandeur)",
        "Prénom (prenom_demandeur)",
        "Enfants à inscrire (enfants)",
        "Remarques (remarques)",
        "Résultat (résumé)",
    ]
    first, second = rows[1], rows[2]
    assert first[1] == "Reçue" and first[2] == "Dupont"
    assert first[4] == "Léa, 14 mai 2018 | Tom, 2 janvier 2020"
    assert first[5] == "'" + evil  # never evaluated by a spreadsheet
    assert second[2] == "'+33 Martin" and second[3] == "'@Jean" and second[5] == "'-2+3"


def test_xlsx_export_is_a_file_and_formula_safe(client, demarche_a, agent):
    submit(demarche_a, nom="=1+1")
    response = export(client, "xlsx", ["base:reference", "answer:nom_demandeur"])
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    workbook = load_workbook(io.BytesIO(b"".join(response)))
    sheet = workbook.active
    assert [c.value for c in sheet[1]] == ["Référence", "Nom (nom_demandeur)"]
    assert sheet["B2"].value == "'=1+1" and sheet["B2"].data_type == "s"


def test_xlsx_export_escapes_what_xlsxwriter_would_write_as_raw_xml(client, demarche_a, agent):
    """XlsxWriter writes a string « <r>…</r> » into the sheet's XML as it is (its own rich
    strings): a citizen's answer could close its cell and add a formula."""
    evil = '<r><t>a</t></r></is></c><c r="Z2"><f>HYPERLINK("http://evil.example")</f></c><r>x</r>'
    submit(demarche_a, nom=evil, prenom="<r></r>")
    response = export(client, "xlsx", ["answer:nom_demandeur", "answer:prenom_demandeur"])
    content = b"".join(response)
    sheet = load_workbook(io.BytesIO(content)).active
    assert [cell.value for cell in sheet[2]] == [evil, "<r></r>"]
    assert sheet["Z2"].value is None
    with zipfile.ZipFile(io.BytesIO(content)) as package:
        assert b"<f>" not in package.read("xl/worksheets/sheet1.xml")


def test_exports_follow_the_listing_filters(client, demarche_a, agent):
    first = submit(demarche_a, nom="Dupont")
    submit(demarche_a, nom="Durand")
    response = export(client, "csv", ["base:reference"], q="dupont")
    rows = list(csv.reader(io.StringIO(b"".join(response).decode("utf-8-sig")), delimiter=";"))
    assert rows[1:] == [[first.reference]]
    record = AuditRecord.objects.filter(action=Action.EXPORT).latest("pk")
    assert record.references == [first.reference] and record.detail["count"] == 1


def test_csv_streams_in_chunks(client, demarche_a, agent, monkeypatch):
    """Rows are read with a chunked iterator while the response is consumed, not before."""
    from django.db.models.query import QuerySet

    from wagtail_passfamille.backoffice import export_reading, exports

    for index in range(5):
        submit(demarche_a, nom=f"Famille{index}")
    monkeypatch.setattr(export_reading, "CHUNK_SIZE", 2)
    monkeypatch.setattr(exports, "ROWS_PER_LANGUAGE", 1)  # rows are made that many at a time
    chunk_sizes, rows_built = [], []
    original_iterator, original_cell = QuerySet.iterator, exports.RowReader.cell

    def iterator(self, chunk_size=None):
        chunk_sizes.append(chunk_size)
        return original_iterator(self, chunk_size=chunk_size)

    def cell(self, column):
        compiled = original_cell(self, column)

        def value(row):
            rows_built.append(row.pk)
            return compiled(row)

        return value

    monkeypatch.setattr(QuerySet, "iterator", iterator)
    monkeypatch.setattr(exports.RowReader, "cell", cell)
    response = export(client, "csv", ["base:reference", "answer:nom_demandeur"])
    assert isinstance(response, StreamingHttpResponse)
    stream = iter(response.streaming_content)
    with CaptureQueriesContext(connection) as queries:
        next(stream)  # the BOM: nothing read yet
        assert len(queries) == 0 and rows_built == []
        next(stream)  # the header
        next(stream)  # the first row, and only it, is built
        assert len(set(rows_built)) == 1
        lines = 3 + sum(1 for _ in stream)
    assert lines == 7 and len(set(rows_built)) == 5
    assert 2 in chunk_sizes  # the export's rows come through iterator(chunk_size=CHUNK_SIZE)
