"""Two communes on one Wagtail: two sites, two « Pass Famille : collectivité », their démarches.

Démoville (the demo, the default site) and Bourg-sur-Test (a second site whose portal and
canteen démarche are copies of Démoville's). Each upstream call carries its own site's SIRET as
``recipient``; each fiche habilitation names its own collectivité; an agent of one commune sees
nothing of the other's submissions.
"""

from urllib.parse import parse_qs

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.core.management import call_command
from django.test import Client
from wagtail.models import Site

from tests.demarches.helpers import Citizen
from wagtail_passfamille.models import (
    DemarcheGroupPermission,
    DemarchePage,
    PassFamilleSettings,
    PortailFamillePage,
    Submission,
)

DEMOVILLE_SIRET = "21990999900019"  # seed_demo's
BOURG_SIRET = "21510108900013"  # fictional, passes the Luhn check
BOURG_HOST = "bourg.example"


@pytest.fixture
def communes(db, sandbox, settings, tmp_path):
    settings.WAGTAIL_PASSFAMILLE_FILE_STORAGE = {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": str(tmp_path)},
    }
    call_command("seed_demo", "--no-admin", verbosity=0)
    demoville = Site.objects.get(is_default_site=True)
    cantine_a = DemarchePage.objects.get(slug="restauration-scolaire")
    home_b = demoville.root_page.get_parent().add_child(
        instance=type(demoville.root_page.specific)(title="Bourg-sur-Test", slug="bourg")
    )
    bourg = Site.objects.create(
        hostname=BOURG_HOST, port=80, root_page=home_b, site_name="Bourg-sur-Test"
    )
    PortailFamillePage.objects.get().copy(recursive=True, to=home_b, keep_live=True)
    cantine_b = DemarchePage.objects.descendant_of(home_b).get(slug="restauration-scolaire")
    town_b = PassFamilleSettings.for_site(bourg)
    town_b.collectivite = "Commune de Bourg-sur-Test"
    town_b.siret = BOURG_SIRET
    town_b.save()
    assert PassFamilleSettings.for_site(demoville).siret == DEMOVILLE_SIRET
    return {"a": cantine_a, "b": cantine_b, "site_a": demoville, "site_b": bourg}


def complete(page, client):
    citizen = Citizen(page, client)
    citizen.fill_all()
    response = citizen.post("recapitulatif", {})
    assert response.status_code == 302 and response["Location"].endswith("/confirmation/")
    return Submission.objects.order_by("-pk").first()


def recipients(sandbox):
    return [
        parse_qs(received.query).get("recipient", [None])[0]
        for received in sandbox.received
        if received.endpoint == "quotient_familial"
    ]


def test_every_upstream_call_carries_its_own_sites_siret(communes, sandbox):
    sandbox.reset()
    complete(communes["a"], Client())
    assert recipients(sandbox) and set(recipients(sandbox)) == {DEMOVILLE_SIRET}
    sandbox.reset()
    complete(communes["b"], Client(HTTP_HOST=BOURG_HOST))
    assert recipients(sandbox) and set(recipients(sandbox)) == {BOURG_SIRET}


def test_deferred_verification_uses_the_submissions_site(communes, sandbox):
    from wagtail_passfamille.tasks import verify_pending

    sandbox.set_fault("status=503; times=10")
    submission = complete(communes["b"], Client(HTTP_HOST=BOURG_HOST))
    assert submission.verification == "a_verifier"
    sandbox.reset()
    assert verify_pending.call(submission.pk, 1) == "resolved"
    assert set(recipients(sandbox)) == {BOURG_SIRET}


def test_each_fiche_habilitation_names_its_own_collectivite(communes, admin_client):
    fiche_a, fiche_b = (
        admin_client.get(
            f"/admin/passfamille/demarches/{communes[key].pk}/fiche-habilitation/"
        ).content.decode()
        for key in ("a", "b")
    )
    assert "Ville de Démoville" in fiche_a and DEMOVILLE_SIRET in fiche_a
    assert "Bourg-sur-Test" not in fiche_a and BOURG_SIRET not in fiche_a
    assert "Commune de Bourg-sur-Test" in fiche_b and BOURG_SIRET in fiche_b
    assert "Ville de Démoville" not in fiche_b and DEMOVILLE_SIRET not in fiche_b


def agent_of(page, name):
    user = get_user_model().objects.create_user(name, f"{name}@example.org", "pw")
    group = Group.objects.create(name=f"agents-{name}")
    group.permissions.add(Permission.objects.get(codename="access_admin"))
    DemarcheGroupPermission.objects.create(group=group, page=page)
    user.groups.add(group)
    client = Client()
    client.force_login(user)
    return client


def test_agents_of_one_commune_see_nothing_of_the_others(communes):
    sub_a = complete(communes["a"], Client())
    sub_b = complete(communes["b"], Client(HTTP_HOST=BOURG_HOST))
    assert sub_a.page_id != sub_b.page_id
    agent_a = agent_of(communes["a"], "agent_demoville")
    agent_b = agent_of(communes["b"], "agent_bourg")
    admin = "/admin/passfamille/demandes"
    for agent, own, other in ((agent_a, sub_a, sub_b), (agent_b, sub_b, sub_a)):
        listing = agent.get(f"{admin}/").content.decode()
        assert own.reference in listing and other.reference not in listing
        assert agent.get(f"{admin}/inspect/{own.pk}/").status_code == 200
        assert agent.get(f"{admin}/inspect/{other.pk}/").status_code == 404
        filtered = agent.get(f"{admin}/?demarche={other.page_id}").content.decode()
        assert other.reference not in filtered
        dashboard = agent.get("/admin/").content.decode()
        assert own.reference not in dashboard  # counts only, never a reference


def test_each_acknowledgement_names_its_own_collectivite(communes, mailoutbox):
    from wagtail_passfamille.tasks import send_acknowledgement

    sub_b = complete(communes["b"], Client(HTTP_HOST=BOURG_HOST))
    mailoutbox.clear()
    assert send_acknowledgement.call(sub_b.pk, 1) == "sent"
    (message,) = mailoutbox
    assert "Commune de Bourg-sur-Test a bien reçu" in message.body
    assert "Ville de Démoville" not in message.body  # the copied service contact may say Démoville
