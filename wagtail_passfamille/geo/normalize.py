"""Text folding shared by the search and the address resolution.

One function decides what "the same name" means, so that the index built from the packaged data
and the text typed by a citizen or sent by the CAF are folded the same way.
"""

from __future__ import annotations

import re
import unicodedata

# NFKD leaves these as single letters; spell them out before dropping what is not ASCII.
_LIGATURES = str.maketrans({"œ": "oe", "Œ": "oe", "æ": "ae", "Æ": "ae", "ß": "ss"})
_NON_ALNUM = re.compile(r"[^a-z0-9]+")
# La Poste and the CAF write "ST"/"STE"; the COG writes "Saint"/"Sainte". Fold to the short form.
_ABBREVIATIONS = {"saint": "st", "sainte": "ste", "saints": "sts", "saintes": "stes"}
ARTICLES = frozenset({"l", "le", "la", "les"})


def fold(text: str) -> str:
    """Lower case, no accents, no ligatures, every run of other characters turned into one space."""
    text = unicodedata.normalize("NFKD", text.translate(_LIGATURES).casefold())
    ascii_text = text.encode("ascii", "ignore").decode("ascii")
    return _NON_ALNUM.sub(" ", ascii_text).strip()


def normalize_name(text: str) -> str:
    """``fold`` plus Saint→st, Sainte→ste: "Saint-Étienne" and "ST ETIENNE" give "st etienne"."""
    return " ".join(_ABBREVIATIONS.get(token, token) for token in fold(text).split())


def strip_article(normalized: str) -> str:
    """Drop one leading article: "le mans" → "mans", "l abergement …" → "abergement …"."""
    head, sep, rest = normalized.partition(" ")
    if sep and head in ARTICLES:
        return rest
    return normalized
