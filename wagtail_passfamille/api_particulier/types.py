"""Typed, frozen values: what a caller sends (Identite) and what the APIs return.

Every value holding personal data has a ``repr()`` that shows its shape, never its content, so a
stray ``logger.info("%r", result)`` or a Sentry frame dump cannot leak a family
(docs/architecture.md).
``to_dict()`` gives the JSON form, keyed like API Particulier v3 (and with French names for the
DGFiP situation), for the command line and for storage of what a démarche needs.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass, field, fields
from datetime import date, datetime
from typing import Any, ClassVar, Literal

# Quotient familial scopes of API Particulier: each one unmasks one block of the answer.
SCOPE_QUOTIENT_FAMILIAL = "cnaf_quotient_familial"
SCOPE_ALLOCATAIRES = "cnaf_allocataires"
SCOPE_ENFANTS = "cnaf_enfants"
SCOPE_ADRESSE = "cnaf_adresse"
QF_SCOPES: tuple[str, ...] = (
    SCOPE_QUOTIENT_FAMILIAL,
    SCOPE_ALLOCATAIRES,
    SCOPE_ENFANTS,
    SCOPE_ADRESSE,
)

PingState = Literal["ok", "bad_gateway", "maintenance", "unknown"]

_API_DATE_RE = re.compile(r"([0-9]{4})-([0-9]{2})-([0-9]{2})", re.ASCII)
_INPUT_DATE_RE = re.compile(r"([0-9]{4})(?:-([0-9]{1,2})(?:-([0-9]{1,2}))?)?", re.ASCII)


class _Masked:
    """``repr()`` lists the fields named in ``_shown`` and masks the others."""

    _shown: ClassVar[tuple[str, ...]] = ()

    def __repr__(self) -> str:
        parts = []
        for f in fields(self):  # type: ignore[arg-type]
            value = getattr(self, f.name)
            if f.name in self._shown:
                parts.append(f"{f.name}={value!r}")
            elif value is None:
                parts.append(f"{f.name}=None")
            elif isinstance(value, tuple):
                parts.append(f"{f.name}=<{len(value)} masqué(s)>")
            else:
                parts.append(f"{f.name}=<masqué>")
        return f"{type(self).__name__}({', '.join(parts)})"


@dataclass(frozen=True, repr=False)
class PartialDate(_Masked):
    """A date whose day, month or even year may be unknown.

    CAF/MSA answer ``2020-00-00`` for a child whose birth day and month are unknown, and
    ``0000-00-00`` when nothing is known (REFERENCE.md §2.1): such values never crash, the unknown
    parts are ``None`` and ``raw`` keeps the text exactly as the API gave it.
    """

    annee: int | None
    mois: int | None = None
    jour: int | None = None
    raw: str | None = field(default=None, compare=False)

    @classmethod
    def from_api(cls, raw: object) -> PartialDate | None:
        """Lenient reading of an API date (``YYYY-MM-DD`` with ``00`` parts); never raises."""
        if raw is None:
            return None
        text = str(raw)
        match = _API_DATE_RE.fullmatch(text)
        if not match:
            return cls(None, None, None, raw=text)
        annee, mois, jour = (int(part) or None for part in match.groups())
        if mois is not None and mois > 12:
            mois = jour = None
        if jour is not None and (
            mois is None or annee is None or not _day_exists(annee, mois, jour)
        ):
            jour = None
        return cls(annee, mois, jour, raw=text)

    @classmethod
    def from_parts(
        cls, annee: object, mois: object = None, jour: object = None
    ) -> PartialDate | None:
        """From separate parts, strings or ints (v2, DGFiP): ``""``, ``"00"`` or None = unknown."""
        parts = [_part(annee), _part(mois), _part(jour)]
        if parts == [None, None, None]:
            return None
        raw = f"{parts[0] or 0:04d}-{parts[1] or 0:02d}-{parts[2] or 0:02d}"
        return cls.from_api(raw)

    @classmethod
    def parse(cls, text: str) -> PartialDate:
        """Strict reading of input: ``YYYY``, ``YYYY-MM`` or ``YYYY-MM-DD``, else ValueError."""
        match = _INPUT_DATE_RE.fullmatch(text.strip())
        if not match:
            raise ValueError("expected YYYY, YYYY-MM or YYYY-MM-DD")
        annee, mois, jour = (int(part) if part else None for part in match.groups())
        if mois is not None and not 1 <= mois <= 12:
            raise ValueError("month out of range")
        if jour is not None and not _day_exists(annee or 0, mois or 0, jour):
            raise ValueError("day out of range")
        return cls(annee, mois, jour)

    @property
    def is_complete(self) -> bool:
        return None not in (self.annee, self.mois, self.jour)

    def to_date(self) -> date | None:
        """The calendar date when every part is known, else None."""
        if self.annee is None or self.mois is None or self.jour is None:
            return None
        return date(self.annee, self.mois, self.jour)

    def isoformat(self) -> str:
        """The API's form: ``raw`` when read from the API, else ``YYYY-MM-DD`` with ``00`` parts."""
        if self.raw is not None:
            return self.raw
        return f"{self.annee or 0:04d}-{self.mois or 0:02d}-{self.jour or 0:02d}"

    def __str__(self) -> str:
        return self.isoformat()


def _part(value: object) -> int | None:
    if isinstance(value, bool) or value is None:
        return None
    text = str(value).strip()
    if not (text.isascii() and text.isdigit()):
        return None
    return int(text) or None


def _day_exists(annee: int, mois: int, jour: int) -> bool:
    if not 1 <= mois <= 12 or annee < 1:
        return False
    return 1 <= jour <= calendar.monthrange(annee, mois)[1]


@dataclass(frozen=True, repr=False)
class Identite(_Masked):
    """The allocataire's identité pivot, as the citizen typed it.

    Born in France (``code_pays_naissance == "99100"``): give ``code_commune_naissance`` (COG), or
    the triple ``nom_commune_naissance`` + ``code_departement_naissance`` + the birth year. Born
    abroad: the country's COG code (``99xxx``) and no commune. Checked by the client before any
    request (``validation.identite_query``), never here, so building one never raises.
    """

    nom_naissance: str
    prenoms: tuple[str, ...]
    sexe: str
    code_pays_naissance: str
    date_naissance: PartialDate | None = None
    code_commune_naissance: str | None = None
    nom_usage: str | None = None
    nom_commune_naissance: str | None = None
    code_departement_naissance: str | None = None


@dataclass(frozen=True, repr=False)
class QuotientFamilial(_Masked):
    """The QF block: ``annee``/``mois`` are the effective month, ``*_calcul`` when it was computed.

    ``fournisseur`` is ``"CNAF"`` or ``"MSA"``; the deprecated v2 route may not say (None), and
    does not give the calculation month either.
    """

    fournisseur: str | None
    valeur: int
    annee: int
    mois: int
    annee_calcul: int | None
    mois_calcul: int | None

    _shown = ("fournisseur",)


def _identity_dict(person: Personne | Declarant) -> dict[str, Any]:
    """The civil-status fields a CAF person and a DGFiP declarant share, dates as ISO text."""
    return {
        "nom_naissance": person.nom_naissance,
        "nom_usage": person.nom_usage,
        "prenoms": person.prenoms,
        "date_naissance": person.date_naissance.isoformat() if person.date_naissance else None,
    }


@dataclass(frozen=True, repr=False)
class Personne(_Masked):
    """An allocataire or a child; ``prenoms`` is one space-separated string, as the API gives it."""

    nom_naissance: str | None
    nom_usage: str | None
    prenoms: str | None
    date_naissance: PartialDate | None
    sexe: str | None

    def to_dict(self) -> dict[str, Any]:
        return {**_identity_dict(self), "sexe": self.sexe}


@dataclass(frozen=True, repr=False)
class Adresse(_Masked):
    """The family's La Poste address, seven lines as declared to the CAF/MSA (may be outdated)."""

    destinataire: str | None
    complement_information: str | None
    complement_information_geographique: str | None
    numero_libelle_voie: str | None
    lieu_dit: str | None
    code_postal_ville: str | None
    pays: str | None

    def to_dict(self) -> dict[str, Any]:
        return {f.name: getattr(self, f.name) for f in fields(self)}


@dataclass(frozen=True)
class Provenance:
    """Where an answer came from: support asks for the request id (REFERENCE.md §3.2)."""

    endpoint: str
    fetched_at: datetime
    request_id: str | None = None
    cached: bool = False

    def to_dict(self) -> dict[str, Any]:
        return {
            "endpoint": self.endpoint,
            "request_id": self.request_id,
            "cached": self.cached,
            "fetched_at": self.fetched_at.isoformat(),
        }


@dataclass(frozen=True, repr=False)
class QuotientFamilialResult(_Masked):
    """The answer of the quotient familial routes; a block the token's scopes mask is None."""

    quotient_familial: QuotientFamilial | None
    allocataires: tuple[Personne, ...] | None
    enfants: tuple[Personne, ...] | None
    adresse: Adresse | None
    provenance: Provenance

    _shown = ("provenance",)

    def to_dict(self) -> dict[str, Any]:
        """JSON form with API Particulier v3 keys; dates exactly as the API gave them."""
        qf = self.quotient_familial
        return {
            "quotient_familial": None
            if qf is None
            else {f.name: getattr(qf, f.name) for f in fields(qf)},
            "allocataires": _people(self.allocataires),
            "enfants": _people(self.enfants),
            "adresse": self.adresse.to_dict() if self.adresse else None,
            "provenance": self.provenance.to_dict(),
        }


def _people(people: tuple[Personne, ...] | None) -> list[dict[str, Any]] | None:
    return None if people is None else [p.to_dict() for p in people]


@dataclass(frozen=True)
class PingStatus:
    """Provider status reported by API Particulier's ping route (REFERENCE.md §3.4)."""

    status: PingState
    last_update: str | None = None
    last_ok_status: str | None = None
    until: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {f.name: getattr(self, f.name) for f in fields(self)}


@dataclass(frozen=True, repr=False)
class Declarant(_Masked):
    """A declarant of the tax household (DGFiP ``*Dec1`` / ``*Dec2`` fields)."""

    nom_naissance: str | None
    nom_usage: str | None
    prenoms: str | None
    date_naissance: PartialDate | None

    def to_dict(self) -> dict[str, Any]:
        return _identity_dict(self)


@dataclass(frozen=True, repr=False)
class AdresseFiscale(_Masked):
    """The tax address (``aft``) and its detail (``aftDetail``) when the DGFiP gives it."""

    texte: str | None
    complement_adresse: str | None = None
    voie: str | None = None
    code_postal: str | None = None
    commune: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {f.name: getattr(self, f.name) for f in fields(self)}


@dataclass(frozen=True, repr=False)
class SituationIR(_Masked):
    """A household's income-tax situation for one year of income (API Impôt particulier).

    Facts only, with the DGFiP's values as given; nothing is computed here. Fields the
    habilitation does not cover are absent upstream and None here. ``situation_famille`` is the
    DGFiP's code and the two dates are the DGFiP's strings, not interpreted (DGFIP_ASSUMPTIONS).
    """

    annee_revenus: int
    revenu_fiscal_reference: int | None
    nombre_parts: float | None
    situation_famille: str | None
    nombre_personnes_a_charge: int | None
    declarants: tuple[Declarant, ...]
    adresse_fiscale: AdresseFiscale | None
    montant_impot: int | None
    revenu_brut_global: int | None
    revenu_imposable: int | None
    impot_avant_imputations: int | None
    situation_partielle: str | None
    date_recouvrement: str | None
    date_etablissement: str | None
    provenance: Provenance

    _shown = ("annee_revenus", "provenance")

    def to_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {}
        for f in fields(self):
            value = getattr(self, f.name)
            if f.name == "declarants":
                value = [d.to_dict() for d in value]
            elif isinstance(value, AdresseFiscale | Provenance):
                value = value.to_dict()
            data[f.name] = value
        return data
