"""Test families of the sandbox for editors' previews: what that family would see, and the
outcome. Lookups go through the real clients and the sandbox's in-process adapter: no network,
no quota, no audit record."""

from __future__ import annotations

from dataclasses import dataclass

from wagtail_passfamille.services import Backend, Kind, LookupRequest, lookup

# The official staging families (API Particulier) and the sandbox's tax households.
CAF_FAMILIES = {
    "lefebvre": (
        "Famille LEFEBVRE — CNAF, QF 2550",
        {
            "nom_naissance": "LEFEBVRE",
            "prenoms": ["ALEXIS", "GÉRÔME", "JEAN-PHILIPPE"],
            "sexe": "F",
            "annee": 1982,
            "mois": 12,
            "jour": 27,
            "pays": "99100",
            "commune": "08480",
        },
    ),
    "martin": (
        "Famille MARTIN — MSA, QF 200, 2 enfants",
        {
            "nom_naissance": "MARTIN",
            "prenoms": ["PIERRE"],
            "sexe": "M",
            "annee": 1987,
            "mois": 6,
            "jour": 27,
            "pays": "99100",
            "commune": "51108",
        },
    ),
    "bernard": (
        "Famille BERNARD — CNAF, QF 650, 1 enfant",
        {
            "nom_naissance": "BERNARD",
            "prenoms": ["ELODIE"],
            "sexe": "F",
            "annee": 1990,
            "mois": 3,
            "pays": "99100",
            "commune": "08480",
        },
    ),
    "giraud": (
        "Famille GIRAUD — CNAF, QF 1200, 3 enfants",
        {
            "nom_naissance": "GIRAUD",
            "prenoms": ["ANNE"],
            "sexe": "F",
            "annee": 1988,
            "mois": 12,
            "jour": 1,
            "pays": "99100",
            "commune": "13002",
        },
    ),
    "inconnue": (
        "Famille inconnue de la CAF et de la MSA",
        {
            "nom_naissance": "DUPONT",
            "prenoms": ["ALEXIS"],
            "sexe": "F",
            "annee": 1982,
            "mois": 12,
            "jour": 27,
            "pays": "99100",
            "commune": "08480",
        },
    ),
}
DGFIP_FAMILIES = {
    "sable": ("Foyer SABLE — célibataire, RFR 28 450 €, 1 part", "3999999999901"),
    "gravier": ("Foyer GRAVIER — couple, 2 enfants, RFR 61 200 €, 3 parts", "3999999999902"),
    "caillou": ("Foyer CAILLOU — parent isolé, RFR 14 800 €, 2 parts", "3999999999903"),
    "galet": ("Foyer GALET — PACS, 3 enfants, RFR 23 900 €, 4 parts", "3999999999904"),
    "argile": ("Foyer ARGILE — veuve, 1 enfant, RFR 35 400 €, 2,5 parts", "3999999999905"),
    "quartz": ("Foyer QUARTZ — domicilié à Reims", "3999999999906"),
    "sans-dossier": ("Foyer sans dossier fiscal", "3999999999908"),
}

PREFIX = "famille-"


@dataclass(frozen=True)
class Family:
    key: str
    label: str
    source: str


def families_for(sources) -> list[Family]:
    families = []
    if "caf" in sources:
        families += [Family(k, label, "caf") for k, (label, _i) in CAF_FAMILIES.items()]
    if "dgfip" in sources:
        families += [Family(k, label, "dgfip") for k, (label, _n) in DGFIP_FAMILIES.items()]
    return families


def preview_backend() -> Backend:
    from wagtail_passfamille.api_particulier import ApiParticulierClient, ImpotParticulierClient
    from wagtail_passfamille.sandbox import DEFAULT_TOKEN
    from wagtail_passfamille.sandbox.inprocess import BASE_URL, inprocess_session
    from wagtail_passfamille.sandbox.tokens import (
        DEFAULT_OAUTH_CLIENT_ID,
        DEFAULT_OAUTH_CLIENT_SECRET,
    )

    def api_particulier(_profile, recipient):
        return ApiParticulierClient(BASE_URL, DEFAULT_TOKEN, recipient, session=inprocess_session())

    def impot_particulier(_profile):
        return ImpotParticulierClient(
            BASE_URL + "/impotparticulier/1.0",
            BASE_URL + "/token",
            DEFAULT_OAUTH_CLIENT_ID,
            DEFAULT_OAUTH_CLIENT_SECRET,
            session=inprocess_session(),
        )

    return Backend(api_particulier, impot_particulier, budgeted=False)


def family_certified(family: Family, ticked: tuple[str, ...], annee=None) -> dict:
    """The certified dict a submission of that family would hold."""
    if family.source == "caf":
        identifiers = CAF_FAMILIES[family.key][1]
    else:
        identifiers = {"numero_fiscal": DGFIP_FAMILIES[family.key][1], "annee": annee}
    request = LookupRequest(family.source, identifiers, ticked)
    # The SIRET of DINUM, as in every staging example: previews never reach a real API.
    result = lookup(
        request, profile="apercu", recipient="13002526500013", backend=preview_backend()
    )
    entry = {"verification": result.verification, "choice": "recuperer"}
    if result.kind is Kind.VERIFIED:
        entry.update(fields=result.fields, provenance=result.provenance)
    return {family.source: entry}
