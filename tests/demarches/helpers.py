"""A citizen walking through a démarche with Django's test client."""

import re

from django.test import Client

STEP_URL = re.compile(r"/(?P<instance>[0-9a-f]{32})/(?P<step>[a-z0-9-]+)/$")


class Citizen:
    def __init__(self, page, client=None):
        self.page = page
        self.client = client or Client()
        self.instance = None

    def prefix(self, slug):
        name = self.page.step_name_from_slug(slug)
        return "s" + name[:8]

    def url(self, slug):
        return self.page.instance_url(self.instance, slug)

    def start(self):
        response = self.client.get(self.page.url)
        assert response.status_code == 302, response.status_code
        match = STEP_URL.search(response["Location"])
        self.instance = match["instance"]
        return self.client.get(response["Location"])

    def data(self, slug, values):
        prefix = self.prefix(slug)
        data = {}
        for key, value in values.items():
            data[f"{prefix}-{key}"] = value
        return data

    def post(self, slug, values=None, *, raw=None, follow=False):
        data = self.data(slug, values or {})
        data.update(raw or {})
        return self.client.post(self.url(slug), data, follow=follow)

    def fill_all(self, *, allergie=False, with_pai_file=None):
        """Complete every step of the demo canteen démarche up to the recap."""
        self.start()
        responses = [self.post("etape-1", RESPONSABLE)]
        responses.append(self.post("etape-2", enfants(ENFANT_LEA)))
        frequentation = dict(FREQUENTATION)
        if allergie:
            frequentation.update({"allergie": "on", "precision_allergie": "Arachide"})
        responses.append(self.post("etape-3", frequentation))
        if allergie:
            values = {"certificat_medical": with_pai_file} if with_pai_file else {}
            responses.append(self.post("etape-4", values))
        responses.append(self.post("etape-5", {"attestation": "on"}))
        return responses


RESPONSABLE = {
    "nom_demandeur": "Durand",
    "prenom_demandeur": "Camille",
    "email": "camille.durand@example.org",
    "telephone": "06 12 34 56 78",
    "adresse_0": "3 rue des Lilas",
    "adresse_1": "",
    "adresse_2": "99000",
    "adresse_3": "Démoville",
}

ENFANT_LEA = {
    "prenom": "Léa",
    "nom": "Durand",
    "date_naissance": "2018-05-14",
    "ecole": "École Jules-Ferry",
    "classe": "CE2",
    "regime": "Végétarien",
}

FREQUENTATION = {"jours": ["Lundi", "Mardi"], "date_debut": "2026-09-03"}


def enfants(*children, total=None):
    data = {
        "enfants-TOTAL_FORMS": str(total if total is not None else len(children)),
        "enfants-INITIAL_FORMS": "0",
        "enfants-MIN_NUM_FORMS": "1",
        "enfants-MAX_NUM_FORMS": "6",
    }
    for index, child in enumerate(children):
        for key, value in child.items():
            data[f"enfants-{index}-{key}"] = value
    return data
