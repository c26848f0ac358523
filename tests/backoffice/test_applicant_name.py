"""The applicant's name in the listing, and the name search in any order (issue 13).

Submissions are written by the wizard (``submit``): the name comes from the field flagged
« Nom du demandeur » and the first name from the short text marked ``given-name``.
"""

import re
from types import SimpleNamespace

import pytest
from django.apps import apps
from django.db import connection
from django.test.utils import CaptureQueriesContext

from wagtail_passfamille.models import Submission

from .conftest import submit
from .test_listing_and_export_cost import copies
from .test_permissions import ADMIN

ROW = re.compile(
    r'<div class="title-wrapper">([A-Z]+-\d{4}-\d+)</div>.*?</td>\s*<td>([^<]*)</td>', re.S
)


def listing(client, **params):
    response = client.get(f"{ADMIN}/demandes/", params)
    if response.status_code == 302:  # a name is moved out of the URL first
        response = client.get(response["Location"])
    assert response.status_code == 200
    return dict(ROW.findall(response.content.decode()))


@pytest.fixture
def martin(demarche_a, users):
    return submit(demarche_a, nom="MARTIN", prenom="Pierre")


def test_the_listing_shows_the_applicants_name(client, users, martin, demarche_a):
    other = submit(demarche_a, nom="Lefèvre-Dupont", prenom="Anne-Sophie")
    client.force_login(users["agent_a"])
    assert listing(client) == {
        martin.reference: "MARTIN Pierre",
        other.reference: "Lefèvre-Dupont Anne-Sophie",
    }
    stored = Submission.objects.get(pk=martin.pk)
    assert stored.applicant == {"nom": "MARTIN", "prenom": "Pierre"}
    # Encrypted at rest: the column holds a token, never the name.
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT applicant FROM wagtail_passfamille_submission WHERE id = %s", [martin.pk]
        )
        assert "MARTIN" not in cursor.fetchone()[0]


def test_the_listing_reads_names_in_a_constant_number_of_queries(client, users, martin):
    client.force_login(users["superuser"])
    with CaptureQueriesContext(connection) as few:
        listing(client)
    copies(martin, 30)
    with CaptureQueriesContext(connection) as many:
        rows = listing(client)
    assert len(rows) == 31 and set(rows.values()) == {"MARTIN Pierre"}
    assert len(many) == len(few)


@pytest.mark.parametrize(
    "term", ["Pierre MARTIN", "martin pierre", "MARTIN", "martín", "  Pierre   Martin "]
)
def test_the_name_search_ignores_order_case_and_accents(client, users, martin, demarche_a, term):
    submit(demarche_a, nom="Martinez", prenom="Pierre")
    submit(demarche_a, nom="Pierre", prenom="Jean")
    client.force_login(users["agent_a"])
    response = client.post(f"{ADMIN}/demandes/", {"q": term})
    found = listing(
        client, **dict(p.split("=") for p in response["Location"].split("?")[1].split("&"))
    )
    assert found == {martin.reference: "MARTIN Pierre"}


def test_a_first_name_alone_or_another_first_name_finds_nothing(client, users, martin):
    client.force_login(users["agent_a"])
    for term in ("Pierre", "Paul MARTIN", "Pierre MARTIN Paul"):
        response = client.post(f"{ADMIN}/demandes/", {"q": term})
        query = dict(p.split("=") for p in response["Location"].split("?")[1].split("&"))
        assert listing(client, **query) == {}, term


def test_the_migration_fills_existing_submissions(martin, demarche_a):
    """0020 fills the name and its indexes from the encrypted answers of older rows."""
    from importlib import import_module

    migration = import_module("wagtail_passfamille.migrations.0020_applicant_name")
    expected = Submission.objects.values_list("applicant", "name_index", "full_name_index").get(
        pk=martin.pk
    )
    Submission.objects.filter(pk=martin.pk).update(
        applicant=None, name_index="", full_name_index=""
    )
    migration.forwards(apps, SimpleNamespace(connection=connection))  # what it uses of one
    assert (
        Submission.objects.values_list("applicant", "name_index", "full_name_index").get(
            pk=martin.pk
        )
        == expected
    )
    assert expected[0] == {"nom": "MARTIN", "prenom": "Pierre"} and all(expected[1:])
