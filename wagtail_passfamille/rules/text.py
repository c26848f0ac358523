"""Text normalisation shared by matching, blind indexes and machine names."""

from __future__ import annotations

import re
import unicodedata

_SEPARATORS = re.compile(r"[\s\-‐‑‒–—'’ʼ`.,]+")


def strip_accents(value: str) -> str:
    decomposed = unicodedata.normalize("NFKD", value)
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def normalise_name(value: str) -> str:
    """Case, accents, hyphens, apostrophes and spaces do not matter: "Jean-Pierre" = "JEAN PIERRE".

    Ligatures are spelled out (œ → oe, æ → ae), as civil registers do.
    """
    value = strip_accents(value or "").replace("œ", "oe").replace("Œ", "OE")
    value = value.replace("æ", "ae").replace("Æ", "AE").replace("ß", "ss")
    return _SEPARATORS.sub(" ", value).strip().upper()


def machine_name(label: str) -> str:
    """A stable identifier proposed from a label: "Date de naissance" → "date_de_naissance"."""
    value = strip_accents(label or "").lower()
    value = re.sub(r"[^a-z0-9]+", "_", value, flags=re.ASCII).strip("_")
    if value and value[0].isdigit():
        value = "champ_" + value
    return value[:50].rstrip("_") or "champ"
