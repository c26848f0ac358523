"""What an identified citizen is shown of their own certified data, and the login's context.

API Particulier's terms allow showing fetched data to the citizen identified through
FranceConnect: the quotient familial with its provider, month and year (« Votre quotient
familial CAF d'avril 2026 : 4 270 € »), the children of the file, the tax situation, each with
its source.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.http import HttpRequest
from django.utils import formats
from django.utils.dates import MONTHS
from django.utils.translation import gettext as _

from wagtail_passfamille.citizen.franceconnect import session

SITUATIONS = {
    "M": "marié(e)",
    "C": "célibataire",
    "D": "divorcé(e) ou séparé(e)",
    "V": "veuf ou veuve",
    "O": "pacsé(e)",
}


def _euros(value: Any) -> str:
    return formats.number_format(value, decimal_pos=0, force_grouping=True) + " €"


def _date(text: str | None) -> str:
    if not text or len(text) != 10:
        return _("date inconnue")
    year, month, day = text.split("-")
    return f"{day}/{month}/{year}"


def person(entry: Mapping[str, Any]) -> str:
    names = str(entry.get("prenoms") or "").title()
    family = entry.get("nom_usage") or entry.get("nom_naissance") or ""
    return f"{names} {family}".strip()


def caf_lines(fields: Mapping[str, Any]) -> list[str]:
    lines = []
    qf = fields.get("quotient_familial")
    if qf:
        month = MONTHS.get(int(qf.get("mois") or 0), "")
        provider = qf.get("fournisseur") or "CAF"
        provider = "CAF" if provider == "CNAF" else provider
        lines.append(
            _("Votre quotient familial %(provider)s de %(month)s %(year)s : %(value)s")
            % {
                "provider": provider,
                "month": month,
                "year": qf.get("annee") or "",
                "value": _euros(qf.get("valeur") or 0),
            }
        )
    for parent in fields.get("allocataires") or ():
        lines.append(
            _("Allocataire : %(name)s, né(e) le %(date)s")
            % {"name": person(parent), "date": _date(parent.get("date_naissance"))}
        )
    children = fields.get("enfants")
    if children is not None:
        if children:
            lines.append(
                _("Enfants de votre dossier : %(children)s")
                % {
                    "children": ", ".join(
                        f"{person(c)} ({_date(c.get('date_naissance'))})" for c in children
                    )
                }
            )
        else:
            lines.append(_("Aucun enfant à charge dans votre dossier."))
    return lines


def dgfip_lines(fields: Mapping[str, Any]) -> list[str]:
    year = fields.get("annee_revenus") or ""
    lines = []
    if fields.get("revenu_fiscal_reference") is not None:
        lines.append(
            _("Revenu fiscal de référence (revenus %(year)s) : %(value)s")
            % {"year": year, "value": _euros(fields["revenu_fiscal_reference"])}
        )
    if fields.get("nombre_parts") is not None:
        parts = formats.number_format(float(fields["nombre_parts"]), decimal_pos=None)
        lines.append(_("Nombre de parts : %(parts)s") % {"parts": parts})
    if fields.get("situation_famille"):
        situation = SITUATIONS.get(fields["situation_famille"], fields["situation_famille"])
        lines.append(_("Situation de famille : %(situation)s") % {"situation": situation})
    if fields.get("nombre_personnes_a_charge") is not None:
        lines.append(
            _("Personnes à charge : %(count)s") % {"count": fields["nombre_personnes_a_charge"]}
        )
    return lines


LINES = {"caf": caf_lines, "dgfip": dgfip_lines}


def source_label(provenance: Mapping[str, Any]) -> str:
    fetched = str(provenance.get("fetched_at") or "")[:10]
    api = (
        "API Impôt particulier"
        if "situation" in str(provenance.get("endpoint"))
        else ("API Particulier")
    )
    return _("Source : %(api)s, via FranceConnect, le %(date)s") % {
        "api": api,
        "date": _date(fetched),
    }


def shown(name: str, result: Mapping[str, Any]) -> dict[str, Any]:
    """Lines for one source's result (verified) or the reason it has none."""
    kind = result.get("kind")
    if kind == "verified":
        render = LINES.get(name)
        return {
            "verified": True,
            "lines": render(result.get("fields") or {}) if render else [],
            "source": source_label(result.get("provenance") or {}),
        }
    if kind == "not_found":
        message = _(
            "Aucun dossier n'a été trouvé à votre nom : vous pourrez joindre un justificatif."
        )
    else:
        message = _(
            "Ces informations n'ont pas pu être récupérées pour le moment : vous pouvez "
            "continuer, elles seront vérifiées par nos services."
        )
    return {"verified": False, "lines": [message], "source": ""}


def identity_name(claims: Mapping[str, Any]) -> str:
    given = " ".join(claims.get("given_name_array") or [claims.get("given_name") or ""])
    return f"{given} {claims.get('family_name') or ''}".strip()


def identity_lines(claims: Mapping[str, Any]) -> list[str]:
    birth = _date(claims.get("birthdate"))
    lines = [
        _("Nom de naissance : %(name)s") % {"name": claims.get("family_name") or ""},
        _("Prénoms : %(names)s") % {"names": claims.get("given_name") or ""},
        _("Date de naissance : %(date)s") % {"date": birth},
    ]
    if claims.get("preferred_username"):
        lines.insert(1, _("Nom d'usage : %(name)s") % {"name": claims["preferred_username"]})
    return lines


def context(request: HttpRequest, page, mode: str) -> dict[str, Any]:
    """``franceconnect`` of the templates: offered, required, identified, the identity."""
    login = session.current_login(request)
    return {
        "offered": mode != "non_propose",
        "required": mode == "obligatoire",
        "identified": login is not None,
        "name": identity_name(login.claims) if login else "",
        "identity_lines": identity_lines(login.claims) if login else [],
    }
