"""Deep listing pages and big exports: the same rows as before, in a bounded number of queries.

Timings live in ``benchmarks/bench_backoffice.py``; here, what makes them hold: every page of
the listing shows exactly the rows of its slice of the ordering (the far half is read from the
other end), and an export's queries do not grow with its rows (no query per row).
"""

import csv
import datetime as dt
import io
import json
import re

import pytest
from cryptography.fernet import Fernet
from django.db import connection
from django.test.utils import CaptureQueriesContext

from wagtail_passfamille.admin import SubmissionAdmin
from wagtail_passfamille.models import Submission
from wagtail_passfamille.security.crypto import (
    InvalidToken,
    decrypt_json,
    decrypt_json_many,
    encrypt_json,
    fernet,
)

from .conftest import submit
from .test_permissions import ADMIN

REFERENCE_CELL = re.compile(r'<div class="title-wrapper">([A-Z]+-\d{4}-\d+)</div>')


def copies(original, count):
    """``count`` copies of a real submission (written by the wizard), a day apart each."""
    fields = [
        f.name
        for f in Submission._meta.concrete_fields
        if f.name not in ("id", "reference", "instance_key", "submitted_at")
    ]
    rows = []
    for number in range(count):
        row = Submission(**{name: getattr(original, name) for name in fields})
        row.reference = f"{original.reference}{number:02d}"
        row.instance_key = f"copy-{number}"
        # Two of them share a date: the id decides between them.
        row.submitted_at = original.submitted_at - dt.timedelta(days=number // 2 * 2 + 1)
        rows.append(row)
    Submission.objects.bulk_create(rows)


@pytest.fixture
def eleven(demarche_a, users):
    copies(submit(demarche_a, nom="Dupont"), 10)
    return list(
        Submission.objects.order_by("-submitted_at", "-pk").values_list("reference", flat=True)
    )


def test_every_page_shows_its_slice_of_the_ordering(client, users, eleven, monkeypatch):
    monkeypatch.setattr(SubmissionAdmin, "list_per_page", 3)
    client.force_login(users["superuser"])
    pages, counts = [], []
    for number in (1, 2, 3, 4):
        with CaptureQueriesContext(connection) as queries:
            response = client.get(f"{ADMIN}/demandes/?p={number}")
        assert response.status_code == 200
        pages.append(REFERENCE_CELL.findall(response.content.decode()))
        counts.append(len(queries))
    assert pages == [eleven[0:3], eleven[3:6], eleven[6:9], eleven[9:11]]
    # Pages of the far half (read from the other end) cost what the first pages cost.
    assert len(set(counts)) == 1, counts


def test_export_queries_do_not_grow_with_rows(client, users, demarche_a):
    client.force_login(users["superuser"])
    original = submit(demarche_a, nom="Dupont", children=(("Léa", "2018-05-14"),))
    columns = [
        "base:reference",
        "base:demarche",
        "answer:nom_demandeur",
        "answer:enfants",
        "outcome:summary",
    ]

    def export():
        with CaptureQueriesContext(connection) as queries:
            response = client.post(
                f"{ADMIN}/demandes/export/", {"columns": columns, "format": "csv"}
            )
            text = b"".join(response).decode("utf-8-sig")
        return list(csv.reader(io.StringIO(text), delimiter=";")), len(queries)

    rows, few = export()
    copies(original, 6)
    more_rows, many = export()
    assert len(rows) == 2 and len(more_rows) == 8
    assert many == few
    assert more_rows[-1][1:4] == [demarche_a.title, "Dupont", "Léa, 14 mai 2018"]


def test_decrypt_json_many_is_decrypt_json_of_each(settings):
    values = [{"nom": "Ève" * n, "enfants": [{"n": i} for i in range(n)]} for n in range(40)]
    tokens = [encrypt_json(value) for value in values]
    assert decrypt_json_many([*tokens, None]) == [*values, None]
    assert [decrypt_json(token) for token in tokens] == values
    # Rotation: tokens of the old key still decrypt once a new key comes first.
    old_key = settings.WAGTAIL_PASSFAMILLE_ENCRYPTION_KEYS[0]
    settings.WAGTAIL_PASSFAMILLE_ENCRYPTION_KEYS = [Fernet.generate_key().decode(), old_key]
    mixed = [encrypt_json({"new": 1}), tokens[3], encrypt_json({"new": 2})]
    assert decrypt_json_many(mixed) == [{"new": 1}, values[3], {"new": 2}]


@pytest.mark.parametrize("damage", ["signature", "body", "unknown key", "not base64", "short"])
def test_decrypt_json_many_refuses_what_fernet_refuses(settings, damage):
    token = encrypt_json({"nom": "Dupont"})
    if damage == "signature":
        token = token[:-6] + ("AAAAAA" if not token.endswith("AAAAAA") else "BBBBBB")
    elif damage == "body":
        token = token[:60] + ("A" if token[60] != "A" else "B") + token[61:]
    elif damage == "unknown key":
        token = Fernet(Fernet.generate_key()).encrypt(b'{"nom": "Dupont"}').decode()
    elif damage == "not base64":
        token = "gAAAA!!!"
    else:
        token = token[:40]
    with pytest.raises(InvalidToken):
        decrypt_json(token)
    with pytest.raises(InvalidToken):
        decrypt_json_many([encrypt_json({}), token])


PARSED = [b' {"a": 1} ', b'\xef\xbb\xbf{"a": 1}', b'"\\u00e9"', b"[1, 2]", b"3"]
PARSED += [b'{"\xc3\xa9": []}']
REFUSED = [b"1,2", b'{"a": 1}{', b"\xff", b"", b"[1"]


@pytest.mark.parametrize("payload", PARSED + REFUSED)
def test_decrypt_json_many_parses_any_plaintext_as_json_loads_does(payload):
    """encrypt_json writes one compact JSON document; any other plaintext (whitespace, a BOM,
    invalid JSON) gives what ``json.loads`` gives, value or exception."""
    token = fernet().encrypt(payload).decode()
    try:
        expected = json.loads(payload)
    except ValueError as error:
        with pytest.raises(type(error)):
            decrypt_json_many([token])
        with pytest.raises(type(error)):
            decrypt_json(token)
    else:
        assert decrypt_json_many([token, None]) == [expected, None] == [decrypt_json(token), None]
