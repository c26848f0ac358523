"""What each API scope is called in DataPass and says to a town, and which API grants it.

The fiche habilitation and the configuration check both speak of scopes the way DataPass does.
"""

from __future__ import annotations

import re

from django.utils.translation import gettext_lazy

from wagtail_passfamille import sources

# The two APIs, as ``CertifiedSource.api`` names them.
PARTICULIER, IMPOT = sources.get("caf").api, sources.get("dgfip").api

# DataPass's own labels, verbatim: the town looks for these words in the form.
DATAPASS_LABELS = {
    "cnaf_quotient_familial": "Quotient familial CAF & MSA",
    "cnaf_allocataires": "Identités allocataire et conjoint",
    "cnaf_enfants": "Identités enfants",
    "cnaf_adresse": "Adresse du foyer",
    "dgfip_rfr": "Revenu fiscal de référence",
    "dgfip_nbpart": "Nombre de parts",
    "dgfip_sitfam": "Situation de famille (marié, pacsé, célibataire, veuf divorcé)",
    "dgfip_pac_nbPac": "Nombre de personnes à charge",
    "dgfip_aft": "Adresse déclarée au 1er Janvier",
}
DESCRIPTIONS = {
    "cnaf_quotient_familial": gettext_lazy("Le quotient familial calculé par la CAF ou la MSA."),
    "cnaf_allocataires": gettext_lazy("Nom, prénoms, sexe et date de naissance des allocataires."),
    "cnaf_enfants": gettext_lazy("Nom, prénoms, sexe et date de naissance des enfants du dossier."),
    "cnaf_adresse": gettext_lazy("L'adresse du foyer déclarée à la CAF ou à la MSA."),
    "dgfip_rfr": gettext_lazy("Le revenu fiscal de référence du foyer fiscal."),
    "dgfip_nbpart": gettext_lazy("Le nombre de parts du foyer fiscal."),
    "dgfip_sitfam": gettext_lazy("La situation de famille : marié, pacsé, célibataire, veuf…"),
    "dgfip_pac_nbPac": gettext_lazy("Le nombre de personnes à charge du foyer fiscal."),
    "dgfip_aft": gettext_lazy("L'adresse du foyer fiscal au 1er janvier."),
}
# The editor's warning: "La démarche demande l'adresse (cnaf_adresse), que le jeton…".
PHRASES = {
    "cnaf_quotient_familial": gettext_lazy("le quotient familial"),
    "cnaf_allocataires": gettext_lazy("l'identité des allocataires"),
    "cnaf_enfants": gettext_lazy("les enfants"),
    "cnaf_adresse": gettext_lazy("l'adresse"),
}
CAF_SCOPES = frozenset(datum.scope for datum in sources.get("caf").data)
DGFIP_SCOPES = frozenset(datum.scope for datum in sources.get("dgfip").data)
# DataPass asks API Impôt particulier for the income years too (its "Années" group).
YEAR_SCOPES = {
    1: ("dgfip_annee_n_moins_1", "Dernière année de revenu (N-1)"),
    2: ("dgfip_annee_n_moins_2", "Avant-dernière année de revenu (N-2)"),
    3: ("dgfip_annee_n_moins_3", "Avant-avant-dernière année de revenu (N-3)"),
}
FALLBACK_YEAR_SCOPE = (
    "dgfip_annee_n_moins_2_si_indispo_n_moins_1",
    "Avant-dernière année de revenu, si la dernière année de revenu est indisponible (N-1 ou N-2)",
)
APIS = {
    PARTICULIER: ("API Particulier", "API Quotient familial CAF & MSA"),
    IMPOT: ("API Impôt particulier", "API Impôt Particulier (DGFiP)"),
}
CANTEEN_RE = re.compile(r"cantine|restauration", re.IGNORECASE)


def api_of(scope: str) -> str:
    return IMPOT if scope.startswith("dgfip_") else PARTICULIER


def scope_row(name: str) -> dict:
    return {
        "name": name,
        "datapass": DATAPASS_LABELS.get(name, name),
        "description": DESCRIPTIONS.get(name, ""),
    }
