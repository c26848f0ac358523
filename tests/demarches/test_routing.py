"""A démarche below the Portail Famille page is routed to with one query for its rows."""

from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from wagtail_passfamille.models import DemarchePage, PortailFamillePage

from .helpers import Citizen


def test_a_demarche_below_the_portal_is_read_in_one_query(cantine):
    assert isinstance(cantine.get_parent().specific, PortailFamillePage)
    citizen = Citizen(cantine)
    citizen.start()
    with CaptureQueriesContext(connection) as queries:
        response = citizen.client.get(citizen.url("etape-1"))
    assert response.status_code == 200
    table = DemarchePage._meta.db_table
    sql = [query["sql"] for query in queries.captured_queries]
    # Wagtail's route reads the child's page row by its slug, then its démarche row
    # (``specific``): here one query reads both.
    by_slug = [query for query in sql if f"'{cantine.slug}'" in query]
    assert len(by_slug) == 1 and f'"{table}"' in by_slug[0]
    assert len([query for query in sql if f'"{table}"' in query]) == 1


def test_an_unknown_slug_below_the_portal_is_a_404(cantine):
    portal_url = cantine.get_parent().specific.url
    assert cantine.url.startswith(portal_url)

    assert Client().get(portal_url + "pas-une-demarche/").status_code == 404
    assert Client().get(portal_url).status_code == 200
