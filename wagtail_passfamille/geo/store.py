"""The packaged data, loaded on first use and kept for the life of the process.

Commune records are held as parallel columns (one list per field) rather than 40 000 objects:
``Commune`` values are made only for the records a caller asks for. The files are read with
``importlib.resources`` so the package also works from a zip or a wheel.
"""

from __future__ import annotations

import gzip
import json
import threading
from array import array
from bisect import bisect_left, bisect_right
from collections.abc import Callable
from dataclasses import dataclass
from importlib import resources
from typing import TypeVar

from .entities import COMMUNE_TYPES, Commune, CommuneType, Country, Departement

T = TypeVar("T")

_NO_POPULATION = -1


def load_once(build: Callable[[], T]) -> Callable[[], T]:
    """Build a value on the first call only, once even when threads race for it.

    ``functools.cache`` would let two threads of a gunicorn worker build the table twice, doubling
    the memory peak of the first request.
    """
    lock = threading.Lock()
    box: list[T] = []

    def get() -> T:
        if not box:
            with lock:
                if not box:
                    box.append(build())
        return box[0]

    get.__doc__ = build.__doc__
    return get


def _read(name: str) -> bytes:
    return resources.files(__package__).joinpath("data", name).read_bytes()


@dataclass(frozen=True, slots=True)
class CommuneTable:
    """Columns of every commune record, sorted by code then by type rank."""

    codes: list[str]
    noms: list[str | None]
    types: bytes  # index into COMMUNE_TYPES
    departements: list[str]
    parents: array[int]  # row of the current commune a record belongs to (itself if current)
    populations: array[int]  # _NO_POPULATION when unknown
    codes_postaux: list[str]  # space-separated

    def __len__(self) -> int:
        return len(self.codes)

    def rows_for_code(self, code: str) -> range:
        return range(bisect_left(self.codes, code), bisect_right(self.codes, code))

    def type_of(self, row: int) -> CommuneType:
        return COMMUNE_TYPES[self.types[row]]

    def population(self, row: int) -> int | None:
        value = self.populations[row]
        return None if value == _NO_POPULATION else value

    def commune(self, row: int) -> Commune:
        parent = self.parents[row]
        current_nom = self.noms[parent]
        assert current_nom is not None  # current communes always have a name
        return Commune(
            code=self.codes[row],
            nom=self.noms[row],
            departement=self.departements[row],
            type=self.type_of(row),
            current_code=self.codes[parent],
            current_nom=current_nom,
            current_departement=self.departements[parent],
            population=self.population(row),
            codes_postaux=tuple(self.codes_postaux[row].split()),
        )


@load_once
def communes_table() -> CommuneTable:
    """Every commune record of the packaged data."""
    raw = json.loads(gzip.decompress(_read("communes.json.gz")))
    codes: list[str] = raw["code"]
    # A current commune's row is the first row of its code (current communes rank first). A row
    # without a parent belongs to the current commune of its own code: itself, or for a commune
    # déléguée that kept the code of its commune nouvelle, that commune nouvelle.
    first_row: dict[str, int] = {}
    for row, code in enumerate(codes):
        first_row.setdefault(code, row)
    parents = array("L", (first_row[code] for code in codes))
    for row, parent in raw["parent"].items():
        parents[int(row)] = first_row[parent]
    del first_row
    # sys.intern-like sharing: the 100-odd département codes and the repeated postcodes then
    # cost one string each instead of one per record.
    intern = _interner()
    departements = [intern(departement_of_code(code)) for code in codes]
    for row, departement in raw["departement"].items():
        departements[int(row)] = intern(departement)
    return CommuneTable(
        codes=codes,
        noms=raw["nom"],
        types=bytes(raw["type"]),
        departements=departements,
        parents=parents,
        populations=array("l", (_NO_POPULATION if p is None else p for p in raw["population"])),
        codes_postaux=[intern(p) for p in raw["codes_postaux"]],
    )


def departement_of_code(code: str) -> str:
    """The département of a commune code: 3 characters overseas, 2 elsewhere. A few communes
    associées have moved to another département since they got their code: see the table."""
    return code[:3] if code[:2] in ("97", "98") else code[:2]


def _interner() -> Callable[[str], str]:
    seen: dict[str, str] = {}
    return lambda value: seen.setdefault(value, value)


@load_once
def _departements() -> dict[str, Departement]:
    raw = json.loads(_read("departements.json"))
    return {code: Departement(code, nom) for code, nom in raw["departements"]}


@load_once
def _countries() -> tuple[Country, ...]:
    raw = json.loads(_read("countries.json"))
    return tuple(
        Country(code=code, name=name, iso_codes=tuple(isos), other_names=tuple(others))
        for code, name, isos, others in raw["countries"]
    )


@load_once
def _countries_by_code() -> dict[str, Country]:
    return {country.code: country for country in _countries()}


@load_once
def _countries_by_iso() -> dict[str, Country]:
    return {iso: country for country in _countries() for iso in country.iso_codes}


def _clean_code(code: object) -> str:
    return code.strip().upper() if isinstance(code, str) else ""


def get_commune(code: str) -> Commune | None:
    """The record of a COG commune code, preferring the current commune when several share it.

    "01033" is Valserhône (current), not Bellegarde-sur-Valserine (its commune déléguée of the
    same code): use :func:`communes_with_code` to see them all.
    """
    table = communes_table()
    rows = table.rows_for_code(_clean_code(code))
    return table.commune(rows[0]) if rows else None


def communes_with_code(code: str) -> list[Commune]:
    """Every record carrying this code, current commune first."""
    table = communes_table()
    return [table.commune(row) for row in table.rows_for_code(_clean_code(code))]


def is_known_commune_code(code: str) -> bool:
    """True for any code of the data: current, déléguée, associée, arrondissement or former."""
    return bool(communes_table().rows_for_code(_clean_code(code)))


def departements() -> list[Departement]:
    """Every département (and overseas collectivity) by code: "01" … "95", "971" … "989"."""
    return list(_departements().values())


def get_departement(code: str) -> Departement | None:
    return _departements().get(_clean_code(code))


def countries() -> list[Country]:
    """Countries of birth for a select: France (99100) first, then by French name.

    One entry per COG code, so that codes are unique option values.
    """
    return list(_countries())


def get_country(code: str) -> Country | None:
    """The country of a COG code ("99100" is France), or None."""
    return _countries_by_code().get(_clean_code(code))


def country_for_iso(iso: str) -> Country | None:
    """The country an ISO 3166 alpha-2 code belongs to for INSEE: "JE" → Royaume-Uni (99132)."""
    iso = _clean_code(iso)
    return _countries_by_iso().get("GB" if iso == "UK" else iso)
