"""A town's first démarche in a new `wagtail start` project, then a citizen completing it.

Run by tests/packaging/test_wheel_in_new_project.py inside that project (copied beside
manage.py), with the project's settings as the README made them, the bundled sandbox serving
over HTTP and a db_worker running. What the README tells an integrator to do, in order:

- fill in « Pass Famille : collectivité » (the town's name and SIRET);
- add a « Portail famille » page under the home page;
- « Nouvelle démarche depuis un modèle » → « Restauration scolaire », in the admin;
- publish it.

Then a citizen (the official staging family LEFEBVRE, CNAF, QF 2550) fills it in step by step
and submits; the worker sends the acknowledgement. Prints one JSON line of what happened.
"""

import json
import re
import sys
import time

import django

django.setup()

from django.contrib.auth import get_user_model  # noqa: E402
from django.test import Client  # noqa: E402
from django.urls import reverse  # noqa: E402
from wagtail.models import Site  # noqa: E402

from wagtail_passfamille.models import (  # noqa: E402
    DemarchePage,
    PassFamilleSettings,
    PortailFamillePage,
    Submission,
)

STEP_URL = re.compile(r"/(?P<instance>[0-9a-f]{32})/(?P<step>[a-z0-9-]+)/$")
SIRET = "21990999900019"


def set_up_the_town(site):
    settings = PassFamilleSettings.for_site(site)
    settings.collectivite = "Ville de Townville"
    settings.siret = SIRET
    settings.dpo_name = "Délégué à la protection des données"
    settings.dpo_email = "dpo@townville.example"
    settings.technical_contact_name = "Service informatique"
    settings.technical_contact_email = "informatique@townville.example"
    settings.full_clean()
    settings.save()
    portal = PortailFamillePage(title="Portail famille", slug="portail-famille")
    site.root_page.add_child(instance=portal)
    portal.save_revision().publish()
    return portal


def demarche_from_the_model(portal):
    """The editor's two clicks in the admin: the model's draft, then « Publier »."""
    editor = get_user_model().objects.create_superuser("editor", "editor@townville.example", "x")
    admin = Client()
    admin.force_login(editor)
    # « Ajouter une sous-page » under the portal: the models come before the empty form.
    chooser = admin.get(reverse("wagtailadmin_pages:add_subpage", args=(portal.pk,)), follow=True)
    assert chooser.status_code == 200, chooser.status_code
    assert "Restauration scolaire" in chooser.content.decode(), "the models are offered"
    model = (portal.pk, "restauration-scolaire")
    response = admin.post(reverse("wagtail_passfamille_starter_create", args=model))
    assert response.status_code == 302, response.status_code
    page = DemarchePage.objects.child_of(portal).get()
    assert not page.live, "a model gives a draft"
    page.get_latest_revision().publish(user=editor)
    return DemarchePage.objects.get(pk=page.pk)


class Citizen:
    def __init__(self, page):
        self.page = page
        self.client = Client()
        self.instance = None

    def start(self):
        response = self.client.get(self.page.url)
        assert response.status_code == 302, response.status_code
        self.instance = STEP_URL.search(response["Location"])["instance"]
        first_step = self.client.get(response["Location"])
        assert first_step.status_code == 200, first_step.status_code

    def post(self, slug, values, then):
        """Post a step; the wizard must go on to ``then`` (an error shows the step again)."""
        prefix = "s" + self.page.step_name_from_slug(slug)[:8]
        data = {f"{prefix}-{key}": value for key, value in values.items()}
        response = self.client.post(self.page.instance_url(self.instance, slug), data)
        assert response.status_code == 302, f"{slug}: {response.status_code}"
        assert response["Location"].endswith(f"/{then}/"), f"{slug}: {response['Location']}"
        return response


def complete(page):
    citizen = Citizen(page)
    citizen.start()
    citizen.post(
        "etape-1",
        {
            "nom_demandeur": "Lefebvre",
            "prenom_demandeur": "Alexis",
            "email": "alexis.lefebvre@example.org",
            "telephone": "06 12 34 56 78",
            "adresse_0": "3 rue des Lilas",
            "adresse_1": "",
            "adresse_2": "99000",
            "adresse_3": "Townville",
        },
        then="etape-2",
    )
    citizen.post(
        "etape-2",
        {
            "enfants-TOTAL_FORMS": "1",
            "enfants-INITIAL_FORMS": "0",
            "enfants-MIN_NUM_FORMS": "1",
            "enfants-MAX_NUM_FORMS": "6",
            "enfants-0-prenom": "Léa",
            "enfants-0-nom": "Lefebvre",
            "enfants-0-date_naissance": "2018-05-14",
            "enfants-0-ecole": "École 1 (à renommer)",
            "enfants-0-classe": "CE2",
        },
        then="etape-3",
    )
    citizen.post(
        "etape-3",
        {
            "caf__choix": "recuperer",
            "caf__nom_naissance": "LEFEBVRE",
            "caf__nom_usage": "",
            "caf__prenom_1": "ALEXIS",
            "caf__prenom_2": "GÉRÔME",
            "caf__prenom_3": "JEAN-PHILIPPE",
            "caf__sexe": "F",
            "caf__naissance_0": "27",
            "caf__naissance_1": "12",
            "caf__naissance_2": "1982",
            "caf__pays": "99100",
            "caf__commune_recherche": "",
            "caf__commune": "08480",
        },
        then="etape-4",
    )
    days = {"jours": ["Lundi", "Mardi"], "attestation": "on"}
    citizen.post("etape-4", days, then="recapitulatif")
    receipt = citizen.post("recapitulatif", {}, then="confirmation")
    return Submission.objects.get(instance_key=f"{page.pk}:{citizen.instance}"), receipt


def main():
    site = Site.objects.get(is_default_site=True)
    page = demarche_from_the_model(set_up_the_town(site))
    submission, _receipt = complete(page)
    deadline = time.monotonic() + 90
    while submission.acknowledged_at is None and time.monotonic() < deadline:
        time.sleep(0.5)
        submission.refresh_from_db()
    caf = submission.certified_record.get("caf")
    print(
        json.dumps(
            {
                "reference": submission.reference,
                "status": submission.status,
                "caf": caf.verification if caf else None,
                "quotient_familial": (caf.fields or {}).get("quotient_familial") if caf else None,
                "tariff": submission.tariff,
                "acknowledged": submission.acknowledged_at is not None,
            },
            default=str,
        )
    )


if __name__ == "__main__":
    sys.exit(main())
