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

    def fill_all(self, *, allergie=False, with_pai_file=None, identity=None):
        """Complete every step of the demo canteen démarche up to the recap."""
        self.start()
        responses = [self.post("etape-1", RESPONSABLE)]
        responses.append(self.post("etape-2", enfants(ENFANT_LEA)))
        responses.append(self.post("etape-3", identity or LEFEBVRE))
        frequentation = dict(FREQUENTATION)
        if allergie:
            frequentation.update({"allergie": "on", "precision_allergie": "Arachide"})
        responses.append(self.post("etape-4", frequentation))
        if allergie:
            values = {"certificat_medical": with_pai_file} if with_pai_file else {}
            responses.append(self.post("etape-5", values))
        responses.append(self.post("etape-6", {"attestation": "on"}))
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


def caf_identity(nom, prenoms, sexe, annee, mois="", jour="", pays="99100", commune=""):
    """The CAF block's inputs as a citizen fills them in (choice: fetch the data)."""
    data = {
        "caf__choix": "recuperer",
        "caf__nom_naissance": nom,
        "caf__nom_usage": "",
        "caf__sexe": sexe,
        "caf__naissance_0": str(jour),
        "caf__naissance_1": str(mois),
        "caf__naissance_2": str(annee),
        "caf__pays": pays,
        "caf__commune_recherche": "",
        "caf__commune": commune,
    }
    for index in range(3):
        data[f"caf__prenom_{index + 1}"] = prenoms[index] if index < len(prenoms) else ""
    return data


# The official staging's nominal family: CNAF, quotient familial 2550, no child.
LEFEBVRE = caf_identity(
    "LEFEBVRE", ["ALEXIS", "GÉRÔME", "JEAN-PHILIPPE"], "F", 1982, 12, 27, commune="08480"
)
# Staging: MSA, quotient familial 200 (Sept. 2024), two children (ALEXIS VINCENT, FLEUR EDITH).
MARTIN = caf_identity("MARTIN", ["PIERRE"], "M", 1987, 6, 27, commune="51108")
# Staging's generic 404: not known to the CAF nor to the MSA.
INCONNU = caf_identity("DUPONT", ["ALEXIS"], "F", 1982, 12, 27, commune="08480")
