"""The permission matrix over every admin URL of the back-office.

Roles: superuser, agent of démarche A, agent of démarche B, page editor without the right to
instruct, anonymous. Every request targets démarche B's objects (ids of B in the path, the query
string and the POST body), so an agent of A must get nothing: a 404, never B's data.
"""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from wagtail_passfamille.models import AuditRecord, Submission

from .conftest import submit

MINIMAL_PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"

ADMIN = "/admin/passfamille"


@pytest.fixture
def world(users, demarche_a, demarche_b):
    """One submission per démarche; B's has a file."""
    sub_a = submit(demarche_a, nom="Alpha")
    pdf = SimpleUploadedFile("certificat.pdf", MINIMAL_PDF, "application/pdf")
    sub_b = submit(demarche_b, nom="Bravo", file=pdf)
    return {"a": sub_a, "b": sub_b, "file_b": sub_b.files.get(), **users}


def requests_on_b(world):
    """(label, method, url, data) for every admin URL, all aimed at démarche B."""
    b, page_b, file_b = world["b"], world["b"].page_id, world["file_b"]
    return [
        ("index", "get", f"{ADMIN}/demandes/", None),
        ("index filtered on B", "get", f"{ADMIN}/demandes/?demarche={page_b}", None),
        ("index search B", "get", f"{ADMIN}/demandes/?q={b.reference}", None),
        ("detail", "get", f"{ADMIN}/demandes/inspect/{b.pk}/", None),
        (
            "status",
            "post",
            f"{ADMIN}/demandes/{b.pk}/statut/",
            {
                "to_status": "en_instruction",
                "expected_status": "recue",
                "comment": "ok",
            },
        ),
        ("download", "get", f"{ADMIN}/fichiers/{file_b.pk}/", None),
        ("export form", "get", f"{ADMIN}/demandes/export/?demarche={page_b}", None),
        (
            "export csv",
            "post",
            f"{ADMIN}/demandes/export/",
            {
                "demarche": page_b,
                "columns": ["base:reference", "answer:nom_demandeur"],
                "format": "csv",
            },
        ),
        (
            "export xlsx",
            "post",
            f"{ADMIN}/demandes/export/",
            {
                "q": b.reference,
                "columns": ["base:reference", "answer:nom_demandeur"],
                "format": "xlsx",
            },
        ),
        ("delete form", "get", f"{ADMIN}/demandes/delete/{b.pk}/", None),
        ("audit", "get", f"{ADMIN}/traces/", None),
        ("audit csv", "get", f"{ADMIN}/traces/?export=csv", None),
        ("person", "post", f"{ADMIN}/personnes/", {"reference": b.reference}),
        (
            "person access",
            "post",
            f"{ADMIN}/personnes/",
            {
                "reference": b.reference,
                "action": "access",
            },
        ),
        (
            "person erase",
            "post",
            f"{ADMIN}/personnes/",
            {
                "name": "Bravo",
                "action": "erase",
                "confirm": "1",
            },
        ),
        ("delete", "post", f"{ADMIN}/demandes/delete/{b.pk}/", {}),
    ]


def body(response):
    if getattr(response, "streaming", False):
        return b"".join(response.streaming_content)
    if hasattr(response, "file_to_stream") and response.file_to_stream is not None:
        return b"".join(response)
    return response.content


def leaks_b(world, content: bytes) -> bool:
    """B's reference or name in a response (what the user typed, echoed in a form, aside)."""
    reference = world["b"].reference.encode()
    for echo in (b'value="%s"', b"q=%s", b"reference=%s"):
        content = content.replace(echo % reference, b"").replace(echo % b"Bravo", b"")
    return reference in content or b"Bravo" in content


EXPECTED = {
    # role: {label: status} for requests on B's objects; omitted labels → 404
    "superuser": {
        "index": 200,
        "index filtered on B": 200,
        "index search B": 200,
        "detail": 200,
        "status": 302,
        "download": 200,
        "export form": 200,
        "export csv": 200,
        "export xlsx": 200,
        "delete form": 200,
        "audit": 200,
        "audit csv": 200,
        "person": 200,
        "person access": 200,
        "person erase": 302,
        "delete": 302,
    },
    "agent_b": {
        "index": 200,
        "index filtered on B": 200,
        "index search B": 200,
        "detail": 200,
        "status": 302,
        "download": 200,
        "export form": 200,
        "export csv": 200,
        "export xlsx": 200,
        "delete form": 302,
        "person": 200,
        "person access": 200,
        "person erase": 302,
        "delete": 302,
    },
    "agent_a": {
        # A's own listing and tools work, and show nothing of B.
        "index": 200,
        "index filtered on B": 200,
        "index search B": 200,
        "export form": 200,
        "export csv": 200,
        "export xlsx": 200,
        "person": 200,
        "person access": 200,
        "person erase": 200,
    },
    "editor": {},
}


@pytest.mark.parametrize("role", ["superuser", "agent_b", "agent_a", "editor", "anonymous"])
def test_every_admin_url_for_every_role(client, world, role):
    user = world[role]
    if user is not None:
        client.force_login(user)
    for label, method, url, data in requests_on_b(world):
        if label in ("delete", "person erase") and role in ("superuser", "agent_b"):
            continue  # destructive: checked last, below
        response = getattr(client, method)(url, data or {})
        if role == "anonymous":
            assert response.status_code == 302, label
            assert "/admin/login/" in response["Location"], label
            continue
        expected = EXPECTED[role].get(label, 404)
        assert response.status_code == expected, (label, response.status_code)
        content = body(response)
        if role in ("agent_a", "editor"):
            assert not leaks_b(world, content), label
    destructive = {r[0]: r for r in requests_on_b(world) if r[0] in ("delete", "person erase")}
    if role == "agent_b":
        response = client.post(destructive["delete"][2])
        assert response["Location"] == "/admin/"  # refused: only superusers delete
        assert Submission.objects.filter(pk=world["b"].pk).exists()
        response = client.post(destructive["person erase"][2], destructive["person erase"][3])
        assert response.status_code == 302
        assert not Submission.objects.filter(pk=world["b"].pk).exists()
    if role == "superuser":
        response = client.post(destructive["delete"][2])
        assert response.status_code == 302
        assert not Submission.objects.filter(pk=world["b"].pk).exists()
    assert Submission.objects.filter(pk=world["a"].pk).exists()
    if role in ("agent_a", "editor", "anonymous"):
        assert Submission.objects.filter(pk=world["b"].pk, status="recue").exists()
        # Nothing was traced as if B's data had been seen.
        traced = AuditRecord.objects.filter(references__icontains=world["b"].reference)
        assert not traced.exclude(action=AuditRecord.Action.LIST).exists()


def test_agent_of_a_lists_only_a(client, world):
    client.force_login(world["agent_a"])
    html = client.get(f"{ADMIN}/demandes/").content.decode()
    assert world["a"].reference in html and world["b"].reference not in html
    # Another démarche in the filter matches nothing (it does not widen either).
    html = client.get(f"{ADMIN}/demandes/?demarche={world['b'].page_id}").content.decode()
    assert world["a"].reference not in html and world["b"].reference not in html
    # Free-form Django-admin lookups are ignored: no oracle on other columns or relations.
    html = client.get(f"{ADMIN}/demandes/?page_id={world['b'].page_id}").content.decode()
    assert world["b"].reference not in html and world["a"].reference in html
    # The export form lists only A's démarche columns and counts only A.
    html = client.get(f"{ADMIN}/demandes/export/").content.decode()
    assert "1 demande correspond" in html


def test_no_create_or_edit_urls(client, world):
    client.force_login(world["superuser"])
    assert client.get(f"{ADMIN}/demandes/create/").status_code == 404
    assert client.get(f"{ADMIN}/demandes/edit/{world['a'].pk}/").status_code == 404


def test_dashboard_and_menu_show_only_permitted_demarches(client, world):
    client.force_login(world["agent_a"])
    html = client.get("/admin/").content.decode()
    assert "Demandes par statut" in html
    assert world["a"].page.title in html and "Centre de loisirs" not in html
    client.force_login(world["editor"])
    html = client.get("/admin/").content.decode()
    assert "Demandes par statut" not in html
    assert "passfamille-instruction" not in html


def test_group_editor_shows_and_saves_the_demarche_panel(client, world):
    from django.contrib.auth.models import Group

    from wagtail_passfamille.models import DemarcheGroupPermission

    client.force_login(world["superuser"])
    group = world["editor"].groups.get()
    url = f"/admin/groups/edit/{group.pk}/"
    html = client.get(url).content.decode()
    assert "Instruction des démarches" in html
    assert "Voir et instruire les demandes de" in html
    # Saving the group with démarche B ticked grants it, and nothing else.
    response = client.get(url)
    data = _group_form_data(response, group)
    data["passfamille_demarches-demarches"] = [str(world["b"].page_id)]
    response = client.post(url, data)
    assert response.status_code == 302, response.content.decode()[-3000:]
    assert list(
        DemarcheGroupPermission.objects.filter(group=group).values_list("page_id", flat=True)
    ) == [world["b"].page_id]
    assert Group.objects.get(pk=group.pk).name == group.name


def _group_form_data(response, group):
    """The group editor's current form as POST data (names and checked boxes)."""
    import re

    html = response.content.decode()
    data = {"name": group.name}
    for name, value in re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)"', html):
        data.setdefault(name, value)
    for name in re.findall(r'name="([^"]+-TOTAL_FORMS)"', html):
        data[name] = "0"
    for name in re.findall(r'name="([^"]+-INITIAL_FORMS)"', html):
        data[name] = "0"
    for name in re.findall(r'name="([^"]+-MIN_NUM_FORMS)"', html):
        data[name] = "0"
    for name in re.findall(r'name="([^"]+-MAX_NUM_FORMS)"', html):
        data[name] = "1000"
    return data
