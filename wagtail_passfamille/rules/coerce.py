"""Turning editor- and source-supplied primitives into comparable values.

Editors type condition values into text boxes ("850", "2,35", "01/09/2026"); sources and stored
JSON give ints, Decimals, ISO strings. These helpers coerce both sides the same way and return
None when a value cannot be read, so that callers decide what "unreadable" means.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
import unicodedata
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

CENT = Decimal("0.01")

# People paste numbers with French grouping (space, no-break space, narrow no-break space).
_NUMBER_SPACES = re.compile(r"[\s\u00a0\u202f]")
_FRENCH_DATE = re.compile(r"(\d{1,2})/(\d{1,2})/(\d{4})")
_PARTIAL_DATE = re.compile(r"(\d{4})-(\d{2})-(\d{2})")

_TRUE_WORDS = frozenset({"true", "oui", "vrai", "1", "yes", "on"})
_FALSE_WORDS = frozenset({"false", "non", "faux", "0", "no", "off"})


def to_decimal(value: object) -> Decimal | None:
    """A finite Decimal from an int, Decimal, float or numeric string ("2,35", "1 200"); else None.

    Booleans are not numbers here (``True == 1`` in Python, not for an editor). Floats go through
    ``repr`` so that 2.35 becomes Decimal("2.35"), not its binary approximation.
    """
    if isinstance(value, bool):
        return None
    if isinstance(value, Decimal):
        result = value
    elif isinstance(value, int):
        return Decimal(value)
    elif isinstance(value, float):
        result = Decimal(repr(value))
    elif isinstance(value, str):
        text = _NUMBER_SPACES.sub("", value).replace(",", ".")
        if not text:
            return None
        try:
            result = Decimal(text)
        except InvalidOperation:
            return None
    else:
        return None
    return result if result.is_finite() else None


def to_date(value: object) -> dt.date | None:
    """A date from a date, a datetime, "YYYY-MM-DD" or "DD/MM/YYYY"; else None."""
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if not isinstance(value, str):
        return None
    text = value.strip()
    try:
        if match := _FRENCH_DATE.fullmatch(text):
            day, month, year = (int(part) for part in match.groups())
            return dt.date(year, month, day)
        if len(text) == 10:
            return dt.date.fromisoformat(text)
    except ValueError:
        return None
    return None


def to_bool(value: object) -> bool | None:
    """A bool from a bool or a word ("oui", "non", "true", "1"…); else None."""
    if isinstance(value, bool):
        return value
    if isinstance(value, str):
        word = normalise_text(value)
        if word in _TRUE_WORDS:
            return True
        if word in _FALSE_WORDS:
            return False
    return None


def normalise_text(value: str) -> str:
    """Case-, accent- and spacing-insensitive form: "  Végétarien " and "vegetarien" match.

    Typographic apostrophes become straight ones, since editors and citizens type both.
    """
    decomposed = unicodedata.normalize("NFKD", value)
    stripped = "".join(char for char in decomposed if not unicodedata.combining(char))
    stripped = stripped.replace("\u2019", "'").replace("\u02bc", "'")
    return " ".join(stripped.casefold().split())


def to_cents(amount: Decimal) -> Decimal:
    """Quantise to the cent, half up (2.345 → 2.35), the rounding French tariffs use."""
    return amount.quantize(CENT, rounding=ROUND_HALF_UP)


def canonical_decimal(amount: Decimal) -> str:
    """A stable string for storage: no exponent, no trailing zeros after the point."""
    text = format(amount, "f")
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return "0" if text in {"", "-0"} else text


def birth_date_bounds(value: object) -> tuple[dt.date, dt.date] | None:
    """Earliest and latest possible dates of a possibly partial birth date; None if unusable.

    CAF/MSA send ``YYYY-MM-DD`` with ``00`` for unknown parts ("2020-00-00", "2020-04-00") and
    "0000-00-00" when nothing is known. A day without a month says nothing, so "2020-00-15"
    spans the whole year. Objects with ``annee``/``mois``/``jour`` attributes (None for an
    unknown part, like the API client's ``PartialDate``) are read too, without importing them.
    """
    if isinstance(value, dt.date):
        plain = value.date() if isinstance(value, dt.datetime) else value
        return plain, plain
    if all(hasattr(value, name) for name in ("annee", "mois", "jour")):
        parts = (getattr(value, name) for name in ("annee", "mois", "jour"))
        year, month, day = (part if isinstance(part, int) else 0 for part in parts)
    elif isinstance(value, str) and (match := _PARTIAL_DATE.fullmatch(value.strip())):
        year, month, day = (int(part) for part in match.groups())
    else:
        return None
    if year == 0 or month > 12:
        return None
    try:
        if month == 0:
            return dt.date(year, 1, 1), dt.date(year, 12, 31)
        if day == 0:
            last = calendar.monthrange(year, month)[1]
            return dt.date(year, month, 1), dt.date(year, month, last)
        exact = dt.date(year, month, day)
    except ValueError:
        return None
    return exact, exact


def age_on(birth: dt.date, on: dt.date) -> int:
    """Completed years at ``on``; someone born on 29 February turns a year older on 1 March."""
    return on.year - birth.year - ((on.month, on.day) < (birth.month, birth.day))
