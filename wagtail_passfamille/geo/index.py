"""Derived look-up structures shared by the search and the address resolution, built lazily."""

from __future__ import annotations

from .entities import COMMUNE_TYPES, CommuneType
from .normalize import normalize_name
from .store import communes_table, load_once

ACTUELLE = COMMUNE_TYPES.index(CommuneType.ACTUELLE)
ARRONDISSEMENT = COMMUNE_TYPES.index(CommuneType.ARRONDISSEMENT)


@load_once
def normalized_names() -> list[str]:
    """``normalize_name`` of every record's name, "" for a former code without a name."""
    seen: dict[str, str] = {}  # homonyms ("st martin" …) then share one string
    names = (normalize_name(nom or "") for nom in communes_table().noms)
    return [seen.setdefault(name, name) for name in names]


@load_once
def postcode_rows() -> dict[str, tuple[int, ...]]:
    """Postcode → rows of the current communes and arrondissements municipaux it serves."""
    table = communes_table()
    rows: dict[str, list[int]] = {}
    for row, postcodes in enumerate(table.codes_postaux):
        for postcode in postcodes.split():
            rows.setdefault(postcode, []).append(row)
    return {postcode: tuple(found) for postcode, found in rows.items()}


@load_once
def rows_by_departement() -> dict[str, tuple[int, ...]]:
    table = communes_table()
    rows: dict[str, list[int]] = {}
    for row, departement in enumerate(table.departements):
        rows.setdefault(departement, []).append(row)
    return {departement: tuple(found) for departement, found in rows.items()}


@load_once
def children_rows() -> dict[int, tuple[int, ...]]:
    """Row of a current commune → rows of the déléguées, associées, arrondissements and former
    codes that belong to it."""
    table = communes_table()
    children: dict[int, list[int]] = {}
    for row, parent in enumerate(table.parents):
        if parent != row:
            children.setdefault(parent, []).append(row)
    return {parent: tuple(rows) for parent, rows in children.items()}


@load_once
def communes_with_arrondissements() -> frozenset[int]:
    """Rows of Paris, Lyon and Marseille: births there are registered by arrondissement."""
    table = communes_table()
    return frozenset(
        table.parents[row] for row, kind in enumerate(table.types) if kind == ARRONDISSEMENT
    )
