"""Normalised identity keys and a velocity alarm, against enumeration by typed identities.

A lookup reveals that a household exists, so lookups are bounded per identity. The bound must
hold however the identity is typed: ``Lefebvre``, ``LEFEBVRE``, `` lefebvre `` and ``Lefèbvre``
are one person, and so are the same first names in another order or case. The key is a keyed hash
of that normal form: identities never appear in cache keys.

The velocity alarm counts the distinct identities looked up per démarche in a sliding window of
fixed buckets; past its threshold the caller raises an admin alert (someone is trying many
identities, from many sessions or addresses).
"""

from __future__ import annotations

import time
import unicodedata
from collections.abc import Mapping
from typing import Any

from wagtail_passfamille.security.cache import CacheUnavailable, counters
from wagtail_passfamille.security.crypto import keyed_hash


def normalise_text(value: str) -> str:
    """Case, accents, spacing, punctuation folded: ``« Jean-Philippe  »`` -> ``jean philippe``."""
    decomposed = unicodedata.normalize("NFKD", value)
    letters = "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()
    letters = letters.replace("œ", "oe").replace("æ", "ae")  # NFKD keeps ligatures
    spaced = "".join(c if c.isalnum() else " " for c in letters)
    return " ".join(spaced.split())


def _normal(value: Any) -> Any:
    if isinstance(value, str):
        return normalise_text(value)
    if isinstance(value, list | tuple | set | frozenset):
        # First names are a set: their order and case do not make another person.
        return sorted({normalise_text(str(v)) for v in value if str(v).strip()})
    if value is None:
        return ""
    return str(int(value)) if isinstance(value, bool | int) or str(value).isdigit() else str(value)


def identity_key(source: str, identifiers: Mapping[str, Any]) -> str:
    """The keyed hash of an identity's normal form (empty values dropped)."""
    normal = {k: _normal(v) for k, v in identifiers.items()}
    canonical = repr(sorted((k, v) for k, v in normal.items() if v not in ("", [])))
    return keyed_hash("identity", source, canonical)


def distinct_identities(scope: str, key: str, window: int, buckets: int = 6) -> int:
    """Record ``key`` under ``scope`` and return how many distinct keys the last ``window``
    seconds saw (``buckets`` fixed buckets, so the window slides by ``window / buckets``).

    Atomic on a shared cache, so concurrent web nodes never lose a count: a key is counted once
    per window (``add`` of its marker succeeds only for the first request), in the bucket of the
    moment it was first seen (``incr``)."""
    store = counters()
    width = max(window // buckets, 1)
    now = int(time.time() // width)
    name = f"passfamille:velocity:{keyed_hash('velocity', scope)[:24]}"
    if store.add(f"{name}:seen:{key[:16]}", 1, timeout=window):
        current = f"{name}:{now}"
        store.add(current, 0, timeout=window + width)
        try:
            store.incr(current)
        except ValueError:  # evicted between add and incr: start the bucket again
            store.set(current, 1, timeout=window + width)
    found = store.get_many([f"{name}:{now - i}" for i in range(buckets)])
    return sum(int(count) for count in found.values())


def velocity_alarm(scope: str, key: str, threshold: int, window: int) -> bool:
    """True once per window when ``scope`` (a démarche) exceeds ``threshold`` distinct keys.

    While the counters' cache is down nothing is counted (lookups are deferred then anyway)."""
    try:
        if distinct_identities(scope, key, window) <= threshold:
            return False
        bucket = int(time.time() // window)
        alarm = f"passfamille:velocity-alarm:{keyed_hash('velocity', scope)[:24]}:{bucket}"
        return counters().add(alarm, 1, window)
    except CacheUnavailable:
        return False
