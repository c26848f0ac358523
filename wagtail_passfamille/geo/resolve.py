"""The commune of a postal address, from its postcode and town name.

A certified address (CAF ``code_postal_ville``: "51000 CHÂLONS-EN-CHAMPAGNE"; DGFiP: postcode and
town apart) names a commune but does not give its code. A postcode may serve several communes, so
the town name decides, folded for case, accents, hyphens, "ST"/"SAINT" and a leading article.
An address may still use a commune déléguée's name with the commune nouvelle's postcode; CEDEX
postcodes are not in the data, so the town is then looked for in the postcode's département.
Anything not resolved to exactly one current commune gives None: a rule then sees "unknown",
which is better than a guess.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .entities import ResolvedCommune
from .index import ARRONDISSEMENT, children_rows, normalized_names, postcode_rows
from .index import rows_by_departement as _rows_by_departement
from .normalize import normalize_name, strip_article
from .store import CommuneTable, communes_table, load_once

_POSTCODE = re.compile(r"\d{5}")
_SPACES = re.compile(r"\s+")
_LEADING_POSTCODE = re.compile(r"(\d{2}) ?(\d{3})\s+(\S.*)")
_TRAILING_POSTCODE = re.compile(r"(\S.*?)\s+(\d{2}) ?(\d{3})")
# "MANS (LE)", "HAY LES ROSES (L')": the article written after the name, as some files do.
_TRAILING_ARTICLE = re.compile(r"^(.*?)\s*\(\s*(l|le|la|les)\s*'?\s*\)\s*$", re.IGNORECASE)
_SUR = re.compile(r"\bs/", re.IGNORECASE)  # "CHALONS S/ MARNE"
_CEDEX = re.compile(r"\b(cedex|cdx)\b.*$")
# "paris 13e arrondissement", "paris 13eme", "paris 1er", "lyon 3e arr" → "paris 13", "lyon 3".
_ORDINAL = re.compile(r"\b(\d{1,2}) ?(?:er|ere|e|eme)\b")
_ARRONDISSEMENT_WORD = re.compile(r"\b(?:arrondissement|arrdt|arr)\b")
# A La Poste routing line is at most 32 characters, so longer names may arrive cut. A cut name
# this long and matching the start of exactly one commune of the postcode is taken; shorter
# partial names are not (too easy to be another commune's name).
_MIN_TRUNCATED_LENGTH = 20
_MAX_INPUT_CHARS = 200


def parse_code_postal_ville(value: str) -> tuple[str, str] | None:
    """Split "51000 CHÂLONS-EN-CHAMPAGNE" into ("51000", "CHÂLONS-EN-CHAMPAGNE").

    Whitespace (non-breaking spaces included) is collapsed; "51 000" and a postcode written after
    the town are accepted. None when there is no 5-digit postcode and a town.
    """
    if not isinstance(value, str):
        return None
    text = _SPACES.sub(" ", value[:_MAX_INPUT_CHARS]).strip()
    if match := _LEADING_POSTCODE.fullmatch(text):
        return match[1] + match[2], match[3]
    if match := _TRAILING_POSTCODE.fullmatch(text):
        return match[2] + match[3], match[1]
    return None


def resolve_commune(postcode: str, town: str) -> str | None:
    """The COG code of the current commune of an address, or None if unsure.

    "51000", "CHÂLONS-EN-CHAMPAGNE" → "51108"; "75013", "PARIS" → "75056" (the commune; the
    arrondissement is in :func:`resolve_address`); "75700", "PARIS CEDEX 07" → "75056".
    """
    resolved = resolve_address(postcode, town)
    return resolved.code if resolved else None


def resolve_address(postcode: str, town: str) -> ResolvedCommune | None:
    """Like :func:`resolve_commune`, with the commune's name and the arrondissement municipal."""
    if not isinstance(postcode, str) or not isinstance(town, str):
        return None
    postcode = _SPACES.sub("", postcode[:_MAX_INPUT_CHARS])
    key = town_key(town)
    if not _POSTCODE.fullmatch(postcode) or not key:
        return None
    table = communes_table()
    keys = _row_keys()
    served = postcode_rows().get(postcode)
    if served is not None:
        rows = _with_children(served)
        matched = [row for row in rows if keys.matches(row, key)]
        if not matched and len(key) >= _MIN_TRUNCATED_LENGTH:
            matched = [row for row in rows if keys.starts(row, key)]
    else:  # CEDEX or unlisted postcode: the town alone, within the postcode's département
        matched = [
            row
            for departement in _departements_of_postcode(postcode)
            for row in _rows_by_departement().get(departement, ())
            if keys.matches(row, key)
        ]
    currents = {table.parents[row] for row in matched}
    if len(currents) != 1:
        return None
    (current,) = currents
    nom = table.noms[current]
    assert nom is not None  # current communes always have a name
    # The name the town matched: the commune's own, else the déléguée's or arrondissement's.
    best = min(matched, key=lambda row: (row != current, table.types[row], row))
    return ResolvedCommune(
        code=table.codes[current],
        nom=nom,
        departement=table.departements[current],
        arrondissement=_arrondissement(table, current, matched, served),
        matched_name=table.noms[best] or nom,
    )


def town_key(town: str) -> str:
    """The comparison form of a town name: "ST DIZIER", "Saint-Dizier" → "st dizier",
    "LE MANS", "MANS (LE)" → "mans", "PARIS CEDEX 07" → "paris", "PARIS 13E" → "paris 13"."""
    text = town[:_MAX_INPUT_CHARS]
    if match := _TRAILING_ARTICLE.match(text):
        text = f"{match[2]} {match[1]}"
    text = normalize_name(_SUR.sub("sur ", text))
    text = _CEDEX.sub("", text)
    text = _ARRONDISSEMENT_WORD.sub("", _ORDINAL.sub(r"\1", text))
    return strip_article(" ".join(text.split()))


@dataclass(frozen=True, slots=True)
class _RowKeys:
    """Each row's comparison form, and for an arrondissement municipal also its commune's
    ("paris 13" and "paris"), since addresses say PARIS, not PARIS 13E. One string per row
    rather than one set per row: a third of the memory."""

    keys: list[str]
    commune_keys: dict[int, str]  # the 45 arrondissements municipaux

    def matches(self, row: int, key: str) -> bool:
        return self.keys[row] == key or self.commune_keys.get(row) == key

    def starts(self, row: int, key: str) -> bool:
        return self.keys[row].startswith(key)


@load_once
def _row_keys() -> _RowKeys:
    table = communes_table()
    names = normalized_names()
    seen: dict[str, str] = {}
    keys = [seen.setdefault(k, k) for k in (town_key(name) if name else "" for name in names)]
    commune_keys = {
        row: keys[table.parents[row]]
        for row in range(len(table))
        if table.types[row] == ARRONDISSEMENT
    }
    return _RowKeys(keys, commune_keys)


def _with_children(rows: tuple[int, ...]) -> list[int]:
    """The communes of a postcode plus their communes déléguées and associées: the source gives
    no postcode to those, but their addresses use the commune nouvelle's."""
    children = children_rows()
    extended = list(rows)
    for row in rows:
        extended.extend(children.get(row, ()))
    return extended


def _departements_of_postcode(postcode: str) -> tuple[str, ...]:
    if postcode.startswith("20"):  # Corsica's postcodes did not split with the département
        return ("2A", "2B")
    if postcode[:2] in ("97", "98"):
        return (postcode[:3],)
    return (postcode[:2],)


def _arrondissement(
    table: CommuneTable, current: int, matched: list[int], served: tuple[int, ...] | None
) -> str | None:
    """The arrondissement municipal, when the town named it or the postcode serves only one."""
    named = {row for row in matched if table.types[row] == ARRONDISSEMENT}
    if not named:
        return None
    if len(named) > 1 and served is not None:
        named &= set(served)
    if len(named) != 1:
        return None
    (row,) = named
    return table.codes[row] if table.parents[row] == current else None
