"""Server-side search of the birthplace picker.

A sorted list of the distinct name tokens, each pointing at a slice of one flat array of rows,
answers "which records have a word starting with X" with two bisections; the query word with the
fewest such records gives the candidates, which are then checked against the other words and
ranked. A query costs tens of microseconds; the worst, "Sai…" (thousands of Saint-…), a few ms.
"""

from __future__ import annotations

import re
from array import array
from bisect import bisect_left
from dataclasses import dataclass

from .entities import Commune
from .index import (
    ACTUELLE,
    ARRONDISSEMENT,
    communes_with_arrondissements,
    normalized_names,
    postcode_rows,
    rows_by_departement,
)
from .normalize import fold, normalize_name, strip_article
from .store import CommuneTable, communes_table, load_once

MAX_LIMIT = 100
_MAX_QUERY_CHARS = 100  # longer input is not a commune name; bounding it bounds the work
_MAX_QUERY_WORDS = 8
_INTERSECT_ABOVE = 300  # candidates beyond which the next word's postings are intersected
_CODE = re.compile(r"\d{5}|2[ab]\d{3}")  # a COG code or a postcode
_DEPARTEMENT = re.compile(r"\d{2}|9[78]\d|2[ab]")
_AFTER_LAST_CHAR = "\x7f"  # tokens are [a-z0-9]: every token with a prefix sorts before it


@dataclass(frozen=True, slots=True)
class _TokenIndex:
    tokens: list[str]  # distinct name tokens, sorted
    offsets: array[int]  # rows of tokens[i] are postings[offsets[i]:offsets[i + 1]]
    postings: array[int]

    def _span(self, prefix: str, whole: bool) -> tuple[int, int]:
        """The postings of ``prefix`` as a whole token, or of every token starting with it."""
        low = bisect_left(self.tokens, prefix)
        if whole:
            high = low + 1 if low < len(self.tokens) and self.tokens[low] == prefix else low
        else:
            high = bisect_left(self.tokens, prefix + _AFTER_LAST_CHAR, low)
        return self.offsets[low], self.offsets[high]

    def count(self, word: Word) -> int:
        """Upper bound of the records matching a query word, in O(log n)."""
        return sum(high - low for low, high in (self._span(*form) for form in word))

    def rows(self, word: Word) -> set[int]:
        found: set[int] = set()
        for low, high in (self._span(*form) for form in word):
            found.update(self.postings[low:high])
        return found


@load_once
def _token_index() -> _TokenIndex:
    # Rows are visited in order, so each token's rows come out sorted; a token repeated in one
    # name ("Saint-Martin-de-Saint-Maixent") is listed once for it.
    by_token: dict[str, list[int]] = {}
    for row, name in enumerate(normalized_names()):
        for token in set(name.split()):
            by_token.setdefault(token, []).append(row)
    tokens = sorted(by_token)
    offsets = array("L", [0])
    postings = array("L")
    for token in tokens:
        postings.extend(by_token.pop(token))
        offsets.append(len(postings))
    return _TokenIndex(tokens, offsets, postings)


@load_once
def _compact_names() -> list[str]:
    """Names without spaces, for "lhay les roses" (L'Haÿ-les-Roses) when words match nothing."""
    return [name.replace(" ", "") for name in normalized_names()]


# A query word is matched by any of its forms: (text, True) matches that whole name word,
# (text, False) any name word starting with it.
Word = tuple[tuple[str, bool], ...]


def _word(folded: str, one_letter_query: bool) -> Word:
    """The forms of one query word.

    Names are indexed with "Saint" folded to "st", which also starts "Strasbourg": a query word
    "saint" must therefore find the whole word "st", not every word starting with "st", and
    "sai"/"sain" (Saint being typed) must find it as well as "Saix" or "Sains".
    """
    short = normalize_name(folded)
    if short != folded:  # saint, sainte, saints, saintes
        forms = [(short, True), (folded, False)]
        if folded == "saint":
            forms.append(("ste", True))
        return tuple(forms)
    if len(folded) >= 3 and "sainte".startswith(folded):
        return ((folded, False), ("st", True), ("ste", True))
    return ((folded, one_letter_query),)


def _starts(words: list[str]) -> tuple[str, ...]:
    """Saint being typed ("sai", "sain") ranks Saint-Étienne with the names starting with it."""
    if words and len(words[0]) >= 3 and "sainte".startswith(words[0]):
        rest = " ".join(words[1:])
        return tuple(f"{short} {rest}".rstrip() for short in ("st ", "ste "))
    return ()


@dataclass(frozen=True, slots=True)
class _Query:
    words: tuple[Word, ...]
    phrase: str  # the words as typed, for exact and whole-name prefix tiers
    # Other starts a name may have to rank as starting with the query: "sain" → "st", "ste".
    starts: tuple[str, ...]
    departements: tuple[str, ...]  # "08", "2a", "976": a département, or the start of a word
    codes: frozenset[str]  # "08105", "2A004", "75013": a COG code or a postcode

    @classmethod
    def parse(cls, query: str) -> _Query:
        tokens = fold(query[:_MAX_QUERY_CHARS]).split()[:_MAX_QUERY_WORDS]
        words = [t for t in tokens if not _CODE.fullmatch(t) and not _DEPARTEMENT.fullmatch(t)]
        # Only one-letter words: they must be whole words ("Y", Somme), or "s" would list half
        # of France.
        one_letter = all(len(w) == 1 for w in words)
        return cls(
            words=tuple(_word(w, one_letter) for w in words),
            phrase=normalize_name(" ".join(words)),
            starts=_starts(words),
            departements=tuple(t for t in tokens if _DEPARTEMENT.fullmatch(t)),
            codes=frozenset(t.upper() for t in tokens if _CODE.fullmatch(t)),
        )

    @staticmethod
    def matches(word: Word, tokens: list[str]) -> bool:
        return any(
            token == text if whole else token.startswith(text)
            for text, whole in word
            for token in tokens
        )


def _candidates(query: _Query, table: CommuneTable) -> tuple[set[int], tuple[Word, ...]]:
    """Rows worth ranking, and the query words they still have to be checked against."""
    if query.codes:
        postcodes = postcode_rows()
        rows: set[int] = set()
        for code in query.codes:
            rows.update(table.rows_for_code(code))
            rows.update(postcodes.get(code, ()))
        return rows, query.words
    if query.words:
        index = _token_index()
        by_count = sorted(query.words, key=index.count)
        rows = index.rows(by_count[0])
        others: list[Word] = []
        for word in by_count[1:]:
            # "Saint-M": thousands of names have "st", thousands a word starting with "m";
            # intersecting the two posting sets is cheaper than checking each name's words.
            if len(rows) > _INTERSECT_ABOVE:
                rows &= index.rows(word)
            else:
                others.append(word)
        return rows, tuple(others)
    by_departement = rows_by_departement()
    rows = {row for d in query.departements for row in by_departement.get(d.upper(), ())}
    return rows, ()


def _numeric_hits(query: _Query, table: CommuneTable, row: int, name: str) -> int | None:
    """How many département-looking tokens matched a word of the name ("marseille 13" → 13e);
    None if one matched neither the département nor a word."""
    tokens = name.split()
    hits = 0
    for departement in query.departements:
        if any(token.startswith(departement) for token in tokens):
            hits += 1
        elif table.departements[row] != departement.upper():
            return None
    return hits


def search_communes(query: str, limit: int = 20, *, current_only: bool = False) -> list[Commune]:
    """Communes whose name matches ``query``, best first, for the birthplace picker.

    Case, accents, hyphens, apostrophes and "Saint"/"St" do not matter; each word of the query
    must start a word of the name, in any order (a one-letter word must be a whole word, which
    keeps "s" from listing half of France). A 2- or 3-character number or "2A"/"2B" is read as
    a département ("Charleville 08") unless it starts a word of the name ("Paris 13"); a
    5-character code finds the commune with that COG code and the communes of that postcode.

    Ranking: the COG code typed, then the exact name ("Paris" is exact for its arrondissements),
    then names starting with the query, then the other matches; within each, current communes,
    then arrondissements, then communes déléguées/associées, then former codes without a name;
    then by population.

    By default (birthplace) the results hold every code a birth certificate may carry but not
    Paris, Lyon and Marseille themselves, whose births are registered by arrondissement
    (75113, not 75056). ``current_only=True`` searches the current communes only, Paris included
    (e.g. for an editor choosing the commune of residence of a rule).
    """
    if not isinstance(query, str) or limit <= 0:
        return []
    limit = min(limit, MAX_LIMIT)
    parsed = _Query.parse(query)
    if not (parsed.words or parsed.codes or parsed.departements):
        return []
    table = communes_table()
    names = normalized_names()
    static_rank = _static_rank()
    excluded = frozenset() if current_only else communes_with_arrondissements()
    candidates, words = _candidates(parsed, table)
    ranked: list[tuple[int, int, int]] = []
    for row in candidates:
        kind = table.types[row]
        if (current_only and kind != ACTUELLE) or row in excluded:
            continue
        name = names[row]
        if words:
            tokens = name.split()
            if not all(parsed.matches(word, tokens) for word in words):
                continue
        numeric_hits = _numeric_hits(parsed, table, row, name) if parsed.departements else 0
        if numeric_hits is None:
            continue
        tier = _tier(parsed, table, row, name)
        ranked.append((tier - numeric_hits, static_rank[row], row))
    if not ranked and parsed.words:
        ranked = _compact_matches(parsed, table, excluded, current_only)
    ranked.sort()
    return _deduplicated(table, names, (row for *_, row in ranked), limit)


@load_once
def _static_rank() -> array[int]:
    """Each row's place in the order (type, population descending, name, code), computed once so
    that ranking a query's candidates costs one tuple per candidate."""
    table = communes_table()
    names = normalized_names()

    def key(row: int) -> tuple[int, int, str, str]:
        kind = table.types[row]
        # Arrondissements share their commune's population, then follow their numbers (1er, 2e…).
        if kind == ARRONDISSEMENT:
            return (kind, -table.populations[table.parents[row]], "", table.codes[row])
        return (kind, -table.populations[row], names[row], table.codes[row])

    ranks = array("L", [0]) * len(table)
    for rank, row in enumerate(sorted(range(len(table)), key=key)):
        ranks[row] = rank
    return ranks


# Tiers are spaced by 10 so that numeric hits ("marseille 13" → 13e) reorder within a tier only.
_TIER_CODE, _TIER_EXACT, _TIER_PREFIX, _TIER_WORDS, _TIER_FORMER_CODE = 0, 10, 20, 30, 40


def _tier(query: _Query, table: CommuneTable, row: int, name: str) -> int:
    # Called for every candidate (thousands for "sai"): the common "no prefix" case goes first.
    if query.codes and table.codes[row] in query.codes:
        # A postcode typed by mistake must not be shadowed by a nameless former code equal to it.
        return _TIER_FORMER_CODE if not name else _TIER_CODE
    phrase = query.phrase
    if not phrase:
        return _TIER_WORDS
    if name.startswith(phrase):
        if name == phrase or (
            table.types[row] == ARRONDISSEMENT and phrase == _parent_name(table, row)
        ):
            return _TIER_EXACT  # "paris" is exact for "Paris 13e Arrondissement"
        return _TIER_PREFIX
    if name[:2] in _ARTICLE_STARTS:
        bare = strip_article(name)
        if bare.startswith(phrase):
            return _TIER_EXACT if bare == phrase else _TIER_PREFIX
    if query.starts and name.startswith(query.starts):
        return _TIER_PREFIX
    return _TIER_WORDS


_ARTICLE_STARTS = frozenset({"l ", "le", "la"})  # first two characters of "l ", "le ", "la(s) "


def _parent_name(table: CommuneTable, row: int) -> str:
    return normalized_names()[table.parents[row]]


def _compact_matches(
    query: _Query, table: CommuneTable, excluded: frozenset[int], current_only: bool
) -> list[tuple[int, int, int]]:
    compact_query = query.phrase.replace(" ", "")
    if len(compact_query) < 3:
        return []
    ranked = []
    for row, compact in enumerate(_compact_names()):
        if compact.startswith(compact_query) and row not in excluded:
            if current_only and table.types[row] != ACTUELLE:
                continue
            ranked.append((_TIER_WORDS, _static_rank()[row], row))
    return ranked


def _deduplicated(table: CommuneTable, names: list[str], rows, limit: int) -> list[Commune]:
    """Skip a commune déléguée that repeats its commune nouvelle (same code, same name)."""
    results: list[Commune] = []
    seen: set[tuple[str, str]] = set()
    for row in rows:
        key = (table.codes[row], names[row])
        if key in seen:
            continue
        seen.add(key)
        results.append(table.commune(row))
        if len(results) == limit:
            break
    return results
