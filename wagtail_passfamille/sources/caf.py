"""CAF/MSA family data: API Particulier's quotient familial v3, by identity pivot.

The citizen types the allocataire's identity (nom de naissance, prénoms, sexe, date and place of
birth as INSEE codes); the answer's blocks are masked by the token's ``cnaf_*`` scopes.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.utils.translation import gettext_lazy as _

from wagtail_passfamille.api_particulier import Identite, PartialDate
from wagtail_passfamille.geo import parse_code_postal_ville, resolve_commune
from wagtail_passfamille.security.identity import identity_key
from wagtail_passfamille.sources.base import CertifiedSource, Datum, PreviewFamily

# The official staging families of API Particulier, replayed by the sandbox.
_FAMILIES = {
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


# Staging's FranceConnect cases with young children (born 2018 to 2024), for previews of
# démarches for children: reductions from the 2nd child show. The sandbox answers ``fc_<case>``.
_FRANCE_CONNECT_FAMILIES = {
    "mercier": (
        "Famille MERCIER (FranceConnect) — CNAF, QF 2550, 3 enfants",
        "fc_france_connect_200_cnaf_1_parent_3_mineurs",
    ),
    "penderie": (
        "Famille PENDERIE (FranceConnect) — CNAF, QF 2550, 4 enfants mineurs et 1 majeur",
        "fc_france_connect_200_cnaf_2_parents_4_mineurs_1_majeur",
    ),
}


def identite_from(identifiers: Mapping[str, Any]) -> Identite:
    """The API's identity pivot from the identifiers the citizen's form section gives."""
    annee = identifiers.get("annee")
    date = PartialDate(annee, identifiers.get("mois"), identifiers.get("jour")) if annee else None
    return Identite(
        nom_naissance=identifiers["nom_naissance"],
        nom_usage=identifiers.get("nom_usage") or None,
        prenoms=tuple(p for p in identifiers["prenoms"] if p),
        sexe=identifiers["sexe"],
        date_naissance=date,
        code_pays_naissance=identifiers["pays"],
        code_commune_naissance=identifiers.get("commune") or None,
    )


def _month(annee, mois) -> str | None:
    """ "2026-05" for a month, None when there is none."""
    return f"{int(annee):04d}-{int(mois):02d}" if annee and mois else None


def commune_of(postcode: str | None, town: str | None) -> str | None:
    """The INSEE code of a postal address's commune, when it resolves to one."""
    if not postcode or not town:
        return None
    return resolve_commune(postcode, town)


class CafSource(CertifiedSource):
    name = "caf"
    block_type = "donnees_caf"
    label = _("Quotient familial CAF/MSA")
    short_label = "CAF/MSA"
    # Translators: read after « auprès de » (« auprès de la CAF ou de la MSA »).
    agency = _("la CAF ou de la MSA")
    subject = _("La CAF ou la MSA")
    api = "particulier"
    credential_section = "API_PARTICULIER"
    api_version = "v3"
    endpoint = "quotient_familial"
    data = (
        Datum(
            "quotient_familial",
            _("Quotient familial"),
            "number",
            "cnaf_quotient_familial",
            ("caf.quotient_familial", "caf.fournisseur"),
        ),
        Datum("allocataires", _("Allocataires (parents)"), "people", "cnaf_allocataires"),
        Datum(
            "enfants",
            _("Enfants à charge"),
            "children",
            "cnaf_enfants",
            ("caf.nombre_enfants", "caf.ages_enfants"),
        ),
        Datum(
            "adresse",
            _("Adresse déclarée à la CAF ou à la MSA"),
            "address",
            "cnaf_adresse",
            ("caf.commune",),
        ),
    )
    default_ticked = ("quotient_familial",)
    children_datum = "enfants"
    preview_families = (
        *(
            PreviewFamily(key, label, "caf", identifiers)
            for key, (label, identifiers) in _FAMILIES.items()
        ),
        *(
            PreviewFamily(key, label, "caf", {}, france_connect_token=token)
            for key, (label, token) in _FRANCE_CONNECT_FAMILIES.items()
        ),
    )

    def fetch(self, clients, identifiers, ticked, *, profile, recipient):
        client = clients.api_particulier(profile, recipient)
        asked = (identifiers.get("qf_annee"), identifiers.get("qf_mois"))
        result = client.quotient_familial(identite_from(identifiers), annee=asked[0], mois=asked[1])
        qf = result.quotient_familial
        provenance = self.provenance(
            result.provenance,
            fournisseur=qf.fournisseur if qf else None,
            # Agents see which month was asked (None: the latest) and which one came back.
            mois_demande=_month(*asked),
            mois_recu=_month(qf.annee, qf.mois) if qf else None,
        )
        return self.fields(result, ticked), provenance

    def fetch_france_connect(self, clients, access_token, ticked, *, profile, recipient):
        client = clients.api_particulier(profile, recipient)
        result = client.quotient_familial_france_connect(access_token)
        provider = result.quotient_familial.fournisseur if result.quotient_familial else None
        return self.fields(result, ticked), self.provenance(result.provenance, fournisseur=provider)

    def fields(self, result, ticked) -> dict:
        """Only the ticked data are kept (minimisation); a block the token masks stays None."""
        answer = result.to_dict()
        kept: dict[str, Any] = {
            datum.key: answer[datum.key] for datum in self.data if datum.key in ticked
        }
        address = kept.get("adresse")
        if address is not None:
            parsed = parse_code_postal_ville(address.get("code_postal_ville") or "")
            address["commune"] = commune_of(*parsed) if parsed else None
        return kept

    def names_the_identified(self, identifiers, claims) -> bool:
        """The typed identity is FranceConnect's one: same birth name, first names, sex and
        full birth date, however typed (``security.identity``). A partial date never matches."""
        parts = [identifiers.get(key) for key in ("annee", "mois", "jour")]
        if not all(str(part or "").isdigit() for part in parts):
            return False
        annee, mois, jour = (int(part) for part in parts)
        typed = {
            "nom": identifiers.get("nom_naissance"),
            "prenoms": [p for p in identifiers.get("prenoms") or () if p],
            "sexe": identifiers.get("sexe"),
            "date": f"{annee:04d}-{mois:02d}-{jour:02d}",
        }
        own = {
            "nom": claims.get("family_name"),
            "prenoms": str(claims.get("given_name") or "").split(),
            "sexe": {"female": "F", "male": "M"}.get(str(claims.get("gender"))),
            "date": claims.get("birthdate"),
        }
        return all(own.values()) and identity_key(self.name, typed) == identity_key(self.name, own)

    def rule_inputs(self, fields):
        data = {}
        if "quotient_familial" in fields:
            data["quotient_familial"] = fields["quotient_familial"]
        if "enfants" in fields:
            data["enfants"] = fields["enfants"]
        if "adresse" in fields:
            data["commune"] = (fields["adresse"] or {}).get("commune")
        return data
