"""Identities of the staging cases, as the client takes them."""

from wagtail_passfamille.api_particulier import Identite, PartialDate

NOMINAL = Identite(
    nom_naissance="LEFEBVRE",
    prenoms=("ALEXIS", "GÉRÔME", "JEAN-PHILIPPE"),
    sexe="F",
    date_naissance=PartialDate(1982, 12, 27),
    code_pays_naissance="99100",
    code_commune_naissance="08480",
)

V3_KEYS = {
    "nom_naissance": "nomNaissance",
    "nom_usage": "nomUsage",
    "sexe": "sexeEtatCivil",
    "code_pays_naissance": "codeCogInseePaysNaissance",
    "code_commune_naissance": "codeCogInseeCommuneNaissance",
    "annee": "anneeDateNaissance",
    "mois": "moisDateNaissance",
    "jour": "jourDateNaissance",
}
V2_KEYS = {
    "nom_naissance": "nomNaissance",
    "nom_usage": "nomUsage",
    "sexe": "sexe",
    "code_pays_naissance": "codePaysLieuDeNaissance",
    "code_commune_naissance": "codeInseeLieuDeNaissance",
    "annee": "anneeDateDeNaissance",
    "mois": "moisDateDeNaissance",
    "jour": "jourDateDeNaissance",
}


def identite_from_params(params, keys=V3_KEYS):
    """The Identite whose query is exactly a staging case's ``params``."""
    annee = params.get(keys["annee"])
    birth = None
    if annee is not None:
        birth = PartialDate(annee, params.get(keys["mois"]), params.get(keys["jour"]))
    return Identite(
        nom_naissance=params[keys["nom_naissance"]],
        nom_usage=params.get(keys["nom_usage"]),
        prenoms=tuple(params["prenoms"]),
        sexe=params[keys["sexe"]],
        date_naissance=birth,
        code_pays_naissance=params[keys["code_pays_naissance"]],
        code_commune_naissance=params.get(keys["code_commune_naissance"]),
    )


def v2_as_v3(payload):
    """What the client makes of a v2 body: the v3 ``data`` block (REFERENCE.md §2.2 mapping)."""
    regimes = {"CNAF": "CNAF", "CAF": "CNAF", "MSA": "MSA"}

    def person(p):
        parts = [
            p.get(k) for k in ("anneeDateDeNaissance", "moisDateDeNaissance", "jourDateDeNaissance")
        ]
        parts = [int(x) if x not in (None, "") else 0 for x in parts]
        date = None if parts == [0, 0, 0] else f"{parts[0]:04d}-{parts[1]:02d}-{parts[2]:02d}"
        return {
            "nom_naissance": p["nomNaissance"],
            "nom_usage": p["nomUsuel"] if "nomUsuel" in p else p.get("nomUsage"),
            "prenoms": p["prenoms"],
            "date_naissance": date,
            "sexe": p["sexe"],
        }

    address = payload["adresse"]
    return {
        "quotient_familial": {
            "fournisseur": regimes.get(payload.get("regime")),
            "valeur": payload["quotientFamilial"],
            "annee": payload["annee"],
            "mois": payload["mois"],
            "annee_calcul": payload.get("annee_calcul"),
            "mois_calcul": payload.get("mois_calcul"),
        },
        "allocataires": [person(p) for p in payload["allocataires"]],
        "enfants": [person(p) for p in payload["enfants"]],
        "adresse": {
            "destinataire": address["identite"],
            "complement_information": address["complementInformation"],
            "complement_information_geographique": address["complementInformationGeographique"],
            "numero_libelle_voie": address["numeroLibelleVoie"],
            "lieu_dit": address["lieuDit"],
            "code_postal_ville": address["codePostalVille"],
            "pays": address["pays"],
        },
    }
