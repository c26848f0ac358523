"""DGFiP tax data: API Impôt particulier's situation IR, by numéro fiscal and income year.

OAuth2 client credentials; the scopes ``dgfip_*`` decide which fields come back. Without a
year, the latest avis available is asked for (N-1 from August, else N-2).
"""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from wagtail_passfamille.api_particulier import NotFound
from wagtail_passfamille.sources.base import CertifiedSource, Datum, PreviewFamily
from wagtail_passfamille.sources.caf import commune_of

_POSTCODE_TOWN = re.compile(r"(?:^|\s)(?P<postcode>[0-9]{5})\s+(?P<town>[^0-9].*?)\s*$", re.ASCII)

# The sandbox's own tax households (staging has none for API Impôt particulier).
_FAMILIES = {
    "sable": ("Foyer SABLE — célibataire, RFR 28 450 €, 1 part", "3999999999901"),
    "gravier": ("Foyer GRAVIER — couple, 2 enfants, RFR 61 200 €, 3 parts", "3999999999902"),
    "caillou": ("Foyer CAILLOU — parent isolé, RFR 14 800 €, 2 parts", "3999999999903"),
    "galet": ("Foyer GALET — PACS, 3 enfants, RFR 23 900 €, 4 parts", "3999999999904"),
    "argile": ("Foyer ARGILE — veuve, 1 enfant, RFR 35 400 €, 2,5 parts", "3999999999905"),
    "quartz": ("Foyer QUARTZ — domicilié à Reims", "3999999999906"),
    "sans-dossier": ("Foyer sans dossier fiscal", "3999999999908"),
}


def latest_situation(client, numero):
    """ "Dernier avis disponible": income year N-1 once its avis are out (August), else N-2."""
    return latest(lambda year: client.derniere_situation_ir(numero, year))


def latest(situation_of):
    """The situation of the latest income year that has one (N-1 from August, else N-2)."""
    today = timezone.localdate()
    years = [today.year - 1, today.year - 2] if today.month >= 8 else [today.year - 2]
    for index, year in enumerate(years):
        try:
            return situation_of(year)
        except NotFound:
            if index == len(years) - 1:
                raise
    raise AssertionError("unreachable")


class DgfipSource(CertifiedSource):
    name = "dgfip"
    block_type = "donnees_dgfip"
    label = _("Situation fiscale DGFiP")
    short_label = "DGFiP"
    agency = _("l'administration fiscale")
    subject = _("L'administration fiscale")
    api = "impot"
    credential_section = "IMPOT_PARTICULIER"
    api_version = "1.0"
    endpoint = "situation_ir"
    data = (
        Datum(
            "revenu_fiscal_reference",
            _("Revenu fiscal de référence"),
            "number",
            "dgfip_rfr",
            (
                "dgfip.revenu_fiscal_reference",
                "dgfip.quotient_annuel",
                "dgfip.quotient_mensuel",
            ),
        ),
        Datum(
            "nombre_parts",
            _("Nombre de parts"),
            "number",
            "dgfip_nbpart",
            ("dgfip.nombre_parts", "dgfip.quotient_annuel", "dgfip.quotient_mensuel"),
        ),
        Datum("situation_famille", _("Situation de famille"), "choice", "dgfip_sitfam"),
        Datum(
            "nombre_personnes_a_charge",
            _("Nombre de personnes à charge"),
            "number",
            "dgfip_pac_nbPac",
            ("dgfip.nombre_personnes_a_charge",),
        ),
        Datum("adresse_fiscale", _("Adresse fiscale"), "address", "dgfip_aft", ("dgfip.commune",)),
    )
    default_ticked = ("revenu_fiscal_reference", "nombre_parts")
    retained_identifier = "numero_fiscal"
    preview_families = tuple(
        PreviewFamily(key, label, "dgfip", {"numero_fiscal": numero})
        for key, (label, numero) in _FAMILIES.items()
    )

    def fetch(self, clients, identifiers, ticked, *, profile, recipient):
        client = clients.impot_particulier(profile)
        numero = identifiers["numero_fiscal"]
        year = identifiers.get("annee")
        if year:
            situation = client.situation_ir(numero, int(year))
        else:
            situation = latest_situation(client, numero)
        return self.fields(situation, ticked), self.provenance(
            situation.provenance, annee_revenus=situation.annee_revenus
        )

    def fetch_france_connect(self, clients, access_token, ticked, *, profile, recipient):
        """API Impôt particulier's FranceConnect route (``X-FranceConnect-OAuth``): the household
        of the identified citizen, latest income year."""
        client = clients.impot_particulier(profile)
        situation = latest(lambda year: client.situation_ir_france_connect(access_token, year))
        return self.fields(situation, ticked), self.provenance(
            situation.provenance, annee_revenus=situation.annee_revenus
        )

    def fields(self, situation, ticked) -> dict:
        kept: dict[str, Any] = {"annee_revenus": situation.annee_revenus}
        if "revenu_fiscal_reference" in ticked:
            kept["revenu_fiscal_reference"] = situation.revenu_fiscal_reference
        if "nombre_parts" in ticked:
            parts = situation.nombre_parts
            # Parts come in halves and quarters: kept exact, as text.
            kept["nombre_parts"] = None if parts is None else str(Decimal(str(parts)))
        if "situation_famille" in ticked:
            kept["situation_famille"] = situation.situation_famille
        if "nombre_personnes_a_charge" in ticked:
            kept["nombre_personnes_a_charge"] = situation.nombre_personnes_a_charge
        if "adresse_fiscale" in ticked:
            kept["adresse_fiscale"] = self._address(situation.adresse_fiscale)
        return kept

    @staticmethod
    def _address(address):
        if address is None:
            return None
        data = address.to_dict()
        postcode, town = data.get("code_postal"), data.get("commune")
        if not (postcode and town):
            # Only the one-line form: "5 IMPASSE DE LA DUNE 51000 CHALONS-EN-CHAMPAGNE".
            found = _POSTCODE_TOWN.search(data.get("texte") or "")
            postcode, town = (found["postcode"], found["town"]) if found else (None, None)
        data["commune_cog"] = commune_of(postcode, town)
        return data

    def rule_inputs(self, fields):
        data = {
            key: fields[key]
            for key in ("revenu_fiscal_reference", "nombre_parts", "nombre_personnes_a_charge")
            if key in fields
        }
        if "adresse_fiscale" in fields:
            data["commune"] = (fields["adresse_fiscale"] or {}).get("commune_cog")
        return data
