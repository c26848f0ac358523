"""The configuration status in the admin: dashboard panel, status page, sidebar alert."""

import json
import re
import time

from django.core.cache import cache

from wagtail_passfamille.citizen.alerts import ALERTS_KEY, current_alerts
from wagtail_passfamille.sandbox import QF_ONLY_TOKEN

from .conftest import make_user

STATUS_URL = "/admin/passfamille/etat/"


def raise_alert(page, reason="Unauthorized"):
    """What alerts.raise_alert() stores, without queueing the technical contact's e-mail."""
    cache.set(
        ALERTS_KEY,
        {
            f"demo:caf:{reason}": {
                "profile": "demo",
                "source": "caf",
                "reason": reason,
                "page_id": page.pk,
                "at": time.time(),
            }
        },
    )


def test_the_dashboard_panel_comes_first_and_says_all_is_well(superuser_client):
    html = superuser_client.get("/admin/").content.decode()
    assert "Configuration Pass Famille" in html
    assert "tout est en ordre" in html
    assert "Vérifier maintenant" in html
    assert html.index('id="passfamille-habilitation') < html.index('id="passfamille-submissions')


def test_the_panel_shows_alerts_and_findings_to_act_on(superuser_client, cantine, set_profile):
    set_profile(TOKEN=QF_ONLY_TOKEN)
    raise_alert(cantine)
    html = superuser_client.get("/admin/").content.decode()
    assert "jeton refusé ou expiré" in html
    assert cantine.title in html
    assert "cnaf_enfants" in html
    assert "Erreurs : 1, avertissements : 0." in html


def sidebar(client, url="/admin/pages/"):
    """The sidebar's menu items, as the page hands them to Wagtail's JavaScript."""
    html = client.get(url).content.decode()
    found = re.search(r'<script id="wagtail-sidebar-props"[^>]*>(.*?)</script>', html, re.S)
    props = json.loads(found.group(1))
    return json.dumps(props, ensure_ascii=False)


def test_the_sidebar_names_the_problems_on_every_admin_page(superuser_client, cantine):
    assert "passfamille-alertes" not in sidebar(superuser_client)
    raise_alert(cantine)
    menu = sidebar(superuser_client)
    assert "passfamille-alertes" in menu and "1 alerte Pass Famille" in menu
    assert "1 alerte Pass Famille" in sidebar(superuser_client, "/admin/")


def test_check_now_refreshes_the_cache(superuser_client, sandbox):
    superuser_client.get("/admin/")
    superuser_client.get("/admin/")
    assert sandbox.stats.requests["introspect"] == 1
    response = superuser_client.post(STATUS_URL, {"action": "refresh", "next": "/admin/"})
    assert response.status_code == 302 and response["Location"] == "/admin/"
    assert sandbox.stats.requests["introspect"] == 2


def test_check_now_never_redirects_elsewhere(superuser_client):
    response = superuser_client.post(
        STATUS_URL, {"action": "refresh", "next": "https://ailleurs.example/"}
    )
    assert response["Location"] == STATUS_URL


def test_alerts_can_be_cleared(superuser_client, cantine):
    raise_alert(cantine)
    superuser_client.post(STATUS_URL, {"action": "clear"})
    assert current_alerts() == []


def test_the_status_page_lists_every_finding(superuser_client):
    html = superuser_client.get(STATUS_URL).content.decode()
    assert "Profil « demo »" in html
    assert "API Particulier accepte le jeton" in html
    assert "SIRET 21990999900019 valide." in html


def test_page_editors_see_the_status_instructors_do_not(client, cantine):
    raise_alert(cantine)
    client.force_login(make_user("agent", instructs=cantine))
    assert client.get(STATUS_URL)["Location"] == "/admin/"
    assert "Configuration Pass Famille" not in client.get("/admin/").content.decode()
    assert "passfamille-alertes" not in sidebar(client, "/admin/")
    client.force_login(make_user("redactrice", page_editor=True))
    assert client.get(STATUS_URL).status_code == 200
    assert "Configuration Pass Famille" in client.get("/admin/").content.decode()


def test_anonymous_users_go_to_the_login_page(client, seeded):
    assert client.get(STATUS_URL)["Location"].startswith("/admin/login/")
    assert client.post(STATUS_URL, {"action": "clear"})["Location"].startswith("/admin/login/")
