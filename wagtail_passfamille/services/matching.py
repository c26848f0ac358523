"""Children registered in a démarche matched against the children of the CAF/MSA file.

For agents only (verify, don't disclose): the citizen is told once that the link will be
checked, never which child matched. Names are compared without case, accents, hyphens or
spaces; a birth date whose day or month the CAF does not know matches on the parts it knows.
"""

from __future__ import annotations

import datetime as dt
import enum
from collections.abc import Iterable, Mapping
from typing import Any

from wagtail_passfamille.rules.text import normalise_name


class Match(enum.StrEnum):
    FOUND = "rattache"  # one CAF child has this first name and birth date
    NOT_FOUND = "non_trouve"  # no CAF child does
    AMBIGUOUS = "ambigu"  # several do (twins with partial dates…): an agent decides
    UNKNOWN = "inconnu"  # the registered child lacks a first name or a birth date


def _names(value: str | None) -> list[str]:
    return normalise_name(value or "").split()


def first_name_matches(registered: str, caf_prenoms: str | None) -> bool:
    """ "Jean-Pierre" matches "JEAN PIERRE THOMAS" (compound first name, hyphen or not), and
    "Thomas" matches it too (any of the first names on the file)."""
    wanted = _names(registered)
    have = _names(caf_prenoms)
    if not wanted or not have:
        return False
    for start in range(len(have) - len(wanted) + 1):
        if have[start : start + len(wanted)] == wanted:
            return True
    return False


def _parts(value: str | None) -> tuple[int, int, int] | None:
    """(year, month, day) with 0 for unknown parts, from "YYYY-MM-DD" / "2020-00-00"."""
    if not value:
        return None
    pieces = value.split("-")
    if len(pieces) != 3 or not all(p.isdigit() for p in pieces):
        return None
    return int(pieces[0]), int(pieces[1]), int(pieces[2])


def birth_date_matches(registered: dt.date | str | None, caf_date: str | None) -> bool:
    if registered is None or caf_date is None:
        return False
    if isinstance(registered, str):
        try:
            registered = dt.date.fromisoformat(registered)
        except ValueError:
            return False
    parts = _parts(caf_date)
    if parts is None or parts[0] == 0:
        return False
    year, month, day = parts
    return (
        registered.year == year
        and (month == 0 or registered.month == month)
        and (day == 0 or registered.day == day)
    )


def match_children(
    registered: Iterable[Mapping[str, Any]],
    caf_children: Iterable[Mapping[str, Any]] | None,
    *,
    first_name_field: str = "prenom",
    birth_date_field: str = "date_naissance",
) -> list[dict]:
    """One result per registered child, in the order entered: {"position", "result"}."""
    caf_children = list(caf_children or [])
    results = []
    for position, child in enumerate(registered, start=1):
        first_name = child.get(first_name_field)
        birth_date = child.get(birth_date_field)
        if not first_name or not birth_date:
            results.append({"position": position, "result": Match.UNKNOWN.value})
            continue
        found = [
            caf
            for caf in caf_children
            if first_name_matches(first_name, caf.get("prenoms"))
            and birth_date_matches(birth_date, caf.get("date_naissance"))
        ]
        result = Match.FOUND if len(found) == 1 else Match.AMBIGUOUS if found else Match.NOT_FOUND
        results.append({"position": position, "result": result.value})
    return results
