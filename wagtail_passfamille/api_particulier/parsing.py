"""Reading 2xx bodies into typed results, checking them against the published schemas.

A body that does not fit raises InvalidAnswer, which the clients turn into ProviderUnavailable:
a 200 that cannot be trusted is an upstream failure, never a crash (reliability A7, F7). Absent
blocks are not errors: the token's scopes mask them (REFERENCE.md §2.1).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from .types import (
    Adresse,
    AdresseFiscale,
    Declarant,
    PartialDate,
    Personne,
    PingStatus,
    Provenance,
    QuotientFamilial,
    QuotientFamilialResult,
    SituationIR,
)


class InvalidAnswer(ValueError):
    """The 2xx body does not have the documented shape. Its message names a field, no value."""


def _int(obj: dict[str, Any], key: str, *, required: bool = True) -> int | None:
    value = obj.get(key)
    if value is None and not required:
        return None
    if not isinstance(value, int) or isinstance(value, bool):
        raise InvalidAnswer(f"{key}: integer expected")
    return value


def _number(obj: dict[str, Any], key: str) -> float | None:
    value = obj.get(key)
    if value is None:
        return None
    if not isinstance(value, int | float) or isinstance(value, bool):
        raise InvalidAnswer(f"{key}: number expected")
    return float(value)


def _str(obj: dict[str, Any], key: str) -> str | None:
    value = obj.get(key)
    if value is not None and not isinstance(value, str):
        raise InvalidAnswer(f"{key}: string expected")
    return value


def _obj(obj: dict[str, Any], key: str) -> dict[str, Any] | None:
    value = obj.get(key)
    if value is not None and not isinstance(value, dict):
        raise InvalidAnswer(f"{key}: object expected")
    return value


def _list(obj: dict[str, Any], key: str) -> list[Any] | None:
    value = obj.get(key)
    if value is not None and not isinstance(value, list):
        raise InvalidAnswer(f"{key}: array expected")
    return value


def _sexe(obj: dict[str, Any], key: str) -> str | None:
    value = _str(obj, key)
    if value not in (None, "F", "M"):
        raise InvalidAnswer(f"{key}: F or M expected")
    return value


def _month(value: int | None, key: str) -> int | None:
    if value is not None and not 1 <= value <= 12:
        raise InvalidAnswer(f"{key}: month expected")
    return value


def _date(value: object, key: str) -> PartialDate | None:
    if value is not None and not isinstance(value, str):
        raise InvalidAnswer(f"{key}: string expected")
    return PartialDate.from_api(value)


def _people(items: list[Any] | None, read: Any) -> tuple[Personne, ...] | None:
    if items is None:
        return None
    if not all(isinstance(item, dict) for item in items):
        raise InvalidAnswer("people: objects expected")
    return tuple(read(item) for item in items)


# -- API Particulier v3 ---------------------------------------------------------------------------
def _personne_v3(item: dict[str, Any]) -> Personne:
    return Personne(
        nom_naissance=_str(item, "nom_naissance"),
        nom_usage=_str(item, "nom_usage"),
        prenoms=_str(item, "prenoms"),
        date_naissance=_date(item.get("date_naissance"), "date_naissance"),
        sexe=_sexe(item, "sexe"),
    )


_ADRESSE_V3 = (
    "destinataire",
    "complement_information",
    "complement_information_geographique",
    "numero_libelle_voie",
    "lieu_dit",
    "code_postal_ville",
    "pays",
)


def quotient_familial_v3(body: Any, provenance: Provenance) -> QuotientFamilialResult:
    """``{"data": {...}, "links": {}, "meta": {}}`` of ``/v3/dss/quotient_familial/*``."""
    if not isinstance(body, dict):
        raise InvalidAnswer("body: object expected")
    data = _obj(body, "data")
    if data is None:
        raise InvalidAnswer("data: object expected")
    qf_block = _obj(data, "quotient_familial")
    qf = None
    if qf_block is not None:
        fournisseur = _str(qf_block, "fournisseur")
        if fournisseur not in ("CNAF", "MSA"):
            raise InvalidAnswer("fournisseur: CNAF or MSA expected")
        valeur = _int(qf_block, "valeur")
        if valeur is None or valeur < 0:
            raise InvalidAnswer("valeur: non-negative integer expected")
        qf = QuotientFamilial(
            fournisseur=fournisseur,
            valeur=valeur,
            annee=_int(qf_block, "annee"),  # type: ignore[arg-type]
            mois=_month(_int(qf_block, "mois"), "mois"),  # type: ignore[arg-type]
            annee_calcul=_int(qf_block, "annee_calcul"),
            mois_calcul=_month(_int(qf_block, "mois_calcul"), "mois_calcul"),
        )
    return _family_result(data, qf, _personne_v3, _ADRESSE_V3, provenance)


# -- API Particulier v2 (deprecated composition-familiale-v2) -------------------------------------
_REGIMES = {"CNAF": "CNAF", "CAF": "CNAF", "MSA": "MSA"}  # staging writes "CAF" too


def _personne_v2(item: dict[str, Any]) -> Personne:
    parts = [
        _str_or_int(item, "anneeDateDeNaissance"),
        _str_or_int(item, "moisDateDeNaissance"),
        _str_or_int(item, "jourDateDeNaissance"),
    ]
    return Personne(
        nom_naissance=_str(item, "nomNaissance"),
        # the serializer says nomUsuel; some staging payloads say nomUsage (REFERENCE.md §2.2)
        nom_usage=_str(item, "nomUsuel") if "nomUsuel" in item else _str(item, "nomUsage"),
        prenoms=_str(item, "prenoms"),
        date_naissance=PartialDate.from_parts(*parts),
        sexe=_sexe(item, "sexe"),
    )


def _str_or_int(obj: dict[str, Any], key: str) -> str | int | None:
    value = obj.get(key)
    if value is not None and (not isinstance(value, str | int) or isinstance(value, bool)):
        raise InvalidAnswer(f"{key}: string expected")
    return value


_ADRESSE_V2 = (
    "identite",
    "complementInformation",
    "complementInformationGeographique",
    "numeroLibelleVoie",
    "lieuDit",
    "codePostalVille",
    "pays",
)


def quotient_familial_v2(body: Any, provenance: Provenance) -> QuotientFamilialResult:
    """The flat camelCase body of ``/api/v2/composition-familiale-v2``, as v3 values."""
    if not isinstance(body, dict):
        raise InvalidAnswer("body: object expected")
    qf = None
    if body.get("quotientFamilial") is not None:
        valeur = _int(body, "quotientFamilial")
        if valeur is None or valeur < 0:
            raise InvalidAnswer("quotientFamilial: non-negative integer expected")
        regime = _str(body, "regime")
        qf = QuotientFamilial(
            fournisseur=_REGIMES.get(regime) if regime else None,
            valeur=valeur,
            annee=_int(body, "annee"),  # type: ignore[arg-type]
            mois=_month(_int(body, "mois"), "mois"),  # type: ignore[arg-type]
            annee_calcul=_int(body, "annee_calcul", required=False),
            mois_calcul=_month(_int(body, "mois_calcul", required=False), "mois_calcul"),
        )
    return _family_result(body, qf, _personne_v2, _ADRESSE_V2, provenance)


def _family_result(
    container: dict[str, Any],
    qf: QuotientFamilial | None,
    personne: Callable[[dict[str, Any]], Personne],
    adresse_keys: tuple[str, ...],
    provenance: Provenance,
) -> QuotientFamilialResult:
    """The family and address blocks, read alike in v3 and v2 but for the keys' spelling."""
    adresse_block = _obj(container, "adresse")
    adresse = None
    if adresse_block is not None:
        adresse = Adresse(*(_str(adresse_block, key) for key in adresse_keys))
    return QuotientFamilialResult(
        quotient_familial=qf,
        allocataires=_people(_list(container, "allocataires"), personne),
        enfants=_people(_list(container, "enfants"), personne),
        adresse=adresse,
        provenance=provenance,
    )


# -- Introspect and ping --------------------------------------------------------------------------
def introspect_scopes(body: Any) -> frozenset[str]:
    """``{"_id": jti, "name": "", "scopes": [...]}`` of ``/api/introspect``."""
    scopes = _list(body, "scopes") if isinstance(body, dict) else None
    if scopes is None or not all(isinstance(s, str) for s in scopes):
        raise InvalidAnswer("scopes: array of strings expected")
    return frozenset(scopes)


def ping_status(body: Any) -> PingStatus:
    """``{"status", "last_update", "last_ok_status", "until"?}``; an unknown status is "unknown"."""
    if not isinstance(body, dict):
        raise InvalidAnswer("body: object expected")
    status = body.get("status")
    if status not in ("ok", "bad_gateway", "maintenance", "unknown"):
        status = "unknown"
    return PingStatus(
        status=status,
        last_update=_str(body, "last_update"),
        last_ok_status=_str(body, "last_ok_status"),
        until=_str(body, "until"),
    )


# -- API Impôt particulier ------------------------------------------------------------------------
def _declarant(body: dict[str, Any], n: int) -> Declarant | None:
    birth = _obj(body, f"dateNaisDec{n}")
    declarant = Declarant(
        nom_naissance=_str(body, f"nmNaiDec{n}") or None,
        nom_usage=_str(body, f"nmUsaDec{n}") or None,
        prenoms=_str(body, f"prnmDec{n}") or None,
        date_naissance=None
        if birth is None
        else PartialDate.from_parts(_str(birth, "annee"), _str(birth, "mois"), _str(birth, "jour")),
    )
    # An absent second declarant comes as empty strings in older DGFiP services.
    if declarant == Declarant(None, None, None, None):
        return None
    return declarant


def situation_ir(body: Any, annee_revenus: int, provenance: Provenance) -> SituationIR:
    """``SituationsIRAssiettesJAXBbean``, or ``…MillesimeJAXBbean`` (``dernieresituation``)."""
    if not isinstance(body, dict):
        raise InvalidAnswer("body: object expected")
    pac = _obj(body, "pac")
    if pac is not None:
        for key in pac:
            _int(pac, key, required=False)
    aft = _str(body, "aft")
    detail = _obj(body, "aftDetail")
    adresse = None
    if aft is not None or detail is not None:
        detail = detail or {}
        adresse = AdresseFiscale(
            texte=aft,
            complement_adresse=_str(detail, "complementAdresse"),
            voie=_str(detail, "voie"),
            code_postal=_str(detail, "getcodePostal"),
            commune=_str(detail, "getcommune"),
        )
    for key in ("sitParIso", "indDeficit", "indOptionImpotSepar", "numRole", "fipNum"):
        _str(body, key)
    for key in ("pensAlPer", "mntRevbareme"):
        _int(body, key, required=False)
    declarants = tuple(d for d in (_declarant(body, 1), _declarant(body, 2)) if d is not None)
    return SituationIR(
        annee_revenus=_int(body, "annRevenu", required=False) or annee_revenus,
        revenu_fiscal_reference=_int(body, "rfr", required=False),
        nombre_parts=_number(body, "nbPart"),
        situation_famille=_str(body, "sitFam"),
        nombre_personnes_a_charge=None if pac is None else pac.get("nbPac"),
        declarants=declarants,
        adresse_fiscale=adresse,
        montant_impot=_int(body, "montTotIr", required=False),
        revenu_brut_global=_int(body, "revenuBrutGlobal", required=False),
        revenu_imposable=_int(body, "revImposable", required=False),
        impot_avant_imputations=_int(body, "impAvImput", required=False),
        situation_partielle=_str(body, "sitPart"),
        date_recouvrement=_str(body, "datRec"),
        date_etablissement=_str(body, "datEtab"),
        provenance=provenance,
    )
