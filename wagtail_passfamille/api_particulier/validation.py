"""Input checks made before any request, with the API's own rules (REFERENCE.md §1 notes).

A refused input raises InvalidParameters naming the API parameter; the message never repeats the
value (it may be a name or a numéro fiscal). Digits are ASCII only: ``int()``, ``str.isdigit()``
and ``\\d`` accept fullwidth and Arabic-Indic digits, the API does not (reliability A6).
"""

from __future__ import annotations

import re
import unicodedata
from datetime import date, datetime, timedelta

from .errors import InvalidParameters, InvalidRecipient
from .siret import is_valid_siret, normalise_siret
from .types import Identite, PartialDate

FRANCE = "99100"
# The API accepts a country code "99xxx", and 92352 (REFERENCE.md §1 notes).
_PAYS_RE = re.compile(r"99[0-9]{3}|92352", re.ASCII)
_COMMUNE_RE = re.compile(r"([013-9][0-9]|2[AB1-9])[0-9]{3}", re.ASCII)
# Départements at birth: 20 is Corsica before 1976, 97x overseas, 98x the Pacific.
_DEPARTEMENT_RE = re.compile(r"0[1-9]|[1-8][0-9]|9[0-5]|2[AB]|97[1-8]|98[4-9]", re.ASCII)
_SPI_RE = re.compile(r"[0-9]{13}", re.ASCII)
_SPACES_RE = re.compile(r"[\s\u00a0\u202f]+")
# Typographic apostrophes typed by phones' smart punctuation; the API knows only "'".
_APOSTROPHES = str.maketrans({"\u2019": "'", "\u02bc": "'", "\u2018": "'"})
_NAME_MAX = 100
_OLDEST_BIRTH = date(1900, 1, 1)

try:  # the API counts months and years in Paris time
    from zoneinfo import ZoneInfo

    _PARIS: ZoneInfo | None = ZoneInfo("Europe/Paris")
except Exception:
    _PARIS = None


def today() -> date:
    return datetime.now(_PARIS).date() if _PARIS else date.today()


def _refuse(parameter: str, title: str, *, endpoint: str) -> InvalidParameters:
    return InvalidParameters(endpoint=endpoint, parameter=parameter, title=title)


def clean_name(
    value: object, parameter: str, *, endpoint: str, required: bool = True
) -> str | None:
    """A name as typed, accents and case kept (the API transliterates), spacing tidied.

    Letters of any alphabet, apostrophe, space and hyphen, as the API allows for nomNaissance.
    """
    if value is None or (isinstance(value, str) and not value.strip()):
        if required:
            raise _refuse(parameter, "Ce champ est obligatoire.", endpoint=endpoint)
        return None
    if not isinstance(value, str):
        raise _refuse(parameter, "Ce champ doit être du texte.", endpoint=endpoint)
    text = _SPACES_RE.sub(" ", unicodedata.normalize("NFC", value.translate(_APOSTROPHES))).strip()
    if len(text) > _NAME_MAX:
        raise _refuse(parameter, "Ce champ est trop long.", endpoint=endpoint)
    if not all(c.isalpha() or c in " '-" for c in text) or not any(c.isalpha() for c in text):
        raise _refuse(
            parameter,
            "Seuls les lettres, l'apostrophe, l'espace et le tiret sont acceptés.",
            endpoint=endpoint,
        )
    return text


def clean_year_month(
    annee: object, mois: object, *, endpoint: str, now: date | None = None
) -> tuple[int | None, int | None]:
    """``annee`` in N-2..N, ``mois`` in 1..12, the month they make never in the future."""
    current = now or today()
    if annee is not None:
        if not _is_int(annee) or not current.year - 2 <= annee <= current.year:
            raise _refuse(
                "annee", "L'année doit être l'année en cours, N-1 ou N-2.", endpoint=endpoint
            )
    if mois is not None:
        year = annee if annee is not None else current.year
        if not _is_int(mois) or not 1 <= mois <= 12 or (year, mois) > (current.year, current.month):
            raise _refuse("mois", "Le mois est incorrect ou dans le futur.", endpoint=endpoint)
    return annee, mois  # type: ignore[return-value]


def _is_int(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def clean_recipient(value: object, *, endpoint: str) -> str:
    """The town's SIRET (14 digits, Luhn); spaces people paste are dropped."""
    siret = normalise_siret(value) if isinstance(value, str) else ""
    if not is_valid_siret(siret):
        raise InvalidRecipient(
            endpoint=endpoint,
            parameter="recipient",
            title="Le SIRET destinataire (recipient) est absent ou invalide.",
        )
    return siret


def clean_numero_fiscal(value: object, *, endpoint: str) -> str:
    """13 ASCII digits; the spaces of the printed form (``12 34 567 890 123``) are dropped."""
    text = _SPACES_RE.sub("", value) if isinstance(value, str) else ""
    if not _SPI_RE.fullmatch(text):
        raise _refuse("spi", "Le numéro fiscal doit compter 13 chiffres.", endpoint=endpoint)
    return text


def clean_annee_revenus(value: object, *, endpoint: str, now: date | None = None) -> int:
    """A past year of income: the DGFiP cannot know the income of a year not yet over."""
    current = now or today()
    if not _is_int(value) or not 1990 <= value <= current.year - 1:
        raise _refuse("annrev", "L'année de revenus est invalide.", endpoint=endpoint)
    return value  # type: ignore[return-value]


def _clean_birth_date(value: PartialDate | None, *, endpoint: str, now: date) -> PartialDate | None:
    """Between 1900-01-01 and yesterday, as the API checks; a partial date on what is known."""
    if value is None:
        return None
    if not isinstance(value, PartialDate) or not _is_int(value.annee):
        raise _refuse("anneeDateNaissance", "La date de naissance est invalide.", endpoint=endpoint)
    if value.jour is not None and value.mois is None:
        raise _refuse("jourDateNaissance", "Le jour est donné sans le mois.", endpoint=endpoint)
    latest = now - timedelta(days=1)
    if not _OLDEST_BIRTH.year <= value.annee <= latest.year:  # type: ignore[operator]
        raise _refuse(
            "anneeDateNaissance",
            "La date de naissance doit être comprise entre 1900 et hier.",
            endpoint=endpoint,
        )
    earliest = _date_or_none(value.annee, value.mois or 1, value.jour or 1)  # type: ignore[arg-type]
    if earliest is None:
        raise _refuse(
            "jourDateNaissance" if value.jour else "moisDateNaissance",
            "La date de naissance n'existe pas.",
            endpoint=endpoint,
        )
    if earliest > latest:
        raise _refuse(
            "anneeDateNaissance",
            "La date de naissance doit être comprise entre 1900 et hier.",
            endpoint=endpoint,
        )
    return value


def _date_or_none(annee: int, mois: int, jour: int) -> date | None:
    try:
        return date(annee, mois, jour)
    except (TypeError, ValueError):
        return None


def identite_query(
    identite: Identite, *, endpoint: str, now: date | None = None, v2: bool = False
) -> list[tuple[str, str]]:
    """The identity's query parameters, in a fixed order, or InvalidParameters.

    Integers go without leading zeros, names as typed, ``prenoms[]`` once per first name.
    ``v2=True`` gives the deprecated route's parameter names.
    """
    if not isinstance(identite, Identite):
        raise _refuse("identite", "Identité attendue.", endpoint=endpoint)
    current = now or today()
    nom = clean_name(identite.nom_naissance, "nomNaissance", endpoint=endpoint)
    nom_usage = clean_name(identite.nom_usage, "nomUsage", endpoint=endpoint, required=False)
    prenoms_in = identite.prenoms
    if isinstance(prenoms_in, str) or not isinstance(prenoms_in, tuple | list):
        raise _refuse("prenoms[]", "Les prénoms sont attendus un par un.", endpoint=endpoint)
    if not 1 <= len(prenoms_in) <= 3:
        raise _refuse("prenoms[]", "Il faut de 1 à 3 prénoms.", endpoint=endpoint)
    prenoms = [clean_name(p, "prenoms[]", endpoint=endpoint) for p in prenoms_in]
    sexe = identite.sexe.strip().upper() if isinstance(identite.sexe, str) else ""
    if sexe not in ("M", "F"):
        raise _refuse("sexeEtatCivil", "Le sexe doit être M ou F.", endpoint=endpoint)
    pays = identite.code_pays_naissance
    if not isinstance(pays, str) or not _PAYS_RE.fullmatch(pays):
        raise _refuse(
            "codeCogInseePaysNaissance",
            "Le code pays doit être un code COG à 5 chiffres (France : 99100).",
            endpoint=endpoint,
        )
    birth = _clean_birth_date(identite.date_naissance, endpoint=endpoint, now=current)
    commune = _upper_or_none(identite.code_commune_naissance)
    departement = _upper_or_none(identite.code_departement_naissance)
    nom_commune = clean_name(
        identite.nom_commune_naissance, "nomCommuneNaissance", endpoint=endpoint, required=False
    )
    if pays != FRANCE and (commune or departement or nom_commune):
        raise _refuse(
            "codeCogInseeCommuneNaissance",
            "La commune de naissance ne se donne que pour une naissance en France.",
            endpoint=endpoint,
        )
    if commune is not None and not _COMMUNE_RE.fullmatch(commune):
        raise _refuse(
            "codeCogInseeCommuneNaissance",
            "Le code commune doit être un code COG à 5 caractères (pas un code postal).",
            endpoint=endpoint,
        )
    if departement is not None and not _DEPARTEMENT_RE.fullmatch(departement):
        raise _refuse(
            "codeCogInseeDepartementNaissance",
            "Le code département est invalide.",
            endpoint=endpoint,
        )
    if pays == FRANCE and commune is None:
        if not (nom_commune and departement and birth):
            raise _refuse(
                "codeCogInseeCommuneNaissance",
                "Né en France : donner le code COG de la commune, ou son nom, le département "
                "et l'année de naissance.",
                endpoint=endpoint,
            )
    names = _V2_NAMES if v2 else _V3_NAMES
    query: list[tuple[str, str]] = [(names["nomNaissance"], nom)]  # type: ignore[list-item]
    if nom_usage:
        query.append((names["nomUsage"], nom_usage))
    query.extend((names["prenoms[]"], p) for p in prenoms)  # type: ignore[misc]
    if birth:
        query.append((names["anneeDateNaissance"], str(birth.annee)))
        if birth.mois:
            query.append((names["moisDateNaissance"], str(birth.mois)))
            if birth.jour:
                query.append((names["jourDateNaissance"], str(birth.jour)))
    query.append((names["sexeEtatCivil"], sexe))
    query.append((names["codeCogInseePaysNaissance"], pays))
    if commune:
        query.append((names["codeCogInseeCommuneNaissance"], commune))
    elif nom_commune:
        query.append((names["nomCommuneNaissance"], nom_commune))
        query.append((names["codeCogInseeDepartementNaissance"], departement))  # type: ignore[arg-type]
    return query


def _upper_or_none(value: object) -> str | None:
    if value is None:
        return None
    if not isinstance(value, str):
        return ""  # fails the pattern check that follows
    return value.strip().upper() or None


_V3_NAMES = {
    name: name
    for name in (
        "nomNaissance",
        "nomUsage",
        "prenoms[]",
        "anneeDateNaissance",
        "moisDateNaissance",
        "jourDateNaissance",
        "sexeEtatCivil",
        "codeCogInseePaysNaissance",
        "codeCogInseeCommuneNaissance",
        "nomCommuneNaissance",
        "codeCogInseeDepartementNaissance",
    )
}
# composition-familiale-v2 names the same facts differently (api-particulier-v2.yaml).
_V2_NAMES = {
    **_V3_NAMES,
    "anneeDateNaissance": "anneeDateDeNaissance",
    "moisDateNaissance": "moisDateDeNaissance",
    "jourDateNaissance": "jourDateDeNaissance",
    "sexeEtatCivil": "sexe",
    "codeCogInseePaysNaissance": "codePaysLieuDeNaissance",
    "codeCogInseeCommuneNaissance": "codeInseeLieuDeNaissance",
    "codeCogInseeDepartementNaissance": "codeInseeDepartementNaissance",
}
