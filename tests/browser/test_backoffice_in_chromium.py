"""An agent in Chromium: the listing shows the applicants, the name search finds « camille
DURAND » in any order, and the export gives one row per registered child."""

from __future__ import annotations

import csv
import io

import pytest

from tests.certified.helpers import martin_submission

from .conftest import ADMIN_PASSWORD, admin_login, new_page

pytestmark = pytest.mark.browser

ALEXIS = {"prenom": "Alexis", "date_naissance": "2006-04-20"}
FLEUR = {"prenom": "Fleur", "date_naissance": "2010-04-20"}


@pytest.fixture
def agent(browser_available, demo, chromium, live_server):
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group, Permission

    from wagtail_passfamille.models import DemarcheGroupPermission

    submission = martin_submission(demo, ALEXIS, FLEUR)  # before the browser starts
    user = get_user_model().objects.create_user("agente", "agente@example.org", ADMIN_PASSWORD)
    group = Group.objects.create(name="Restauration scolaire")
    group.permissions.add(Permission.objects.get(codename="access_admin"))
    DemarcheGroupPermission.objects.create(group=group, page=demo)
    user.groups.add(group)
    context, page = new_page(chromium, live_server)
    page.set_viewport_size({"width": 1300, "height": 900})
    admin_login(page, "agente")
    yield page, submission
    context.close()


def test_an_agent_lists_searches_and_exports_per_child(agent, screenshots):
    page, submission = agent
    page.goto("/admin/passfamille/demandes/")
    row = page.locator("table.listing tbody tr").first
    assert "Durand Camille" in row.inner_text()
    assert page.locator("thead th").nth(1).inner_text().strip() == "Demandeur"
    page.screenshot(path=str(screenshots / "listing.png"), full_page=True)

    page.fill("#id_q", "camille DURAND")
    page.locator("#id_q").press("Enter")
    page.wait_for_load_state()
    assert "camille" not in page.url.lower()  # the name never lands in the URL
    page.screenshot(path=str(screenshots / "search.png"), full_page=True)
    rows = page.locator("table.listing tbody tr")
    assert rows.count() == 1
    assert submission.reference in rows.first.inner_text()

    page.goto("/admin/passfamille/demandes/export/")
    page.check("input[name=per_child]")
    page.check("input[name=format][value=csv]")
    page.screenshot(path=str(screenshots / "export.png"), full_page=True)
    with page.expect_download() as download:
        page.get_by_role("button", name="Exporter").click()
    text = open(download.value.path(), encoding="utf-8-sig").read()
    rows = list(csv.reader(io.StringIO(text), delimiter=";"))
    assert "Enfant" in rows[0] and "Enfant — Prénom" in rows[0]
    assert len(rows) == 3
    first_names = [row[rows[0].index("Enfant — Prénom")] for row in rows[1:]]
    assert first_names == ["Alexis", "Fleur"]
    assert {row[0] for row in rows[1:]} == {submission.reference}
