"""Every agent search is traced with what it showed; searched names never go in a URL."""

from urllib.parse import parse_qs, urlsplit

from django.contrib.sessions.models import Session

from wagtail_passfamille.models import AuditRecord

from .conftest import submit
from .test_permissions import ADMIN

NAME = "Lefèvre-Dupont"


def test_a_listing_name_search_is_posted_kept_out_of_urls_and_traced(client, users, demarche_a):
    found = submit(demarche_a, nom=NAME)
    other = submit(demarche_a, nom="Martin")
    client.force_login(users["agent_a"])

    response = client.post(f"{ADMIN}/demandes/", {"q": "lefevre dupont", "status": "recue"})
    assert response.status_code == 302
    location = response["Location"]
    assert "lef" not in location.lower() and "dupont" not in location.lower()
    query = parse_qs(urlsplit(location).query)
    assert query["status"] == ["recue"] and len(query["recherche"][0]) >= 16

    page = client.get(location)
    html = page.content.decode()
    assert found.reference in html and "Martin" not in html
    # The name shows in the search box, never in a link or a GET form of the page.
    for href in (part.split('"')[0] for part in html.split('href="')[1:]):
        assert "dupont" not in href.lower(), href
    record = AuditRecord.objects.filter(action=AuditRecord.Action.LIST).latest("pk")
    assert record.submission_ids == [found.pk] and record.references == [found.reference]
    assert record.detail == {"search": "name", "count": 1}
    assert "upont" not in str(record.detail)

    # The export carries the token, not the name, and exports what the listing showed.
    token = query["recherche"][0]
    export = client.post(
        f"{ADMIN}/demandes/export/",
        {"recherche": token, "columns": ["base:reference"], "format": "csv"},
    )
    assert b"".join(export).decode().count("GARD-") == 1

    # The session keeps the name encrypted only.
    for session in Session.objects.all():
        assert "upont" not in session.session_data
        assert "upont" not in str(session.get_decoded())

    # A name typed in the address bar is moved out of it at once.
    typed = client.get(f"{ADMIN}/demandes/?q=Martin")
    assert typed.status_code == 302 and "Martin" not in typed["Location"]
    # A token from another session stands for nothing: no search, the plain listing.
    client.logout()
    client.force_login(users["agent_a"])
    searches = AuditRecord.objects.filter(action=AuditRecord.Action.LIST).count()
    html = client.get(location).content.decode()
    assert found.reference in html and other.reference in html
    assert AuditRecord.objects.filter(action=AuditRecord.Action.LIST).count() == searches


def test_a_reference_search_stays_in_the_url_and_is_traced(client, users, demarche_a):
    found = submit(demarche_a, nom=NAME)
    client.force_login(users["agent_a"])
    response = client.post(f"{ADMIN}/demandes/", {"q": found.reference})
    assert response["Location"].endswith(f"?q={found.reference}")
    client.get(response["Location"])
    record = AuditRecord.objects.filter(action=AuditRecord.Action.LIST).latest("pk")
    assert record.submission_ids == [found.pk] and record.detail["search"] == "reference"


def test_a_person_search_is_posted_and_traced_with_what_it_showed(client, users, demarche_a):
    found = submit(demarche_a, nom=NAME)
    submit(demarche_a, nom="Martin")
    client.force_login(users["agent_a"])

    # The page's form posts; a name in the URL searches nothing.
    page = client.get(f"{ADMIN}/personnes/?name={NAME}")
    assert 'method="post"' in page.content.decode()
    assert found.reference not in page.content.decode()
    assert not AuditRecord.objects.filter(action=AuditRecord.Action.SEARCH).exists()

    response = client.post(f"{ADMIN}/personnes/", {"name": "LEFEVRE DUPONT"})
    assert response.status_code == 200 and found.reference in response.content.decode()
    record = AuditRecord.objects.get(action=AuditRecord.Action.SEARCH)
    assert record.submission_ids == [found.pk] and record.references == [found.reference]
    assert record.detail == {"by": "name", "count": 1}
    assert record.username == "agent_a"

    client.post(f"{ADMIN}/personnes/", {"name": "Personne Inconnue"})
    empty = AuditRecord.objects.filter(action=AuditRecord.Action.SEARCH).latest("pk")
    assert empty.submission_ids == [] and empty.detail == {"by": "name", "count": 0}
