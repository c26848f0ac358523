"""French communes, départements and countries of birth, with their INSEE COG codes.

Pure Python, no Django: the birthplace picker of the CAF/MSA identity step
(:func:`search_communes`, :func:`countries`) and the commune of a certified postal address
(:func:`resolve_commune`). Data are packaged under ``geo/data/`` (see docs/geo.md), loaded on first
use and kept for the life of the process.
"""

from .entities import (
    FRANCE_CODE,
    Commune,
    CommuneType,
    Country,
    Departement,
    ResolvedCommune,
)
from .normalize import normalize_name
from .resolve import parse_code_postal_ville, resolve_address, resolve_commune
from .search import search_communes
from .store import (
    communes_with_code,
    countries,
    country_for_iso,
    departements,
    get_commune,
    get_country,
    get_departement,
    is_known_commune_code,
)

__all__ = [
    "FRANCE_CODE",
    "Commune",
    "CommuneType",
    "Country",
    "Departement",
    "ResolvedCommune",
    "communes_with_code",
    "countries",
    "country_for_iso",
    "departements",
    "get_commune",
    "get_country",
    "get_departement",
    "is_known_commune_code",
    "normalize_name",
    "parse_code_postal_ville",
    "resolve_address",
    "resolve_commune",
    "search_communes",
]
