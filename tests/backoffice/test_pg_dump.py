"""A dump of the whole PostgreSQL database holds no family's personal data in clear.

End to end: families submit through the wizard (answers, e-mails, a file), certified data are
stored, an agent instructs (comments, « à compléter », the citizen completes, exports), tasks go
to the database queue; then ``pg_dump`` of everything (sessions and task tables included).
"""

import os
import re
import shutil
import subprocess

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection

from wagtail_passfamille.models import StatusChange
from wagtail_passfamille.models.certified_record import CertifiedRecord, ChildMatch, SourceRecord
from wagtail_passfamille.services.matching import Match

from .conftest import submit
from .test_permissions import ADMIN, MINIMAL_PDF

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(
        not os.environ.get("DATABASE_URL", "").startswith(("postgres://", "postgresql://")),
        reason="pg_dump needs PostgreSQL: set DATABASE_URL=postgres://… to run it",
    ),
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


@pytest.fixture(scope="module", autouse=True)
def _leave_the_database_as_found(django_db_setup, django_db_blocker):
    """A transactional test ends with a flush that also empties what migrations created (the
    root page, the default site): put them back for the transactional tests that follow."""
    yield
    with django_db_blocker.unblock():
        contents = getattr(connection, "_test_serialized_contents", None)
        if contents:
            connection.creation.deserialize_db_from_string(contents)


# Distinctive values: none can appear in a dump by chance.
FAMILIES = [
    {
        "nom": "Zebulonnaz",
        "prenom": "Eglantine",
        "email": "eglantine.zebulonnaz@example.org",
        "children": (("Perceneige", "2017-03-29"),),
        "qf": "73519",
        "rfr": "48213",
        "numero_fiscal": "3999012345678",
        "naissance_allocataire": "1979-11-23",
    },
    {
        "nom": "Quirinalesco",
        "prenom": "Anatolie",
        "email": "anatolie.q@example.org",
        "children": (("Ysoldine", "2016-08-17"), ("Barnabeau", "2019-02-05")),
        "qf": "61847",
        "rfr": "92736",
        "numero_fiscal": "3888076543210",
        "naissance_allocataire": "1983-04-09",
    },
]
BASE64 = "A-Za-z0-9_=+/-"


def certified_for(family):
    """The family's certified record, written by ``CertifiedRecord`` with values in the shape
    the API clients give (distinctive values, so that a leak cannot hide among common ones)."""
    caf = SourceRecord(
        verification="verifie",
        choice="recuperer",
        fields={
            "quotient_familial": {"fournisseur": "CNAF", "valeur": int(family["qf"])},
            "allocataires": [
                {
                    "nom_naissance": family["nom"].upper(),
                    "prenoms": family["prenom"].upper(),
                    "date_naissance": family["naissance_allocataire"],
                }
            ],
            "enfants": [
                {"prenoms": name.upper(), "date_naissance": born}
                for name, born in family["children"]
            ],
        },
        provenance={"source": "caf", "endpoint": "quotient_familial", "request_id": "req-0001"},
        matching=tuple(
            ChildMatch(position, Match.FOUND) for position in range(1, len(family["children"]) + 1)
        ),
    )
    dgfip = SourceRecord(
        verification="verifie",
        choice="recuperer",
        fields={"revenu_fiscal_reference": int(family["rfr"]), "nombre_parts": "2.5"},
        provenance={"source": "dgfip", "request_id": "req-0002"},
        kept_identifiers={"numero_fiscal": family["numero_fiscal"]},
    )
    return CertifiedRecord({"caf": caf, "dgfip": dgfip})


def in_clear(dump: str, value: str) -> bool:
    """``value`` in the dump, not as a piece of a base64 token."""
    pattern = rf"(?<![{BASE64}]){re.escape(value)}(?![{BASE64}])"
    return re.search(pattern, dump, flags=re.IGNORECASE) is not None


def test_a_database_dump_holds_no_personal_data_in_clear(client, users, demarche_a, settings):
    pg_dump = shutil.which("pg_dump") or "/usr/bin/pg_dump"
    if not os.path.exists(pg_dump):
        pytest.skip("pg_dump is not installed")
    settings.TASKS = {
        "default": {
            "BACKEND": "django_tasks_db.DatabaseBackend",
            "QUEUES": ["default", "passfamille"],
        }
    }
    demarche_a.notified_agents.add(users["agent_a"])
    submissions = []
    for family in FAMILIES:
        pdf = SimpleUploadedFile(f"avis {family['nom']}.pdf", MINIMAL_PDF, "application/pdf")
        submission = submit(
            demarche_a,
            nom=family["nom"],
            prenom=family["prenom"],
            email=family["email"],
            children=family["children"],
            file=pdf,
            remarques=f"Allocataire né le {family['naissance_allocataire']}",
        )
        submission.certified_record = certified_for(family)
        submission.pending_lookups = {"numero_fiscal": family["numero_fiscal"]}
        submission.save()
        submissions.append(submission)

    client.force_login(users["agent_a"])
    first, second = submissions
    client.get(f"{ADMIN}/demandes/inspect/{first.pk}/")
    client.post(
        f"{ADMIN}/demandes/{first.pk}/statut/",
        {
            "to_status": "a_completer",
            "expected_status": "recue",
            "comment": f"Madame {FAMILIES[0]['nom']}, ajoutez votre téléphone",
            "fields": ["telephone"],
        },
    )
    client.post(
        f"{ADMIN}/demandes/{second.pk}/statut/",
        {"to_status": "en_instruction", "expected_status": "recue", "comment": "RAS"},
    )
    client.post(f"{ADMIN}/demandes/", {"q": FAMILIES[1]["nom"]}, follow=True)
    export = client.post(
        f"{ADMIN}/demandes/export/",
        {"columns": ["base:reference", "answer:nom_demandeur"], "format": "csv"},
    )
    assert FAMILIES[0]["nom"].encode() in b"".join(export)
    change = StatusChange.objects.get(submission=first, to_status="a_completer")
    assert change.completion_request.fields == ["telephone"]

    settings_dict = connection.settings_dict
    env = {**os.environ, "PGPASSWORD": settings_dict.get("PASSWORD") or ""}
    result = subprocess.run(
        [
            pg_dump,
            "--no-owner",
            "-h",
            settings_dict.get("HOST") or "127.0.0.1",
            "-p",
            str(settings_dict.get("PORT") or 5432),
            "-U",
            settings_dict["USER"],
            settings_dict["NAME"],
        ],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
        check=True,
    )
    dump = result.stdout
    # Not an empty dump: the references, tasks and sessions are there.
    assert first.reference in dump and second.reference in dump
    assert "django_tasks_database_dbtaskresult" in dump and "send_agents_notice" in dump
    assert "django_session" in dump
    for family in FAMILIES:
        values = [
            family["nom"],
            family["prenom"],
            family["email"],
            family["qf"],
            family["rfr"],
            family["numero_fiscal"],
            family["naissance_allocataire"],
            *(name for name, _born in family["children"]),
            *(born for _name, born in family["children"]),
        ]
        leaked = [value for value in values if in_clear(dump, value)]
        assert leaked == [], f"in clear in the dump: {leaked}"
